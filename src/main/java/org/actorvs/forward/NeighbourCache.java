package org.actorvs.forward;

/**
 * Layer-2 addresses of next hops (real servers, gateways, tunnel endpoints, clients).
 * The live director answers from its ARP / neighbour-discovery table; offline replays and tests
 * answer from configured addresses ({@link StaticNeighbours}).
 */
public interface NeighbourCache {
    /** Returned by {@link #mac} for a next hop whose link-layer address is not known (yet). */
    long UNRESOLVED = -1L;

    /** The 48-bit MAC of the next hop, or {@link #UNRESOLVED}. Called per packet: must not allocate. */
    long mac(int af, long hi, long lo);

    /**
     * A packet needed this next hop and it was unresolved: start (or keep up) resolution on the port.
     * Called for the first packet held for the hop, for every packet dropped for it, and on the
     * shard's timer while packets wait for it, so implementations rate-limit their own probes.
     */
    void resolutionNeeded(int af, long hi, long lo, int port);

    /**
     * Whether a packet for an unresolved next hop of family {@code af} may wait for it, as the
     * kernel's arp_queue: true only where this cache resolves such hops itself and says when it
     * gives up ({@link #failed}), so that nothing waits for good. A cache filled from configuration
     * answers false and its misses are dropped.
     */
    default boolean queues(int af) {
        return false;
    }

    /**
     * Whether resolving this next hop has failed (the kernel's NUD_FAILED): what waits for it is
     * dropped, each packet answered with ICMP host unreachable (neigh_invalidate()), and new packets
     * for it are not held. Called per packet while it holds: must not allocate.
     */
    default boolean failed(int af, long hi, long lo) {
        return false;
    }

    /**
     * Registers a shard's watch, told (on this cache's owner thread) after every change of the
     * answers of {@link #mac} and {@link #failed}; a cache that never {@link #queues} need not keep it.
     */
    default void watch(NeighbourWatch watch) {
    }

    /**
     * Moves whenever an answer of {@link #mac} may have changed, and whenever a next hop's use must
     * be reported again by a call of {@link #mac}: callers that cache answers ({@link Egress}) read
     * it first and ask again once it moved. Readable from any thread, per packet.
     */
    default long generation() {
        return 0;
    }
}
