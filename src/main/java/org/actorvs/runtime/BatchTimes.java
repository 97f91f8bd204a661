package org.actorvs.runtime;

/**
 * How long a shard took over each batch, as histogram buckets: powers of two from 1 µs to about
 * 134 ms, then everything longer. Written by the shard's thread only and copied off it on request,
 * so plain fields suffice; recording is one bucket search per batch, never per packet. The sync
 * actor keeps its delays in longer ones ({@link #BatchTimes(int)}): bound i is always 2^(10+i) ns.
 */
public final class BatchTimes {
    /** Bounds of a shard's batch times: 2^10 .. 2^27 ns. */
    private static final int SHARD_BOUNDS = 18;

    /** One count per bound, then the overflow bucket. Not cumulative. */
    private final long[] counts;
    private long sumNanos;

    BatchTimes() {
        this(SHARD_BOUNDS);
    }

    /** {@code bounds} buckets up to 2^(9+bounds) ns, then the overflow bucket. */
    BatchTimes(int bounds) {
        counts = new long[bounds + 1];
    }

    void record(long nanos) {
        final int last = counts.length - 1;
        int i = 0;
        while (i < last && nanos > bound(i)) {
            i++;
        }
        counts[i]++;
        sumNanos += nanos;
    }

    private static long bound(int i) {
        return 1L << (10 + i);
    }

    /** A shard's bucket bounds in nanoseconds, each a bucket's inclusive upper end; the last bucket has none. */
    public static long[] boundsNanos() {
        return boundsNanos(SHARD_BOUNDS + 1);
    }

    /** The bounds of a snapshot of {@code buckets} counts: one per bucket but the last (overflow) one. */
    public static long[] boundsNanos(int buckets) {
        long[] bounds = new long[buckets - 1];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = bound(i);
        }
        return bounds;
    }

    /** A copy taken on the owner's thread. */
    Snapshot snapshot() {
        return new Snapshot(counts.clone(), sumNanos);
    }

    /**
     * @param counts   per bucket, not cumulative: one per bound ({@link #boundsNanos(int)} of
     *                 {@code counts.length}), then the ones longer than the last bound
     * @param sumNanos the total of every recorded time
     */
    public record Snapshot(long[] counts, long sumNanos) {
        public long count() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }
    }
}
