package org.actorvs.forward;

import java.nio.ByteOrder;

import org.actorvs.packet.Checksum;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.Ipv6Flyweight;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Builds and sends ICMP / ICMPv6 error messages about a packet the director received, as the
 * kernel's icmp_send() / icmpv6_send() do for IPVS (ip_vs_leave, nat_icmp_send, tunnel MTU, TTL).
 *
 * <p>Kernel rules kept here: no error about an ICMP error, a non-first fragment, or a packet whose
 * source is not a unicast address; the quote is as much of the offending packet as fits in 576
 * bytes (IPv4) or the 1280-byte IPv6 minimum MTU; TOS is the offending TOS's bits 1-4 with
 * precedence "internetwork control" (0xc0); TTL / hop limit 64; the source address is the
 * offending packet's destination when that is one of the director's own (a VIP), else the egress
 * port's. Errors are rate limited globally as icmp_global_allow() (1000/s, burst 50), except
 * "fragmentation needed" and "packet too big", which path-MTU discovery depends on
 * (icmpv4_mask_allow / icmpv6_mask_allow).
 */
public final class IcmpSender {
    public static final int ICMP_DEST_UNREACH = 3;
    public static final int ICMP_SOURCE_QUENCH = 4;
    public static final int ICMP_TIME_EXCEEDED = 11;
    public static final int ICMP_PORT_UNREACH = 3;
    public static final int ICMP_FRAG_NEEDED = 4;
    public static final int ICMP_EXC_TTL = 0;

    public static final int ICMPV6_DEST_UNREACH = 1;
    public static final int ICMPV6_PKT_TOOBIG = 2;
    public static final int ICMPV6_TIME_EXCEED = 3;
    public static final int ICMPV6_PORT_UNREACH = 4;
    public static final int ICMPV6_EXC_HOPLIMIT = 0;
    /** ICMPv6 types below this are errors (ICMPV6_INFOMSG_MASK). */
    public static final int ICMPV6_INFOMSG_MASK = 0x80;

    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int ICMP_HEADER = 8;
    private static final int IPV4_MAX_ERROR = 576;
    private static final int IPV6_MIN_MTU = 1280;
    private static final int DEFAULT_TTL = 64;
    private static final int IPTOS_TOS_MASK = 0x1E;
    private static final int IPTOS_PREC_INTERNETCONTROL = 0xC0;

    private static final long RATE_PER_SECOND = 1000;
    private static final long BURST = 50;
    private static final long NANOS_PER_TOKEN = 1_000_000_000L / RATE_PER_SECOND;

    private final Egress egress;
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[Egress.L2_ROOM + IPV6_MIN_MTU]);
    private final Ipv4Flyweight ip4 = new Ipv4Flyweight();
    private final Ipv6Flyweight ip6 = new Ipv6Flyweight();
    private long tokens = BURST;
    private long lastRefill = Long.MIN_VALUE;
    private int ipId;
    private long sent;
    private long rateLimited;
    private long suppressed;

    public IcmpSender(Egress egress) {
        this.egress = egress;
    }

    /**
     * Sends an ICMPv4 error about the IPv4 packet at {@code ipOffset}.
     *
     * @param info   the rest-of-header word: the next-hop MTU for fragmentation needed, else 0
     * @param localDestination true when the offending packet was addressed to the director (a VIP):
     *               the error is then sourced from that address, as icmp_send() does for local routes
     */
    public boolean sendV4(int type, int code, int info, DirectBuffer packet, int ipOffset, int ipLength,
            boolean localDestination, long nowNanos) {
        long src = Ipv4Flyweight.src(packet, ipOffset) & 0xFFFF_FFFFL;
        long dst = Ipv4Flyweight.dst(packet, ipOffset) & 0xFFFF_FFFFL;
        if (!worthAnError4(packet, ipOffset, ipLength, src)) {
            suppressed++;
            return false;
        }
        if (!(type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) && !allow(nowNanos)) {
            rateLimited++;
            return false;
        }
        if (!egress.route(4, 0, src)) {
            return false;
        }
        Port port = egress.port(egress.lastHop().port);
        long source = localDestination ? dst : port.ipv4();
        if (source == 0) {
            return false;
        }
        int quote = Math.min(ipLength, IPV4_MAX_ERROR - IPV4_HEADER - ICMP_HEADER);
        int ip = Egress.L2_ROOM;
        int icmp = ip + IPV4_HEADER;
        int total = IPV4_HEADER + ICMP_HEADER + quote;
        int tos = (packet.getByte(ipOffset + Ipv4Flyweight.TOS_OFFSET) & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL;
        ip4.wrap(out, ip)
                .version(4)
                .ihl(IPV4_HEADER)
                .tos(tos)
                .totalLength(total)
                .id(ipId++ & 0xFFFF)
                .fragmentOffset(0)
                .dontFragment(false)
                .moreFragments(false)
                .ttl(DEFAULT_TTL)
                .protocol(1)
                .src((int) source)
                .dst((int) src)
                .updateChecksum();
        out.putByte(icmp, (byte) type);
        out.putByte(icmp + 1, (byte) code);
        out.putShort(icmp + 2, (short) 0);
        out.putInt(icmp + 4, info, ByteOrder.BIG_ENDIAN);
        out.putBytes(icmp + ICMP_HEADER, packet, ipOffset, quote);
        out.putShort(icmp + 2, (short) Checksum.finish(Checksum.sum(out, icmp, ICMP_HEADER + quote, 0)),
                ByteOrder.BIG_ENDIAN);
        Outcome o = egress.sendViaLastHop(4, out, 0, ip, total, Outcome.FORWARDED_ICMP);
        if (o == Outcome.FORWARDED_ICMP) {
            sent++;
            return true;
        }
        return false;
    }

    /** Sends an ICMPv6 error about the IPv6 packet at {@code ipOffset}; see {@link #sendV4}. */
    public boolean sendV6(int type, int code, int info, DirectBuffer packet, int ipOffset, int ipLength,
            int upperProtocol, int upperOffset, boolean firstFragment, boolean localDestination, long nowNanos) {
        long srcHi = Ipv6Flyweight.srcHi(packet, ipOffset);
        long srcLo = Ipv6Flyweight.srcLo(packet, ipOffset);
        long dstHi = Ipv6Flyweight.dstHi(packet, ipOffset);
        long dstLo = Ipv6Flyweight.dstLo(packet, ipOffset);
        if (!worthAnError6(packet, upperProtocol, upperOffset, ipOffset + ipLength, firstFragment, srcHi, srcLo)) {
            suppressed++;
            return false;
        }
        if (type != ICMPV6_PKT_TOOBIG && !allow(nowNanos)) {
            rateLimited++;
            return false;
        }
        if (!egress.route(6, srcHi, srcLo)) {
            return false;
        }
        Port port = egress.port(egress.lastHop().port);
        long fromHi = localDestination ? dstHi : port.ipv6Hi();
        long fromLo = localDestination ? dstLo : port.ipv6Lo();
        if (fromHi == 0 && fromLo == 0) {
            return false;
        }
        int quote = Math.min(ipLength, IPV6_MIN_MTU - IPV6_HEADER - ICMP_HEADER);
        int ip = Egress.L2_ROOM;
        int icmp = ip + IPV6_HEADER;
        int payload = ICMP_HEADER + quote;
        ip6.wrap(out, ip)
                .versionClassFlow(6, 0, 0)
                .payloadLength(payload)
                .nextHeader(58)
                .hopLimit(DEFAULT_TTL)
                .src(fromHi, fromLo)
                .dst(srcHi, srcLo);
        out.putByte(icmp, (byte) type);
        out.putByte(icmp + 1, (byte) code);
        out.putShort(icmp + 2, (short) 0);
        out.putInt(icmp + 4, info, ByteOrder.BIG_ENDIAN);
        out.putBytes(icmp + ICMP_HEADER, packet, ipOffset, quote);
        int csum = Checksum.l4Checksum6(out, icmp, payload, fromHi, fromLo, srcHi, srcLo, 58);
        out.putShort(icmp + 2, (short) csum, ByteOrder.BIG_ENDIAN);
        Outcome o = egress.sendViaLastHop(6, out, 0, ip, IPV6_HEADER + payload, Outcome.FORWARDED_ICMP);
        if (o == Outcome.FORWARDED_ICMP) {
            sent++;
            return true;
        }
        return false;
    }

    /** icmp_send()'s refusals: non-first fragments, errors about ICMP errors, non-unicast sources. */
    private static boolean worthAnError4(DirectBuffer packet, int ipOffset, int ipLength, long src) {
        if ((Ipv4Flyweight.flagsAndFragmentOffset(packet, ipOffset) & 0x1FFF) != 0) {
            return false;
        }
        if (src == 0 || (src >>> 28) == 0xE || src == 0xFFFF_FFFFL || (src >>> 24) == 127) {
            return false;
        }
        int ihl = Ipv4Flyweight.ihl(packet, ipOffset);
        if (Ipv4Flyweight.protocol(packet, ipOffset) == 1 && ipLength >= ihl + 1) {
            int type = packet.getByte(ipOffset + ihl) & 0xFF;
            // Errors and redirects are never answered with an error (icmp_pointers[].error).
            return !(type == 3 || type == 4 || type == 5 || type == 11 || type == 12);
        }
        return true;
    }

    /** icmpv6_send()'s refusals: non-first fragments, errors about ICMPv6 errors, non-unicast sources. */
    private static boolean worthAnError6(DirectBuffer packet, int upperProtocol, int upperOffset, int end,
            boolean firstFragment, long srcHi, long srcLo) {
        if (!firstFragment) {
            return false;
        }
        if ((srcHi == 0 && (srcLo == 0 || srcLo == 1)) || (srcHi >>> 56) == 0xFF) {
            return false;
        }
        if (upperProtocol == 58 && upperOffset < end) {
            int type = packet.getByte(upperOffset) & 0xFF;
            return (type & ICMPV6_INFOMSG_MASK) != 0;
        }
        return true;
    }

    private boolean allow(long nowNanos) {
        if (lastRefill == Long.MIN_VALUE) {
            lastRefill = nowNanos;
        }
        long elapsed = nowNanos - lastRefill;
        if (elapsed >= NANOS_PER_TOKEN) {
            long add = elapsed / NANOS_PER_TOKEN;
            tokens = Math.min(BURST, tokens + add);
            lastRefill += add * NANOS_PER_TOKEN;
        }
        if (tokens == 0) {
            return false;
        }
        tokens--;
        return true;
    }

    public long sent() {
        return sent;
    }

    public long rateLimited() {
        return rateLimited;
    }

    /** Errors not sent because the kernel's rules forbid an error about that packet. */
    public long suppressed() {
        return suppressed;
    }
}
