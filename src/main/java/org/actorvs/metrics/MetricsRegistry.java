package org.actorvs.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The director's one Prometheus registry and, once {@link #serve}d, its HTTP endpoint (/metrics).
 *
 * <p>The extension point for the parts of ActorVS that keep their own figures (connection sync,
 * VRRP): each registers a {@link MultiCollector} here that copies its counters when scraped, as
 * {@link DirectorCollector} does for the shards. A registry of its own rather than client_java's
 * default one, so tests and several directors in one JVM do not collide.
 */
public final class MetricsRegistry implements AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private HTTPServer server;

    /** Adds a collector; its metric names must not clash with any already registered. */
    public void register(MultiCollector collector) {
        registry.register(collector);
    }

    public void unregister(MultiCollector collector) {
        registry.unregister(collector);
    }

    public PrometheusRegistry prometheus() {
        return registry;
    }

    /** Starts serving {@code http://address:port/metrics}; port 0 takes a free one (see {@link #port()}). */
    public synchronized void serve(InetAddress address, int port) throws IOException {
        if (server != null) {
            throw new IllegalStateException("already serving on port " + server.getPort());
        }
        server = HTTPServer.builder().inetAddress(address).port(port).registry(registry).buildAndStart();
    }

    /** The port the endpoint listens on; -1 when it is not serving. */
    public synchronized int port() {
        return server == null ? -1 : server.getPort();
    }

    /** A scrape in the Prometheus text format, as the endpoint answers it. */
    public String scrapeText() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
