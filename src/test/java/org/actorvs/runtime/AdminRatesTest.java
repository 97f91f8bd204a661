package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.io.MemoryPacketIo;
import org.actorvs.metrics.DirectorMetrics;
import org.actorvs.metrics.MetricsRegistry;
import org.actorvs.metrics.RateEstimator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * actorvsadm -L --rate on a director that replayed the kernel master's traffic, its estimators
 * sampled once by hand (no waiting for the 2-second timer).
 */
@Timeout(120)
class AdminRatesTest {
    private static AdminFixture fx;
    private static DirectorMetrics metrics;

    @BeforeAll
    static void replayAndSample() throws Exception {
        fx = AdminReplayTest.replayedMaster();
        metrics = DirectorMetrics.register(fx.director, "rates", new MetricsRegistry());
        assertTrue(metrics.sampleRates().toCompletableFuture().join(), "every shard answered the sample");
    }

    @AfterAll
    static void stop() {
        metrics.close();
        fx.close();
    }

    /**
     * After one sample of counters that started from zero, each row's rates are a fresh estimator's
     * for that row's --stats totals (no -Z here, so the listing's counters are the estimator's).
     */
    @Test
    void rateListingShowsTheEstimatorsRatesInIpvsadmsColumns() {
        AdminFixture.Run stats = fx.cli("-L", "-n", "--stats", "--exact");
        AdminFixture.Run rate = fx.cli("-L", "-n", "--rate");
        assertEquals(0, stats.status(), stats.err());
        assertEquals(0, rate.status(), rate.err());
        List<String> statRows = stats.out().lines().toList();
        List<String> expected = new ArrayList<>(List.of(statRows.get(0),
                "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS",
                "  -> RemoteAddress:Port"));
        long serviceInBps = 0;
        for (String row : statRows.subList(3, statRows.size())) {
            String name = row.substring(0, 33);
            String[] totals = row.substring(33).strip().split("\\s+");
            RateEstimator e = new RateEstimator();
            e.sample(Long.parseLong(totals[0]), Long.parseLong(totals[1]), Long.parseLong(totals[2]),
                    Long.parseLong(totals[3]), Long.parseLong(totals[4]));
            assertTrue(e.inBytesPerSecond() < 100_000_000 && e.outBytesPerSecond() < 100_000_000, row);
            // print_service_entry(): a service's five rates are print_largenum()s, a server's first three %8llu
            String format = name.startsWith("  -> ") ? "%s %8d %8d %8d%9d%9d" : "%s%9d%9d%9d%9d%9d";
            expected.add(String.format(format, name, e.connectionsPerSecond(), e.inPacketsPerSecond(),
                    e.outPacketsPerSecond(), e.inBytesPerSecond(), e.outBytesPerSecond()));
            if (name.startsWith("TCP  10.99.0.10:80 ")) {
                serviceInBps = e.inBytesPerSecond();
            }
        }
        assertTrue(serviceInBps > 0, "the replayed web traffic gives a rate: " + stats.out());
        assertEquals(String.join("\n", expected) + "\n", rate.out());
    }

    @Test
    void statsDocumentSaysRatesAreAvailableWithoutANote() throws Exception {
        String body = fx.request("GET", "/api/stats", null).body();
        assertTrue(body.contains("\"ratesAvailable\":true"), body);
        assertFalse(body.contains("ratesNote"), body);
        assertTrue(body.contains("\"rates\":{\"conns\":"), body);
    }

    /** The rates must not need the HTTP endpoint: ipvsadm --rate reads them through the admin API. */
    @Test
    void estimatorRunsWhenTheMetricsEndpointIsOff() throws Exception {
        String text = Files.readString(AdminFixture.CONFIG).replaceFirst("actorvs \\{",
                "actorvs {\n  metrics { enabled = off }");
        DirectorConfig off = DirectorConfigLoader.parse(text,
                AdminFixture.CONFIG.resolveSibling("metrics-off.conf").toString());
        AdminFixture plain = new AdminFixture(Optional.empty(), MemoryPacketIo::new);
        try {
            assertFalse(off.metrics().enabled());
            assertTrue(plain.director.rateSource().isEmpty());
            assertNull(DirectorMetrics.serve(plain.director, off));
            assertTrue(plain.director.rateSource().isPresent());
            assertEquals(0, plain.cli("-A", "-t", "10.99.0.10:80", "-s", "rr").status());
            AdminFixture.Run rate = plain.cli("-L", "-n", "--rate");
            assertFalse(rate.out().contains("Rates unavailable"), rate.out());
            assertTrue(rate.out().contains("\nTCP  10.99.0.10:80" + " ".repeat(15) + "        0".repeat(5) + "\n"),
                    rate.out());
        } finally {
            plain.close();
        }
        assertTrue(plain.director.rateSource().isEmpty(), "closing the director withdraws its rate source");
    }
}
