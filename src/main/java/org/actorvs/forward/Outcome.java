package org.actorvs.forward;

/**
 * What the director did with one received frame. Every frame ends in exactly one outcome, and each
 * is counted, so "frames in = sum of outcomes" holds for every shard.
 *
 * <p>{@link Kind#PASSED} is the kernel's NF_ACCEPT: the director leaves the frame alone and the host
 * stack (which received its own copy from the NIC) does whatever it does with it.
 */
public enum Outcome {
    /** Rewritten and sent towards a real server (NAT, DR, tunnel, bypass). */
    FORWARDED_IN(Kind.FORWARDED),
    /** A NAT reply rewritten back to the virtual address and sent to the client. */
    FORWARDED_OUT(Kind.FORWARDED),
    /** An ICMP error about a connection, translated and sent on. */
    FORWARDED_ICMP(Kind.FORWARDED),
    /** For a local-node destination: the host stack delivers it. */
    LOCAL_NODE(Kind.PASSED),
    /** Not addressed to one of the director's MAC addresses (the kernel's pkt_type != PACKET_HOST). */
    NOT_FOR_US(Kind.PASSED),
    /** A frame the director sent itself came back (the kernel's ipvs_property). */
    OWN_FRAME(Kind.PASSED),
    /** Neither a virtual service's nor a connection's packet. */
    NO_SERVICE(Kind.PASSED),
    /** A protocol IPVS does not balance (not TCP/UDP), or an ICMP message that is not a related error. */
    UNSUPPORTED_PROTOCOL(Kind.PASSED),
    /** A TCP packet that may not start a connection (no SYN, or RST) and matches none (tcp_conn_schedule). */
    NOT_SCHEDULABLE(Kind.PASSED),
    /** An ICMP error that matches no connection. */
    ICMP_UNMATCHED(Kind.PASSED),
    /** A packet of a DR/TUN connection seen in the reply direction: not the director's business. */
    NOT_NAT_REPLY(Kind.PASSED),
    /** An FTP service's VIP got a packet for another port (ip_vs_leave lets it pass). */
    FTP_OTHER_PORT(Kind.PASSED),
    /** The frame was malformed; the parser's reason is counted separately. */
    MALFORMED(Kind.DROPPED),
    /** No real server available: ICMP port unreachable sent to the client (ip_vs_leave). */
    NO_DESTINATION(Kind.DROPPED),
    /** The connection's destination has been removed (ip_vs_in: !IP_VS_DEST_F_AVAILABLE). */
    DESTINATION_UNAVAILABLE(Kind.DROPPED),
    /** The connection table is full. */
    TABLE_FULL(Kind.DROPPED),
    /**
     * A persistence engine found no data in a packet that would start a connection (--pe sip: no
     * usable Call-ID, or not UDP); ip_vs_sched_persist() drops it (*ignored = -1), no ICMP.
     */
    NO_PERSISTENCE_DATA(Kind.DROPPED),
    /** No route to the next hop. */
    NO_ROUTE(Kind.DROPPED),
    /**
     * The next hop's MAC address is not known yet and the packet could not wait for it (no room to
     * hold it, its resolution failed, or the neighbour cache does not resolve); resolution was requested.
     */
    NEIGHBOUR_UNRESOLVED(Kind.DROPPED),
    /** TTL / hop limit ran out: ICMP time exceeded sent. */
    TTL_EXCEEDED(Kind.DROPPED),
    /** Too big for the path with DF set: ICMP fragmentation needed / packet too big sent. */
    TOO_BIG(Kind.DROPPED),
    /** A NAT real server's packet without a connection: ICMP port unreachable sent (nat_icmp_send). */
    NAT_ICMP_SENT(Kind.DROPPED),
    /** An IPv4 fragment while reassembly is off, or one the reassembler refused (memory, overlap, size). */
    FRAGMENT_DROPPED(Kind.DROPPED),
    /** A SYN that reuses a connection still tracked by conntrack: dropped so the client retransmits. */
    CONN_REUSE_DROPPED(Kind.DROPPED),
    /** An ICMP error whose checksum is wrong. */
    ICMP_BAD_CHECKSUM(Kind.DROPPED),
    /** The frame grew past what the buffer can carry (tunnel headers, payload rewriting). */
    NO_BUFFER_ROOM(Kind.DROPPED),
    /**
     * An application helper refused the packet: the connection it had to announce could not be
     * created (table full), or its rewrite would exceed 65535 bytes.
     */
    APP_DROPPED(Kind.DROPPED),
    /** A fragment held until its datagram is complete. */
    FRAGMENT_HELD(Kind.HELD),
    /** An ICMP error about a tunnelled packet, answered to the client and consumed. */
    ICMP_CONSUMED(Kind.HELD),
    /**
     * Rewritten, and held until its next hop's MAC is resolved, then sent (the kernel's arp_queue,
     * __neigh_event_send()); dropped with ICMP host unreachable should resolution fail.
     */
    NEIGHBOUR_QUEUED(Kind.HELD);

    public enum Kind { FORWARDED, PASSED, DROPPED, HELD }

    private static final Outcome[] VALUES = values();

    private final Kind kind;

    Outcome(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static Outcome of(int ordinal) {
        return VALUES[ordinal];
    }

    public static int count() {
        return VALUES.length;
    }
}
