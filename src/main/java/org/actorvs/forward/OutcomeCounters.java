package org.actorvs.forward;

/** Per-shard frame outcome counters; single writer (the shard), read by the metrics scrape. */
public final class OutcomeCounters {
    private final long[] counts = new long[Outcome.count()];

    public void increment(Outcome outcome) {
        counts[outcome.ordinal()]++;
    }

    public long get(Outcome outcome) {
        return counts[outcome.ordinal()];
    }

    public long total(Outcome.Kind kind) {
        long sum = 0;
        for (Outcome o : Outcome.values()) {
            if (o.kind() == kind) {
                sum += counts[o.ordinal()];
            }
        }
        return sum;
    }

    public long total() {
        long sum = 0;
        for (long c : counts) {
            sum += c;
        }
        return sum;
    }
}
