package org.actorvs.sched;

import java.util.List;

import org.actorvs.service.Destination;

/**
 * sh: a static 256-bucket table keyed by the client (source) address, each destination taking as many
 * consecutive buckets as its weight, at least one (ip_vs_sh_reassign()). Flags: sh-fallback (SCHED1)
 * probes further buckets when the owner is unusable (ip_vs_sh_get_fallback()); sh-port (SCHED2) adds
 * the source port of TCP/UDP/SCTP packets to the key.
 */
final class SourceHashingScheduler extends HashTableScheduler {
    static final int TAB_BITS = 8;
    static final int TAB_SIZE = 1 << TAB_BITS;
    static final int TAB_MASK = TAB_SIZE - 1;

    private final boolean usePort;

    SourceHashingScheduler(final int schedFlags, final List<Destination> initial) {
        super("sh", (schedFlags & Schedulers.SH_FALLBACK) != 0);
        this.usePort = (schedFlags & Schedulers.SH_PORT) != 0;
        update(initial);
    }

    /** Walks the list cyclically; a destination moves on after filling its weight (weight 0 fills 1). */
    @Override
    Destination[] build(final Destination[] dests) {
        final Destination[] table = new Destination[TAB_SIZE];
        if (dests.length == 0) {
            return table;
        }
        int p = 0;
        int count = 0;
        for (int i = 0; i < TAB_SIZE; i++) {
            table[i] = dests[p];
            if (++count >= dests[p].weight()) {
                p = (p + 1) % dests.length;
                count = 0;
            }
        }
        return table;
    }

    /**
     * ip_vs_sh_hashkey(). The fallback passes offsets that already contain the primary bucket, so probes
     * start at twice its index: the kernel's arithmetic, kept so that probes land where a Linux
     * director's would.
     */
    @Override
    int slot(final Flow flow, final int offset) {
        final int fold = IpvsHash.addrFold(flow.af, flow.srcHi, flow.srcLo);
        final int port = usePort ? Selection.hashPort(flow) : 0;
        return (offset + IpvsHash.hash32(port + fold, TAB_BITS)) & TAB_MASK;
    }
}
