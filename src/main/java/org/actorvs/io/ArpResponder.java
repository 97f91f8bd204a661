package org.actorvs.io;

import java.util.List;

import org.actorvs.forward.FrameSink;
import org.actorvs.forward.Port;
import org.actorvs.packet.ArpFlyweight;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.MacAddress;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Answers ARP requests for the addresses this director owns on a port and feeds the
 * {@link NeighbourTable}, as arp_rcv() and arp_process() do: a request for one of our addresses
 * is answered and its sender learnt (neigh_event_ns()); any other ARP packet only updates a
 * neighbour already known. Runs on the neighbour table's owner thread; not thread-safe.
 * Malformed or foreign frames are counted by reason, never thrown about.
 */
public final class ArpResponder {
    /** A request for an owned address, answered; its sender was learnt. */
    public static final int ANSWERED = 0;
    /** An address probe (sender IP 0.0.0.0, RFC 5227) for an owned address, answered; nothing learnt. */
    public static final int ANSWERED_PROBE = 1;
    /** Not for us, but it updated a known neighbour. */
    public static final int LEARNED = 2;
    /** A valid ARP packet that asked nothing of us and named no known neighbour. */
    public static final int NOT_FOR_US = 3;
    /** Someone else claims an address we own (another director announcing a VIP we hold). */
    public static final int ADDRESS_CONFLICT = 4;
    public static final int TOO_SHORT = 5;
    public static final int NOT_ARP = 6;
    /** Not Ethernet/IPv4 ARP (hardware or protocol type, address lengths), as arp_rcv() drops. */
    public static final int NOT_ETHERNET_IPV4 = 7;
    /** Neither request nor reply (RARP, InARP). */
    public static final int UNKNOWN_OP = 8;
    /** A multicast or broadcast sender MAC, which no neighbour can have. */
    public static final int BAD_SENDER = 9;
    /** A multicast or loopback target address, which arp_process() ignores. */
    public static final int BAD_TARGET = 10;
    /** Our own frame looped back. */
    public static final int OWN_FRAME = 11;
    /** A tag other than the port's VLAN, or a tag on an untagged port. */
    public static final int FOREIGN_VLAN = 12;
    public static final int BAD_PORT = 13;
    public static final int REASONS = 14;

    private static final String[] NAMES = {"answered", "answered-probe", "learned", "not-for-us", "address-conflict",
            "too-short", "not-arp", "not-ethernet-ipv4", "unknown-op", "bad-sender", "bad-target", "own-frame",
            "foreign-vlan", "bad-port"};

    private final Port[] ports;
    private final NeighbourTable neighbours;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final ArpFlyweight arp = new ArpFlyweight();
    private final ArpFrames frames = new ArpFrames();
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[ArpFrames.MAX_LENGTH]);
    private final long[] counts = new long[REASONS];
    private volatile OwnedAddresses owned = OwnedAddresses.NONE;

    public ArpResponder(List<Port> ports, NeighbourTable neighbours) {
        this.ports = ports.toArray(new Port[0]);
        this.neighbours = neighbours;
    }

    /** Replaces the owned addresses; safe from any thread (failover hands over VIPs). */
    public void ownedAddresses(OwnedAddresses addresses) {
        this.owned = addresses;
    }

    public OwnedAddresses ownedAddresses() {
        return owned;
    }

    /**
     * Handles one received frame that should be ARP; a reply, if any, goes to {@code out} on the
     * same port.
     *
     * @return the reason code ({@link #ANSWERED} ... {@link #BAD_PORT}), also counted
     */
    public int onFrame(int port, DirectBuffer buffer, int offset, int length, long nowNanos, FrameSink out) {
        final int reason = process(port, buffer, offset, length, nowNanos, out);
        counts[reason]++;
        return reason;
    }

    public long count(int reason) {
        return counts[reason];
    }

    public static String reasonName(int reason) {
        return NAMES[reason];
    }

    private int process(int portIndex, DirectBuffer buffer, int offset, int length, long now, FrameSink out) {
        if (portIndex < 0 || portIndex >= ports.length) {
            return BAD_PORT;
        }
        final Port port = ports[portIndex];
        final int l2 = PortFrame.headerLength(port, buffer, offset, length, ArpFlyweight.HEADER_LENGTH);
        if (l2 < 0) {
            return l2 == PortFrame.TOO_SHORT ? TOO_SHORT : FOREIGN_VLAN;
        }
        if (EthernetFlyweight.payloadEtherType(buffer, offset) != EthernetFlyweight.ETHER_TYPE_ARP) {
            return NOT_ARP;
        }
        view.wrap(buffer, offset, length);
        arp.wrap(view, l2);
        if (arp.htype() != ArpFlyweight.HTYPE_ETHERNET || arp.ptype() != ArpFlyweight.PTYPE_IPV4
                || arp.hlen() != ArpFlyweight.HLEN_ETHERNET || arp.plen() != ArpFlyweight.PLEN_IPV4) {
            return NOT_ETHERNET_IPV4;
        }
        final int op = arp.op();
        if (op != ArpFlyweight.OP_REQUEST && op != ArpFlyweight.OP_REPLY) {
            return UNKNOWN_OP;
        }
        final long sha = arp.senderMac();
        if (sha == port.mac()) {
            return OWN_FRAME;
        }
        if (MacAddress.isMulticast(sha) || sha == 0) {
            return BAD_SENDER;
        }
        final int sip = arp.senderIp();
        final int tip = arp.targetIp();
        if ((tip >>> 28) == 0xE || (tip >>> 24) == 127) {
            return BAD_TARGET;
        }
        final OwnedAddresses ours = owned;
        if (sip != 0 && ours.owns(portIndex, sip)) {
            return ADDRESS_CONFLICT;
        }
        final boolean forUs = op == ArpFlyweight.OP_REQUEST && ours.owns(portIndex, tip);
        if (sip == 0) {
            // Duplicate address detection: answer so the prober backs off, learn nothing (arp_process()).
            if (!forUs) {
                return NOT_FOR_US;
            }
            answer(port, sha, 0, tip, out);
            return ANSWERED_PROBE;
        }
        if (forUs) {
            neighbours.learnFromRequest(portIndex, sip, sha, now);
            answer(port, sha, sip, tip, out);
            return ANSWERED;
        }
        // Only a reply sent to our MAC asserts reachability (PACKET_HOST in arp_process()).
        final boolean unicastReply = op == ArpFlyweight.OP_REPLY && EthernetFlyweight.dstMac(view, 0) == port.mac();
        return neighbours.learn(portIndex, sip, sha, unicastReply, now) ? LEARNED : NOT_FOR_US;
    }

    /** arp_send(ARPOP_REPLY, ..., sip, dev, tip, sha, dev_addr, sha): back to the asker's MAC. */
    private void answer(Port port, long askerMac, int askerIp, int ownedIp, FrameSink out) {
        final int length = frames.write(reply, 0, port, askerMac, ArpFlyweight.OP_REPLY, ownedIp, askerMac, askerIp);
        out.send(port.index(), reply, 0, length);
    }
}
