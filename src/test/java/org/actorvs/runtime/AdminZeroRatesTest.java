package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.actorvs.metrics.DirectorMetrics;
import org.actorvs.metrics.MetricsRegistry;
import org.actorvs.metrics.RateEstimator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ipvsadm -Z restarts the rate estimators as ip_vs_zero_stats() does (ip_vs_zero_estimator()): the
 * counters as last taken become the estimator's last sample and its averages are cleared, so
 * -L --rate reads 0 at once and afterwards counts only what came after the zero. The director has
 * replayed the kernel master's traffic; its estimators are sampled by hand.
 */
@Timeout(120)
class AdminZeroRatesTest {
    private static final String WEB = "TCP  10.99.0.10:80 ";

    private AdminFixture fx;
    private MetricsRegistry registry;
    private DirectorMetrics metrics;

    @BeforeEach
    void replay() throws Exception {
        fx = AdminReplayTest.replayedMaster();
        registry = new MetricsRegistry();
        metrics = DirectorMetrics.register(fx.director, "zero", registry);
    }

    @AfterEach
    void stop() {
        metrics.close();
        fx.close();
    }

    /**
     * The counters are taken (a scrape) and one service zeroed before the first sample: its
     * estimators and its real servers' then see no growth, every other row a fresh estimator's
     * first sample of its totals.
     */
    @Test
    void zeroOfOneServiceRestartsTheEstimatorsOfItAndItsRealServersOnly() {
        registry.scrapeText();
        Map<String, long[]> totals = rows(fx.cli("-L", "-n", "--stats", "--exact"));
        assertEquals(0, fx.cli("-Z", "-t", "10.99.0.10:80").status());
        sample();
        Map<String, long[]> rates = rows(fx.cli("-L", "-n", "--rate"));
        assertEquals(totals.keySet(), rates.keySet());
        int zeroed = 0;
        for (Map.Entry<String, long[]> row : totals.entrySet()) {
            long[] t = row.getValue();
            RateEstimator expected = new RateEstimator();
            if (row.getKey().startsWith(WEB)) {
                assertTrue(t[3] > 0, row.getKey() + " had traffic to forget");
                expected.zero(t[0], t[1], t[2], t[3], t[4]);
                zeroed++;
            }
            expected.sample(t[0], t[1], t[2], t[3], t[4]);
            assertArrayEquals(rates(expected), rates.get(row.getKey()), row.getKey());
        }
        assertEquals(3, zeroed, "the service and its two real servers: " + totals.keySet());
        assertTrue(rates.values().stream().anyMatch(r -> r[3] > 0), "the other services keep their rates");
    }

    /** POST /api/zero without a selector: every rate reads 0 at once, and stays so without new traffic. */
    @Test
    void zeroOfAllReadsAsNoRateAtOnce() throws Exception {
        sample();
        assertTrue(rows(fx.cli("-L", "-n", "--rate")).values().stream().anyMatch(r -> r[3] > 0));
        assertEquals(200, fx.request("POST", "/api/zero", "").statusCode());
        assertAllZero(rows(fx.cli("-L", "-n", "--rate")));
        sample();
        assertAllZero(rows(fx.cli("-L", "-n", "--rate")));
    }

    private static void assertAllZero(Map<String, long[]> rates) {
        rates.forEach((row, r) -> assertArrayEquals(new long[5], r, row));
    }

    private void sample() {
        assertTrue(metrics.sampleRates().toCompletableFuture().join(), "every shard answered the sample");
    }

    private static long[] rates(RateEstimator e) {
        return new long[] {e.connectionsPerSecond(), e.inPacketsPerSecond(), e.outPacketsPerSecond(),
                e.inBytesPerSecond(), e.outBytesPerSecond()};
    }

    /**
     * A listing's five figures by row, after its three heading lines; a real server's row is named
     * with its service's, as the same server may serve several.
     */
    private static Map<String, long[]> rows(AdminFixture.Run listing) {
        assertEquals(0, listing.status(), listing.err());
        Map<String, long[]> rows = new LinkedHashMap<>();
        String service = null;
        for (String row : listing.out().lines().skip(3).toList()) {
            String name = row.substring(0, 33);
            long[] figures = Arrays.stream(row.substring(33).strip().split("\\s+")).mapToLong(Long::parseLong)
                    .toArray();
            if (name.startsWith("  -> ")) {
                rows.put(service + name, figures);
            } else {
                service = name;
                rows.put(name, figures);
            }
        }
        return rows;
    }
}
