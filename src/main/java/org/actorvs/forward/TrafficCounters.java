package org.actorvs.forward;

import java.util.Arrays;

/**
 * Per-destination traffic of one shard: connections scheduled, packets and bytes in each
 * direction (the kernel's per-CPU ip_vs_stats; summed over shards on read). Indexed by destination
 * id; single writer, the shard. Grows (off the hot path, once per new id range) as ids appear.
 */
public final class TrafficCounters {
    private static final int CONNS = 0;
    private static final int IN_PKTS = 1;
    private static final int IN_BYTES = 2;
    private static final int OUT_PKTS = 3;
    private static final int OUT_BYTES = 4;
    private static final int FIELDS = 5;

    private long[] counts = new long[64 * FIELDS];

    void connection(int destId) {
        add(destId, CONNS, 1);
    }

    void in(int destId, int bytes) {
        if (destId >= 0) {
            int at = slot(destId);
            counts[at + IN_PKTS]++;
            counts[at + IN_BYTES] += bytes;
        }
    }

    void out(int destId, int bytes) {
        if (destId >= 0) {
            int at = slot(destId);
            counts[at + OUT_PKTS]++;
            counts[at + OUT_BYTES] += bytes;
        }
    }

    private void add(int destId, int field, long n) {
        if (destId >= 0) {
            // slot() first: it may grow the array, and counts[...] would read the old one.
            int at = slot(destId);
            counts[at + field] += n;
        }
    }

    private int slot(int destId) {
        int at = destId * FIELDS;
        if (at + FIELDS > counts.length) {
            counts = Arrays.copyOf(counts, Math.max(counts.length * 2, at + FIELDS));
        }
        return at;
    }

    private long get(int destId, int field) {
        int at = destId * FIELDS + field;
        return destId >= 0 && at < counts.length ? counts[at] : 0;
    }

    /** A copy to read off the shard's thread (its values as of now, never updated). */
    public TrafficCounters copy() {
        TrafficCounters c = new TrafficCounters();
        c.counts = counts.clone();
        return c;
    }

    public long connections(int destId) {
        return get(destId, CONNS);
    }

    public long inPackets(int destId) {
        return get(destId, IN_PKTS);
    }

    public long inBytes(int destId) {
        return get(destId, IN_BYTES);
    }

    public long outPackets(int destId) {
        return get(destId, OUT_PKTS);
    }

    public long outBytes(int destId) {
        return get(destId, OUT_BYTES);
    }
}
