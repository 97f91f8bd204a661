package org.actorvs.io;

import java.util.List;

import org.actorvs.forward.FrameSink;
import org.actorvs.forward.NeighbourCache;
import org.actorvs.forward.Port;
import org.actorvs.packet.Checksum;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.IcmpFlyweight;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv6Flyweight;
import org.actorvs.packet.NdpFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * IPv6's counterpart of {@link ArpResponder}: answers neighbour solicitations for the IPv6 addresses
 * this director owns on a port and feeds the {@link NeighbourTable} from solicitations and
 * advertisements, validating both as ndisc_rcv(), ndisc_recv_ns() and ndisc_recv_na() do. Runs on
 * the neighbour table's owner thread; not thread-safe. Malformed or foreign frames are counted by
 * reason, never thrown about.
 */
public final class NdpResponder {
    /** A solicitation for an owned address, answered with a solicited advertisement; its sender was learnt. */
    public static final int ANSWERED = 0;
    /** A duplicate address detection probe (source ::) for an owned address, answered to all nodes. */
    public static final int ANSWERED_DAD = 1;
    /** An advertisement that updated a known neighbour. */
    public static final int LEARNED = 2;
    /** A valid message that asked nothing of us and named no known neighbour. */
    public static final int NOT_FOR_US = 3;
    /** An advertisement for an address we own: another node claims it (ndisc_recv_na() only logs it). */
    public static final int ADDRESS_CONFLICT = 4;
    public static final int TOO_SHORT = 5;
    /** Not an ICMPv6 NS or NA directly in an IPv6 packet. */
    public static final int NOT_NDP = 6;
    /** The ICMPv6 checksum does not match the pseudo-header and message (icmpv6_rcv()). */
    public static final int BAD_CHECKSUM = 7;
    /** A hop limit other than 255: the message may come from beyond the link (ndisc_rcv()). */
    public static final int BAD_HOP_LIMIT = 8;
    /** An ICMPv6 code other than 0 (ndisc_rcv()). */
    public static final int BAD_CODE = 9;
    /** A multicast target address. */
    public static final int BAD_TARGET = 10;
    /** Options with a zero length or running past the end, or a link-layer address option of the wrong size. */
    public static final int BAD_OPTIONS = 11;
    /** A probe from :: not sent to a solicited-node address, or carrying a source link-layer option. */
    public static final int BAD_DAD = 12;
    /** An advertisement with the solicited flag sent to a multicast address. */
    public static final int MULTICAST_SOLICITED = 13;
    /** Our own frame looped back. */
    public static final int OWN_FRAME = 14;
    /** A tag other than the port's VLAN, or a tag on an untagged port. */
    public static final int FOREIGN_VLAN = 15;
    public static final int BAD_PORT = 16;
    /** A multicast source address, which no packet may carry (ip6_rcv_core() drops it). */
    public static final int BAD_SOURCE = 17;
    public static final int REASONS = 18;

    private static final String[] NAMES = {"answered", "answered-dad", "learned", "not-for-us", "address-conflict",
            "too-short", "not-ndp", "bad-checksum", "bad-hop-limit", "bad-code", "bad-target", "bad-options",
            "bad-dad", "multicast-solicited", "own-frame", "foreign-vlan", "bad-port", "bad-source"};

    private final Port[] ports;
    private final NeighbourTable neighbours;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final Ipv6Flyweight ip = new Ipv6Flyweight();
    private final NdpFlyweight ndp = new NdpFlyweight();
    private final NdpFrames frames = new NdpFrames();
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[NdpFrames.MAX_LENGTH]);
    private final long[] counts = new long[REASONS];
    private volatile OwnedAddresses owned = OwnedAddresses.NONE;

    public NdpResponder(List<Port> ports, NeighbourTable neighbours) {
        this.ports = ports.toArray(new Port[0]);
        this.neighbours = neighbours;
    }

    /** Replaces the owned addresses; safe from any thread (failover hands over VIPs). */
    public void ownedAddresses(OwnedAddresses addresses) {
        this.owned = addresses;
    }

    /**
     * Handles one received frame that should be an NS or NA; an answer, if any, goes to {@code out}
     * on the same port.
     *
     * @return the reason code ({@link #ANSWERED} ... {@link #BAD_SOURCE}), also counted
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
        final int l2 = PortFrame.headerLength(port, buffer, offset, length, Ipv6Flyweight.HEADER_LENGTH);
        if (l2 < 0) {
            return l2 == PortFrame.TOO_SHORT ? TOO_SHORT : FOREIGN_VLAN;
        }
        view.wrap(buffer, offset, length);
        ip.wrap(view, l2);
        final int l4 = l2 + Ipv6Flyweight.HEADER_LENGTH;
        if (EthernetFlyweight.payloadEtherType(view, 0) != EthernetFlyweight.ETHER_TYPE_IPV6
                || ip.version() != Ipv6Flyweight.VERSION || ip.nextHeader() != IpProtocol.ICMPV6
                || length < l4 + IcmpFlyweight.HEADER_LENGTH) {
            return NOT_NDP;
        }
        final int type = IcmpFlyweight.type(view, l4);
        if (type != IcmpFlyweight.V6_NEIGHBOR_SOLICITATION && type != IcmpFlyweight.V6_NEIGHBOR_ADVERTISEMENT) {
            return NOT_NDP;
        }
        final int l4Length = ip.payloadLength();
        if (l4 + l4Length > length) {
            return TOO_SHORT;
        }
        final long srcHi = ip.srcHi();
        final long srcLo = ip.srcLo();
        final long dstHi = ip.dstHi();
        final long dstLo = ip.dstLo();
        if (NdpFlyweight.isMulticast(srcHi)) {
            return BAD_SOURCE;
        }
        if (!Checksum.isL4Valid6(view, l4, l4Length, srcHi, srcLo, dstHi, dstLo, IpProtocol.ICMPV6)) {
            return BAD_CHECKSUM;
        }
        if (ip.hopLimit() != NdpFlyweight.HOP_LIMIT) {
            return BAD_HOP_LIMIT;
        }
        if (IcmpFlyweight.code(view, l4) != 0) {
            return BAD_CODE;
        }
        if (l4Length < NdpFlyweight.HEADER_LENGTH) {
            return TOO_SHORT;
        }
        ndp.wrap(view, l4);
        final long targetHi = ndp.targetHi();
        final long targetLo = ndp.targetLo();
        if (NdpFlyweight.isMulticast(targetHi)) {
            return BAD_TARGET;
        }
        final boolean solicitation = type == IcmpFlyweight.V6_NEIGHBOR_SOLICITATION;
        final long lladdr = NdpFlyweight.linkLayerAddress(view, l4, l4Length,
                solicitation ? NdpFlyweight.OPTION_SOURCE_LINK_LAYER : NdpFlyweight.OPTION_TARGET_LINK_LAYER);
        if (lladdr == NdpFlyweight.MALFORMED_OPTIONS || lladdr == NdpFlyweight.BAD_ADDRESS_LENGTH) {
            return BAD_OPTIONS;
        }
        final long srcMac = EthernetFlyweight.srcMac(view, 0);
        if (srcMac == port.mac()) {
            return OWN_FRAME;
        }
        final OwnedAddresses ours = owned;
        final boolean forUs = ours.owns(portIndex, targetHi, targetLo);
        if (solicitation) {
            return solicited(port, srcHi, srcLo, dstHi, dstLo, targetHi, targetLo, lladdr, srcMac, forUs, now, out);
        }
        final boolean multicastDst = NdpFlyweight.isMulticast(dstHi);
        if (multicastDst && ndp.solicited()) {
            return MULTICAST_SOLICITED;
        }
        if (forUs) {
            return ADDRESS_CONFLICT;
        }
        final long mac = lladdr == NdpFlyweight.NO_ADDRESS ? NeighbourCache.UNRESOLVED : lladdr;
        return neighbours.learnFromAdvertisement(portIndex, targetHi, targetLo, mac, ndp.solicited(), ndp.override(),
                now) ? LEARNED : NOT_FOR_US;
    }

    /** ndisc_recv_ns() for a validated solicitation. */
    private int solicited(Port port, long srcHi, long srcLo, long dstHi, long dstLo, long targetHi, long targetLo,
            long lladdr, long srcMac, boolean forUs, long now, FrameSink out) {
        final boolean dad = srcHi == 0 && srcLo == 0;
        if (dad && (!NdpFlyweight.isSolicitedNode(dstHi, dstLo) || lladdr != NdpFlyweight.NO_ADDRESS)) {
            return BAD_DAD;
        }
        if (!forUs) {
            return NOT_FOR_US;
        }
        if (dad) {
            // The prober has no address to answer to: all nodes hear that the address is taken,
            // without the solicited flag (ndisc_send_na(..., solicited false, override true)).
            answer(port, NdpFlyweight.multicastMac(NdpFlyweight.ALL_NODES_LO), NdpFlyweight.ALL_NODES_HI,
                    NdpFlyweight.ALL_NODES_LO, NdpFlyweight.FLAG_OVERRIDE, targetHi, targetLo, out);
            return ANSWERED_DAD;
        }
        final long askerMac = lladdr == NdpFlyweight.NO_ADDRESS ? srcMac : lladdr;
        if (lladdr != NdpFlyweight.NO_ADDRESS) {
            neighbours.learnFromSolicitation(port.index(), 6, srcHi, srcLo, lladdr, now);
        }
        // Our own address, not an anycast one: override set (ndisc_recv_ns(), ifp != NULL).
        answer(port, askerMac, srcHi, srcLo, NdpFlyweight.FLAG_SOLICITED | NdpFlyweight.FLAG_OVERRIDE, targetHi,
                targetLo, out);
        return ANSWERED;
    }

    /** ndisc_send_na(): from the target itself, with the port's MAC as the target link-layer option. */
    private void answer(Port port, long dstMac, long dstHi, long dstLo, int flags, long targetHi, long targetLo,
            FrameSink out) {
        final int length = frames.write(reply, 0, port, dstMac, targetHi, targetLo, dstHi, dstLo,
                IcmpFlyweight.V6_NEIGHBOR_ADVERTISEMENT, flags, targetHi, targetLo,
                NdpFlyweight.OPTION_TARGET_LINK_LAYER);
        out.send(port.index(), reply, 0, length);
    }
}
