package org.actorvs.runtime;

import org.actorvs.forward.Outcome;
import org.actorvs.forward.TrafficCounters;
import org.actorvs.packet.DropReason;

/**
 * What one packet shard has done, copied off its thread: outcome counts by {@link Outcome} ordinal,
 * parser drops by {@link DropReason} code, the state of its connection table, its traffic per
 * destination id (a copy), and the packets it holds for unresolved next hops.
 */
public record ShardStats(int shard, long frames, long batches, long failures, long[] outcomes, long[] drops,
        int connections, int capacity, long refusedFull, TrafficCounters traffic, HeldPackets held) {

    /**
     * The shard's packets waiting for a next hop's MAC (its arp_queue): waiting now, and since the
     * start sent once resolved, pushed out over the per-neighbour bound, dropped when resolution failed.
     */
    public record HeldPackets(int waiting, long sent, long evicted, long failed) {
    }

    public long outcome(Outcome o) {
        return outcomes[o.ordinal()];
    }

    public long forwarded() {
        long n = 0;
        for (Outcome o : Outcome.values()) {
            if (o.kind() == Outcome.Kind.FORWARDED) {
                n += outcomes[o.ordinal()];
            }
        }
        return n;
    }
}
