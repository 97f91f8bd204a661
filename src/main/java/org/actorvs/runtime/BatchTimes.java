package org.actorvs.runtime;

/**
 * How long a shard took over each batch, as histogram buckets: powers of two from 1 µs to about
 * 134 ms, then everything longer. Written by the shard's thread only and copied off it on request,
 * so plain fields suffice; recording is one bucket search per batch, never per packet.
 */
public final class BatchTimes {
    /** Upper bounds in nanoseconds, inclusive (a Prometheus "le"): 2^10 .. 2^27 ns. */
    private static final long[] BOUNDS = new long[18];

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUNDS[i] = 1L << (10 + i);
        }
    }

    /** One count per bound, then the overflow bucket. Not cumulative. */
    private final long[] counts = new long[BOUNDS.length + 1];
    private long sumNanos;

    void record(long nanos) {
        int i = 0;
        while (i < BOUNDS.length && nanos > BOUNDS[i]) {
            i++;
        }
        counts[i]++;
        sumNanos += nanos;
    }

    /** The bucket bounds in nanoseconds, each a bucket's inclusive upper end; the last bucket has none. */
    public static long[] boundsNanos() {
        return BOUNDS.clone();
    }

    /** A copy taken on the shard's thread. */
    Snapshot snapshot() {
        return new Snapshot(counts.clone(), sumNanos);
    }

    /**
     * @param counts   per bucket, not cumulative: one per {@link #boundsNanos()} entry, then the
     *                 batches longer than the last bound
     * @param sumNanos the total of every batch's time
     */
    public record Snapshot(long[] counts, long sumNanos) {
    }
}
