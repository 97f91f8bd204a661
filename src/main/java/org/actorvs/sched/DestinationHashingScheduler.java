package org.actorvs.sched;

import java.util.List;

import org.actorvs.service.Destination;

/**
 * dh: a static 256-bucket table keyed by the packet's destination address, filled round-robin over the
 * list with weights ignored (ip_vs_dh_reassign()). There is no fallback: an unusable bucket owner means
 * no destination (ip_vs_dh_schedule()); dh is meant for cache clusters with cache bypass.
 */
final class DestinationHashingScheduler extends HashTableScheduler {
    static final int TAB_BITS = 8;
    static final int TAB_SIZE = 1 << TAB_BITS;

    DestinationHashingScheduler(final List<Destination> initial) {
        super("dh", false);
        update(initial);
    }

    @Override
    Destination[] build(final Destination[] dests) {
        final Destination[] table = new Destination[TAB_SIZE];
        if (dests.length > 0) {
            for (int i = 0; i < TAB_SIZE; i++) {
                table[i] = dests[i % dests.length];
            }
        }
        return table;
    }

    /** ip_vs_dh_hashkey(): hash_32 of the folded destination address. */
    @Override
    int slot(final Flow flow, final int offset) {
        return IpvsHash.hash32(IpvsHash.addrFold(flow.af, flow.dstHi, flow.dstLo), TAB_BITS);
    }
}
