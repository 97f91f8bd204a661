package org.actorvs.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import org.actorvs.conn.TcpStates;
import org.actorvs.forward.Outcome;
import org.actorvs.io.ArpResponder;
import org.actorvs.io.NdpResponder;
import org.actorvs.packet.DropReason;
import org.actorvs.runtime.ArpActor;
import org.actorvs.runtime.RateSource;
import org.actorvs.runtime.BatchTimes;
import org.actorvs.runtime.CaptureStats;
import org.actorvs.runtime.Director;
import org.actorvs.runtime.ShardMetrics;
import org.actorvs.runtime.ShardStats;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * A director's own metrics, read on scrape: every shard is asked for its {@link ShardMetrics} (the
 * shard copies its plain counters on its own thread, so the packet path never touches Prometheus),
 * the ARP actor for its figures, and the services' traffic is folded into {@link TrafficAccounts}; the
 * capture threads' counts are read directly, their dispatchers publish them.
 * A shard that does not answer within the ask timeout is reported with {@code actorvs_shard_up 0}
 * and no other series; the services' totals then stay as they were at the last complete answer.
 */
final class DirectorCollector implements MultiCollector {
    private static final double NANOS_PER_SECOND = 1e9;

    private final Director director;
    private final String node;
    private final Duration timeout;
    private final TrafficAccounts accounts = new TrafficAccounts();

    DirectorCollector(Director director, String node, Duration timeout) {
        this.director = director;
        this.node = node;
        this.timeout = timeout;
    }

    @Override
    public MetricSnapshots collect() {
        List<CompletableFuture<ShardMetrics>> asks = director.metrics(timeout);
        Optional<CompletableFuture<ArpActor.Stats>> arp = director.arpStats(timeout);
        List<ShardMetrics> shards = new ArrayList<>();
        for (CompletableFuture<ShardMetrics> a : asks) {
            shards.add(answer(a));
        }
        Families f = new Families();
        f.add(InfoSnapshot.builder().name("actorvs_director").help("This director (exposed as actorvs_director_info 1).")
                .dataPoint(InfoDataPointSnapshot.builder().labels(Labels.of("node", node)).build()).build());
        director.captureStats().forEach(c -> capture(f, c));
        shards(f, shards);
        if (!shards.contains(null)) {
            accounts.update(director.services(), shards);
        }
        accounts.write(f);
        arp.map(DirectorCollector::answer).ifPresent(stats -> arp(f, stats));
        return f.build();
    }

    /**
     * Takes a sample for the rate estimators when every shard answers (asynchronously: the caller is
     * a timer thread that must not wait). Completes with whether the sample was taken.
     */
    CompletionStage<Boolean> sampleRates() {
        List<CompletableFuture<ShardMetrics>> asks = director.metrics(timeout);
        return CompletableFuture.allOf(asks.toArray(new CompletableFuture[0])).handle((v, e) -> {
            if (e != null) {
                return false;
            }
            accounts.update(director.services(), asks.stream().map(CompletableFuture::join).toList());
            accounts.sampleRates();
            return true;
        });
    }

    /** The services' and real servers' rates, as the admin API reads them. */
    RateSource rates() {
        return accounts;
    }

    /** The answer, or null when it did not come in time. */
    static <T> T answer(CompletableFuture<T> ask) {
        try {
            return ask.get();
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void shards(Families f, List<ShardMetrics> shards) {
        for (int i = 0; i < shards.size(); i++) {
            String shard = Integer.toString(i);
            ShardMetrics m = shards.get(i);
            f.gauge("actorvs_shard_up", "Whether the shard answered this scrape in time (1) or not (0).",
                    m == null ? 0 : 1, "shard", shard);
            f.gauge("actorvs_shard_mailbox_batches", "Batches of frames delivered to the shard and not yet "
                    + "processed.", director.queuedBatches(i), "shard", shard);
            if (m != null) {
                shard(f, shard, m);
            }
        }
    }

    private static void shard(Families f, String shard, ShardMetrics m) {
        ShardStats s = m.stats();
        f.counter("actorvs_shard_frames_received", "IP frames the shard was given.", s.frames(), "shard", shard);
        f.counter("actorvs_shard_frames_forwarded", "Frames the shard sent on (rewritten, relayed).", s.forwarded(),
                "shard", shard);
        for (Outcome o : Outcome.values()) {
            f.counter("actorvs_shard_frame_outcomes", "Frames by what the shard did with them.", s.outcome(o),
                    "shard", shard, "outcome", lower(o), "kind", o.kind().name().toLowerCase());
        }
        String dropHelp = "Frames the shard dropped, by reason: the parser's for malformed frames, the "
                + "packet path's otherwise.";
        for (Outcome o : Outcome.values()) {
            if (o.kind() == Outcome.Kind.DROPPED && o != Outcome.MALFORMED) {
                f.counter("actorvs_shard_frames_dropped", dropHelp, s.outcome(o), "shard", shard, "reason", lower(o));
            }
        }
        for (DropReason r : DropReason.values()) {
            if (r != DropReason.OK) {
                f.counter("actorvs_shard_frames_dropped", dropHelp, s.drops()[r.code()], "shard", shard,
                        "reason", r.name().toLowerCase());
            }
        }
        f.counter("actorvs_shard_frames_dropped", dropHelp, s.failures(), "shard", shard, "reason",
                "handling_failure");
        f.counter("actorvs_shard_batches", "Batches of frames the shard processed.", s.batches(), "shard", shard);
        f.histogram("actorvs_shard_batch_duration_seconds", "Time the shard took over one batch of frames.",
                batchTimes(shard, m.batchTimes()));
        String connHelp = "Connection entries in the shard's table, by protocol and state.";
        for (int state = 0; state < TcpStates.COUNT; state++) {
            f.gauge("actorvs_shard_connections", connHelp, m.tcpStates()[state], "shard", shard, "protocol", "tcp",
                    "state", TcpStates.name(state).toLowerCase());
        }
        f.gauge("actorvs_shard_connections", connHelp, m.udp(), "shard", shard, "protocol", "udp", "state", "udp");
        f.gauge("actorvs_shard_connections", connHelp, m.other(), "shard", shard, "protocol", "other", "state",
                "other");
        f.gauge("actorvs_shard_persistence_templates", "Persistence templates in the shard's table.",
                m.templates(), "shard", shard);
        f.gauge("actorvs_shard_connection_table_capacity", "Entries the shard's connection table can hold.",
                s.capacity(), "shard", shard);
        f.counter("actorvs_shard_connection_table_refused", "Entries refused because the shard's table was full.",
                s.refusedFull(), "shard", shard);
        f.gauge("actorvs_shard_neighbour_queue_packets", "Packets the shard holds until their next hop's MAC is"
                + " resolved (the kernel's arp_queue).", s.held().waiting(), "shard", shard);
        f.counter("actorvs_shard_neighbour_queue_sent", "Held packets sent once their next hop resolved.",
                s.held().sent(), "shard", shard);
        String heldDrops = "Held packets dropped: pushed out over the per-neighbour bound (unres_discards), or"
                + " their next hop's resolution failed.";
        f.counter("actorvs_shard_neighbour_queue_dropped", heldDrops, s.held().evicted(), "shard", shard, "reason",
                "evicted");
        f.counter("actorvs_shard_neighbour_queue_dropped", heldDrops, s.held().failed(), "shard", shard, "reason",
                "resolution_failed");
    }

    /** One capture thread's counts, read without asking anyone: the dispatcher publishes them. */
    private static void capture(Families f, CaptureStats c) {
        f.counter("actorvs_capture_frames_received", "Frames the port's capture thread read.", c.frames(), "port",
                c.port());
        String controlHelp = "ARP and VRRP frames the capture thread handed to their actors.";
        f.counter("actorvs_capture_control_frames", controlHelp, c.arpFrames(), "port", c.port(), "protocol", "arp");
        f.counter("actorvs_capture_control_frames", controlHelp, c.vrrpFrames(), "port", c.port(), "protocol",
                "vrrp");
        c.drops().forEach((reason, n) -> f.counter("actorvs_capture_frames_dropped", "Frames the capture thread "
                + "dropped before any shard saw them: no free batch (back_pressure, the shards are behind), larger "
                + "than a batch (oversize), neither IP nor ARP (other_link_protocol).", n, "port", c.port(),
                "reason", reason));
    }

    private static HistogramDataPointSnapshot batchTimes(String shard, BatchTimes.Snapshot t) {
        return seconds(t, "shard", shard);
    }

    /** A histogram of times in seconds; {@code labels} are name, value pairs. */
    static HistogramDataPointSnapshot seconds(BatchTimes.Snapshot t, String... labels) {
        long[] nanos = BatchTimes.boundsNanos(t.counts().length);
        double[] bounds = new double[nanos.length + 1];
        for (int i = 0; i < nanos.length; i++) {
            bounds[i] = nanos[i] / NANOS_PER_SECOND;
        }
        bounds[nanos.length] = Double.POSITIVE_INFINITY;
        return HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, t.counts()))
                .sum(t.sumNanos() / NANOS_PER_SECOND).labels(Labels.of(labels)).build();
    }

    private static void arp(Families f, ArpActor.Stats s) {
        for (int r = 0; r < ArpResponder.REASONS; r++) {
            f.counter("actorvs_arp_frames", "ARP frames received, by what became of them.", s.count(r), "result",
                    ArpResponder.reasonName(r).replace('-', '_'));
        }
        for (int r = 0; r < NdpResponder.REASONS; r++) {
            f.counter("actorvs_ndp_frames", "IPv6 neighbour solicitations and advertisements received, by what"
                    + " became of them.", s.ndpReasons()[r], "result", NdpResponder.reasonName(r).replace('-', '_'));
        }
        f.gauge("actorvs_arp_neighbours", "Entries in the neighbour table (IPv4 and IPv6).", s.neighbours());
        f.counter("actorvs_arp_probes_sent", "ARP requests and neighbour solicitations sent to resolve next hops.",
                s.probesSent());
        f.counter("actorvs_arp_resolutions_failed", "Next hops that did not answer ARP or neighbour discovery in time.",
                s.resolutionsFailed());
    }

    private static String lower(Outcome o) {
        return o.name().toLowerCase();
    }
}
