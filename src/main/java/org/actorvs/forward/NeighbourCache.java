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
     * Called per dropped packet, so implementations rate-limit their own probes.
     */
    void resolutionNeeded(int af, long hi, long lo, int port);

    /**
     * Moves whenever an answer of {@link #mac} may have changed, and whenever a next hop's use must
     * be reported again by a call of {@link #mac}: callers that cache answers ({@link Egress}) read
     * it first and ask again once it moved. Readable from any thread, per packet.
     */
    default long generation() {
        return 0;
    }
}
