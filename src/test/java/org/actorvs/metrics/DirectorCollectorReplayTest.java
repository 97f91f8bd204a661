package org.actorvs.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.forward.Outcome;
import org.actorvs.forward.Port;
import org.actorvs.io.PcapFileIo;
import org.actorvs.packet.DropReason;
import org.actorvs.runtime.Director;
import org.actorvs.runtime.DirectorSetup;
import org.actorvs.runtime.Replay;
import org.actorvs.runtime.ShardStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Linux IPVS capture replayed through a whole director (as KernelFidelityTest does), then
 * scraped in the text format a Prometheus server reads: every figure must be what the shards counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectorCollectorReplayTest {
    private static final Path CAPTURE = Path.of("src/test/resources/replay/v1-run.traffic.pcap").toAbsolutePath();
    private static final Path CONFIG = Path.of("src/test/resources/replay/kernel-v1.conf");

    @TempDir
    static Path dir;
    private PcapFileIo io;
    private Director director;
    private Replay.Summary summary;
    private Scrape scrape;
    private MetricsRegistry registry;

    @BeforeAll
    void replayAndScrape() throws IOException, ConfigError {
        DirectorConfig config = DirectorConfigLoader.load(CONFIG);
        List<Port> ports = config.ports(name -> {
            throw new IllegalArgumentException(name);
        });
        io = new PcapFileIo(ports, CAPTURE, dir.resolve("out.pcap"));
        director = Director.offline(new DirectorSetup(ports, config.routeTable(), i -> config.staticNeighbours(),
                config.ipvs(), config.timeouts().toTimeouts(), config.shards(), config.connectionTableCapacity(),
                100_000_000L, config.services(), config.drainTimeout()), io);
        director.apply(config.services(), config.drainTimeout());
        summary = Replay.run(director, io);
        registry = new MetricsRegistry();
        metrics = DirectorMetrics.register(director, config.nodeName(), registry);
        JvmMetrics.builder().register(registry.prometheus());
        scrape = Scrape.parse(registry.scrapeText());
    }

    @AfterAll
    void close() {
        director.close();
    }

    private DirectorMetrics metrics;

    @Test
    void eachShardsCountersAreItsStats() {
        for (ShardStats s : summary.shards()) {
            String shard = Integer.toString(s.shard());
            assertEquals(s.frames(), scrape.value("actorvs_shard_frames_received_total", "shard", shard));
            assertEquals(s.forwarded(), scrape.value("actorvs_shard_frames_forwarded_total", "shard", shard));
            assertEquals(s.batches(), scrape.value("actorvs_shard_batches_total", "shard", shard));
            assertEquals(s.batches(), scrape.value("actorvs_shard_batch_duration_seconds_count", "shard", shard));
            assertEquals(s.failures(), scrape.value("actorvs_shard_frames_dropped_total", "shard", shard, "reason",
                    "handling_failure"));
            for (Outcome o : Outcome.values()) {
                assertEquals(s.outcome(o), scrape.value("actorvs_shard_frame_outcomes_total", "shard", shard,
                        "outcome", o.name().toLowerCase()), o.name());
            }
            for (DropReason r : DropReason.values()) {
                if (r != DropReason.OK) {
                    assertEquals(s.drops()[r.code()], scrape.value("actorvs_shard_frames_dropped_total", "shard",
                            shard, "reason", r.name().toLowerCase()), r.name());
                }
            }
            assertEquals(1, scrape.value("actorvs_shard_up", "shard", shard));
            assertEquals(0, scrape.value("actorvs_shard_mailbox_batches", "shard", shard), "replay waits for each batch");
        }
    }

    @Test
    void theShardsReceivedEveryIpFrameOfTheCapture() {
        assertEquals(summary.framesIn() - summary.arpFrames() - summary.ignored(),
                scrape.sum("actorvs_shard_frames_received_total"));
    }

    @Test
    void parserDropsByReasonAddUpToTheMalformedFrames() {
        double parser = 0;
        for (DropReason r : DropReason.values()) {
            parser += scrape.sum("actorvs_shard_frames_dropped_total", "reason", r.name().toLowerCase());
        }
        assertEquals(12, summary.outcome(Outcome.MALFORMED), summary.format());
        assertEquals(summary.outcome(Outcome.MALFORMED), parser);
    }

    @Test
    void connectionsByStateAddUpToEachShardsTable() {
        for (ShardStats s : summary.shards()) {
            String shard = Integer.toString(s.shard());
            assertEquals(s.connections(), scrape.sum("actorvs_shard_connections", "shard", shard)
                    + scrape.value("actorvs_shard_persistence_templates", "shard", shard));
        }
    }

    /** Traffic is counted apart from outcomes (ip_vs_in_stats / ip_vs_out_stats): the two must agree. */
    @Test
    void realServerPacketsAreTheForwardedFrames() {
        assertEquals(summary.outcome(Outcome.FORWARDED_IN), scrape.sum("actorvs_server_in_packets_total"));
        // Replies, and the tunnel real server's ICMP errors the director answered for (as
        // ip_vs_in_icmp() counts them with ip_vs_out_stats()).
        assertEquals(summary.outcome(Outcome.FORWARDED_OUT) + summary.outcome(Outcome.ICMP_CONSUMED),
                scrape.sum("actorvs_server_out_packets_total"));
    }

    @Test
    void eachServicesFiguresAreTheSumOfItsRealServers() {
        List<String> services = scrape.select("actorvs_service_connections_total").stream()
                .map(s -> s.labels().get("service")).toList();
        assertEquals(8, services.size(), services.toString());
        for (String service : services) {
            for (String field : List.of("connections", "in_packets", "out_packets", "in_bytes", "out_bytes")) {
                assertEquals(scrape.sum("actorvs_server_" + field + "_total", "service", service),
                        scrape.value("actorvs_service_" + field + "_total", "service", service), service + " " + field);
            }
        }
    }

    @Test
    void roundRobinGaveBothRealServersOfTheNatServiceTheSameConnections() {
        assertEquals(10, scrape.value("actorvs_service_connections_total", "service", "tcp/10.99.0.10:80"));
        assertEquals(5, scrape.value("actorvs_server_connections_total", "service", "tcp/10.99.0.10:80", "server",
                "10.99.0.21:8080"));
        assertEquals(5, scrape.value("actorvs_server_connections_total", "service", "tcp/10.99.0.10:80", "server",
                "10.99.0.24:8080"));
        assertEquals(7, scrape.value("actorvs_service_connections_total", "service", "tcp/[fd00:99::10]:80"));
    }

    @Test
    void ratesAfterOneSampleAreTheKernelEstimatorsOfTheTotals() {
        assertEquals(true, metrics.sampleRates().toCompletableFuture().join());
        Scrape after = Scrape.parse(registry.scrapeText());
        for (Scrape.Series s : after.select("actorvs_server_connections_total")) {
            String[] labels = {"service", s.labels().get("service"), "server", s.labels().get("server")};
            RateEstimator expected = new RateEstimator();
            expected.sample((long) s.value(), (long) after.value("actorvs_server_in_packets_total", labels),
                    (long) after.value("actorvs_server_out_packets_total", labels),
                    (long) after.value("actorvs_server_in_bytes_total", labels),
                    (long) after.value("actorvs_server_out_bytes_total", labels));
            assertEquals(expected.connectionsPerSecond(), after.value("actorvs_server_connections_per_second", labels));
            assertEquals(expected.inPacketsPerSecond(), after.value("actorvs_server_in_packets_per_second", labels));
            assertEquals(expected.outPacketsPerSecond(), after.value("actorvs_server_out_packets_per_second", labels));
            assertEquals(expected.inBytesPerSecond(), after.value("actorvs_server_in_bytes_per_second", labels));
            assertEquals(expected.outBytesPerSecond(), after.value("actorvs_server_out_bytes_per_second", labels));
        }
        // 3050 bytes in 2 s is 1525 B/s; the first sample weighs it by 1/4: 381.
        assertEquals(381, after.value("actorvs_service_in_bytes_per_second", "service", "tcp/[fd00:99::10]:80"));
    }

    @Test
    void namesAreSnakeCaseWithTotalOnCountersAndUnitsSpelledOut() {
        for (String line : scrape.text().split("\n")) {
            if (line.startsWith("# TYPE actorvs_")) {
                String[] t = line.split(" ");
                assertTrue(t[2].matches("actorvs_[a-z0-9_]+"), line);
                assertEquals(t[3].equals("counter"), t[2].endsWith("_total"), line);
            }
        }
        for (Scrape.Series s : scrape.series()) {
            s.labels().keySet().forEach(l -> assertTrue(l.matches("[a-z][a-z0-9_]*"), l));
        }
        assertTrue(scrape.text().contains("# TYPE actorvs_shard_batch_duration_seconds histogram"));
    }

    @Test
    void everyMetricTheGrafanaDashboardQueriesIsExposed() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("deploy/grafana/actorvs-dashboard.json").toFile());
        Set<String> queried = new TreeSet<>();
        Matcher names = Pattern.compile("\\b((?:actorvs|jvm)_[a-z_]+)").matcher("");
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.reset(target.get("expr").asText());
                while (names.find()) {
                    queried.add(names.group(1));
                }
            }
        }
        assertTrue(queried.size() >= 15, "the dashboard queries the director's metrics: " + queried);
        String text = registry.scrapeText();
        for (String name : queried) {
            if (name.startsWith("actorvs_arp_") || name.startsWith("actorvs_vrrp_")
                    || name.startsWith("actorvs_capture_")) {
                // an offline director has no ARP, VRRP or capture threads: MetricsEndToEndTest,
                // VrrpMetricsTest, CaptureDropsTest
                continue;
            }
            assertTrue(text.contains("\n" + name + "{") || text.contains("\n" + name + " "),
                    "the dashboard queries " + name + ", which the director does not expose");
        }
    }
}
