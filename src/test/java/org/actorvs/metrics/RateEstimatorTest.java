package org.actorvs.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The estimator against the kernel's fixed-point arithmetic (ip_vs_est.c), worked out by hand. */
class RateEstimatorTest {
    private final RateEstimator est = new RateEstimator();

    private void connections(long... totals) {
        for (long t : totals) {
            est.sample(t, 0, 0, 0, 0);
        }
    }

    @Test
    void aThousandConnectionsInTwoSecondsFirstReadAsAQuarterOfFiveHundred() {
        connections(1000);
        // (1000 << 9) = 512000, a quarter of it averaged in: 128000; (128000 + 0x1FF) >> 10 = 125
        assertEquals(128_000, est.scaledConnectionsPerSecond());
        assertEquals(125, est.connectionsPerSecond());
    }

    @Test
    void steadyTrafficClimbsByAQuarterOfTheRemainingDistanceEachSample() {
        connections(1000, 2000, 3000);
        // 128000 + (512000 - 128000) >> 2 = 224000, then 224000 + 72000 = 296000
        assertEquals(296_000, est.scaledConnectionsPerSecond());
        assertEquals(289, est.connectionsPerSecond());
    }

    @Test
    void decayAfterTrafficStopsRoundsTowardsNegativeInfinityAsTheKernelsShift() {
        connections(1, 1, 1, 1, 1);
        // 128, 96, 72, 54, then 54 + (-54 >> 2) = 54 - 14 = 40 (a truncating division would give 41)
        assertEquals(40, est.scaledConnectionsPerSecond());
    }

    @Test
    void halfAConnectionPerSecondSettlesJustBelowItsScaledValueAndReadsAsZero() {
        for (int i = 1; i <= 40; i++) {
            connections(i);
        }
        // (512 - avg) >> 2 stops moving the average at 509: 3 >> 2 is 0; (509 + 0x1FF) >> 10 = 0
        assertEquals(509, est.scaledConnectionsPerSecond());
        assertEquals(0, est.connectionsPerSecond());
    }

    @Test
    void bytesAreScaledByThirtyTwoAndRoundedWithFifteen() {
        est.sample(0, 0, 0, 3000, 0);
        // (3000 << 4) >> 2 = 12000; (12000 + 0xF) >> 5 = 375, a quarter of 1500 B/s
        assertEquals(12_000, est.scaledInBytesPerSecond());
        assertEquals(375, est.inBytesPerSecond());
    }

    @Test
    void tenGigabytesInTwoSecondsDoNotWrapAsSixtyFourBitKernelsDoNot() {
        est.sample(0, 0, 0, 0, 10_000_000_000L);
        // (1e10 << 4) >> 2 = 4e10 scaled; >> 5 = 1.25e9 B/s, a quarter of 5 GB/s
        assertEquals(1_250_000_000L, est.outBytesPerSecond());
    }

    @Test
    void packetRatesOfEachDirectionAreEstimatedApart() {
        est.sample(0, 1000, 3000, 0, 0);
        assertEquals(125, est.inPacketsPerSecond());
        // (3000 << 9) >> 2 = 384000; (384000 + 0x1FF) >> 10 = 375
        assertEquals(375, est.outPacketsPerSecond());
        assertEquals(0, est.connectionsPerSecond());
    }

    @Test
    void zeroClearsEveryAverageAtOnce() {
        est.sample(1000, 1000, 3000, 3000, 5000);
        est.zero(1000, 1000, 3000, 3000, 5000);
        assertEquals(0, est.scaledConnectionsPerSecond());
        assertEquals(0, est.scaledInBytesPerSecond());
        assertEquals(0, est.connectionsPerSecond());
        assertEquals(0, est.inPacketsPerSecond());
        assertEquals(0, est.outPacketsPerSecond());
        assertEquals(0, est.inBytesPerSecond());
        assertEquals(0, est.outBytesPerSecond());
    }

    @Test
    void afterZeroRatesClimbFromZeroByTheGrowthSinceTheZeroPoint() {
        connections(1000, 2000, 3000);
        // the counters grew past the last sample before the zero: that growth is not counted
        est.zero(3500, 0, 0, 0, 0);
        connections(4500, 5500);
        // as a new estimator given 1000 and then 2000: 128000, then 224000
        assertEquals(224_000, est.scaledConnectionsPerSecond());
    }

    @Test
    void onlyTheGrowthSinceTheLastSampleCounts() {
        connections(5000, 5000);
        // 5000 << 9 >> 2 = 640000, then no growth: 640000 + (-640000 >> 2) = 480000
        assertEquals(480_000, est.scaledConnectionsPerSecond());
        assertEquals(469, est.connectionsPerSecond());
    }
}
