package org.actorvs.metrics;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.actorvs.config.DirectorConfig;
import org.actorvs.runtime.Director;
import org.apache.pekko.actor.Cancellable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;

/**
 * A director's metrics in a {@link MetricsRegistry}: the shards, services, real servers and ARP
 * (read on scrape by a {@link DirectorCollector}), connection sync and VRRP (by a
 * {@link HaCollector}), and the rate estimators' 2-second timer, whose rates the director's admin API
 * lists too (the collector is the director's {@link org.actorvs.runtime.RateSource}).
 */
public final class DirectorMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectorMetrics.class);
    /** How long a scrape waits for a shard: short, a scrape must not hang on a busy shard. */
    static final Duration ASK_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RATE_INTERVAL = Duration.ofSeconds(RateEstimator.INTERVAL_SECONDS);

    private final Director director;
    private final MetricsRegistry registry;
    private final DirectorCollector collector;
    private final HaCollector ha;
    private Cancellable timer;

    private DirectorMetrics(Director director, MetricsRegistry registry, DirectorCollector collector,
            HaCollector ha) {
        this.director = director;
        this.registry = registry;
        this.collector = collector;
        this.ha = ha;
    }

    /**
     * Registers the director's metrics and makes their estimators its rate source; rates stay zero
     * until {@link #startRateTimer(Director)} or {@link #sampleRates()}.
     */
    public static DirectorMetrics register(Director director, String nodeName, MetricsRegistry registry) {
        DirectorCollector collector = new DirectorCollector(director, nodeName, ASK_TIMEOUT);
        registry.register(collector);
        HaCollector ha = new HaCollector(director.sync(), director.vrrpActor().orElse(null),
                director.system().scheduler(), ASK_TIMEOUT);
        registry.register(ha);
        director.rateSource(collector.rates());
        return new DirectorMetrics(director, registry, collector, ha);
    }

    /**
     * The daemon's metrics as {@code config.metrics()} says: rates sampled every 2 s in any case
     * (ipvsadm --rate reads them through the admin API); when the endpoint is enabled, JVM and
     * director metrics served over HTTP too; all closed with the director. Returns the registry
     * other parts add their collectors to, or null when the endpoint is disabled. If the endpoint
     * cannot start (the port is taken), the director is closed and the error thrown.
     */
    public static MetricsRegistry serve(Director director, DirectorConfig config) throws IOException {
        DirectorConfig.Metrics m = config.metrics();
        MetricsRegistry registry = new MetricsRegistry();
        try {
            DirectorMetrics metrics = register(director, config.nodeName(), registry);
            metrics.startRateTimer(director);
            director.attach(metrics);
            if (!m.enabled()) {
                // never scraped: the collectors stay idle, only the rate timer works
                return null;
            }
            JvmMetrics.builder().register(registry.prometheus());
            director.attach(registry);
            registry.serve(m.address(), m.port());
        } catch (IOException | RuntimeException e) {
            director.close();
            throw new IOException("metrics endpoint " + m.address().getHostAddress() + ":" + m.port() + ": "
                    + e.getMessage(), e);
        }
        LOG.info("metrics on http://{}:{}/metrics", m.address().getHostAddress(), registry.port());
        return registry;
    }

    /** Samples the rate estimators every {@link RateEstimator#INTERVAL_SECONDS} seconds on the director's scheduler. */
    public synchronized void startRateTimer(Director director) {
        if (timer == null) {
            timer = director.system().scheduler().scheduleAtFixedRate(RATE_INTERVAL, RATE_INTERVAL,
                    this::sampleRates, director.system().executionContext());
        }
    }

    /**
     * One estimator sample now; completes with false when a shard did not answer in time and no
     * sample was taken (the next one then covers twice the interval).
     */
    public CompletionStage<Boolean> sampleRates() {
        return collector.sampleRates();
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        registry.unregister(collector);
        registry.unregister(ha);
        if (director.rateSource().orElse(null) == collector.rates()) {
            director.rateSource(null);
        }
    }
}
