package org.actorvs.packet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Per-reason frame counters, one instance per shard. Single writer: the shard thread
 * increments with opaque stores so that a metrics thread reading with {@link #get} sees
 * whole, recent values without the cost of an atomic add per packet.
 */
public final class DropCounters {
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counts = new long[DropReason.COUNT];

    /** Counts one frame under {@code reasonCode}, a {@link DropReason#code()}; OK counts accepted frames. */
    public void increment(int reasonCode) {
        COUNTS.setOpaque(counts, reasonCode, (long) COUNTS.getOpaque(counts, reasonCode) + 1);
    }

    public long get(DropReason reason) {
        return (long) COUNTS.getOpaque(counts, reason.code());
    }

    /** Frames dropped for any reason; {@link DropReason#OK} is not a drop and is left out. */
    public long total() {
        long total = 0;
        for (int code = 1; code < counts.length; code++) {
            total += (long) COUNTS.getOpaque(counts, code);
        }
        return total;
    }
}
