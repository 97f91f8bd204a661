package org.actorvs.sched;

/**
 * What a scheduler may read of the packet that opens a connection. One mutable instance per shard
 * thread, refilled for every packet that needs scheduling; schedulers never keep a reference.
 *
 * <p>Addresses follow the project's (af, hi, lo) convention. {@code src} is the client side and
 * {@code dst} the virtual service side: for an ICMP error about a connection the caller fills them from
 * the embedded packet, which is the kernel's ip_vs_iph_inverse() view. Ports are host-order ints;
 * for protocols without ports they are 0.
 */
public final class Flow {
    public int af;
    public int protocol;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    public int srcPort;
    public int dstPort;

    /** Fills every field; returns this for chaining. */
    public Flow set(final int af, final int protocol, final long srcHi, final long srcLo, final int srcPort,
                    final long dstHi, final long dstLo, final int dstPort) {
        this.af = af;
        this.protocol = protocol;
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.srcPort = srcPort;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        this.dstPort = dstPort;
        return this;
    }
}
