package org.actorvs.packet;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.agrona.UnsafeAccess.UNSAFE;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * <p>A running sum is an int holding an unsigned 32-bit one's-complement accumulator: it can be
 * passed on as the {@code initial} of the next {@link #sum} and is reduced to 16 bits only by
 * {@link #fold}. Every segment but the last must have an even length, because an odd byte is
 * summed as the high half of a word padded with zero.
 *
 * <p>The update methods use RFC 1624 eqn. 3, which yields exactly what a full recomputation
 * yields, 0x0000 included, where the older eqn. 2 gave 0xFFFF. The UDP variants keep a stored 0
 * ("no checksum" over IPv4) and send a computed 0 as 0xFFFF (RFC 768).
 */
public final class Checksum {
    private static final long LOW32 = 0xFFFF_FFFFL;
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private Checksum() {
    }

    /**
     * Adds {@code length} bytes at {@code offset} to {@code initial}.
     *
     * <p>The range is bounds-checked once, then read in native byte order without per-read checks,
     * as Agrona's own buffers read: the one's-complement sum is byte-order independent (RFC 1071
     * section 2(B)), so the sum of little-endian words, folded to 16 bits, is the network-order sum
     * with its two bytes swapped. That saves a byte swap per 8 bytes and a bounds check per read.
     */
    public static int sum(DirectBuffer b, int offset, int length, int initial) {
        long acc = initial & LOW32;
        if (length <= 0) {
            return fold32(acc);
        }
        b.boundsCheck(offset, length);
        final byte[] array = b.byteArray();
        final long base = b.addressOffset() + offset;
        long words = 0;
        int i = 0;
        // Summing 64 bits at a time as two 32-bit words is the same one's-complement sum:
        // 2^16 = 1 (mod 0xFFFF), so the word boundaries only move carries around.
        for (; i <= length - 8; i += 8) {
            final long word = UNSAFE.getLong(array, base + i);
            words += (word >>> 32) + (word & LOW32);
        }
        if (i <= length - 4) {
            words += UNSAFE.getInt(array, base + i) & LOW32;
            i += 4;
        }
        if (i <= length - 2) {
            words += UNSAFE.getShort(array, base + i) & 0xFFFF;
            i += 2;
        }
        if (i < length) {
            // An odd last byte is the high half of a word padded with zero, in network order.
            final int last = UNSAFE.getByte(array, base + i) & 0xFF;
            words += NATIVE_LITTLE_ENDIAN ? last : last << 8;
        }
        final int folded = fold(fold32(words));
        acc += NATIVE_LITTLE_ENDIAN ? (folded >>> 8 | folded << 8) & 0xFFFF : folded;
        return fold32(acc);
    }

    /** Reduces an accumulator to 16 bits with end-around carry; not complemented. */
    public static int fold(int sum) {
        int s = (sum >>> 16) + (sum & 0xFFFF);
        s = (s >>> 16) + (s & 0xFFFF);
        return s;
    }

    /** The checksum of an accumulated sum: its folded one's complement. */
    public static int finish(int sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** Sum of the IPv4 pseudo-header (RFC 793 / RFC 768). */
    public static int pseudoHeader4(int src, int dst, int protocol, int l4Length) {
        return (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + protocol + l4Length;
    }

    /** Sum of the IPv6 pseudo-header (RFC 8200 section 8.1): addresses, 32-bit length, next header. */
    public static int pseudoHeader6(long srcHi, long srcLo, long dstHi, long dstLo, int nextHeader, int l4Length) {
        final long acc = words(srcHi) + words(srcLo) + words(dstHi) + words(dstLo)
                + (l4Length & LOW32) + nextHeader;
        return fold32(acc);
    }

    /** The header checksum to store for the IPv4 header at {@code ipOffset}; the field itself is skipped. */
    public static int ipv4Header(DirectBuffer b, int ipOffset) {
        final int headerLength = Ipv4Flyweight.ihl(b, ipOffset);
        final int afterChecksum = Ipv4Flyweight.CHECKSUM_OFFSET + 2;
        final int s = sum(b, ipOffset, Ipv4Flyweight.CHECKSUM_OFFSET, 0);
        return finish(sum(b, ipOffset + afterChecksum, headerLength - afterChecksum, s));
    }

    /** True when the IPv4 header's stored checksum is correct (the whole header sums to 0xFFFF). */
    public static boolean isIpv4HeaderValid(DirectBuffer b, int ipOffset, int headerLength) {
        return fold(sum(b, ipOffset, headerLength, 0)) == 0xFFFF;
    }

    /**
     * The TCP, UDP or ICMP checksum to store for an L4 segment over IPv4; the checksum field is
     * skipped. ICMPv4 has no pseudo-header. Another protocol is summed with the pseudo-header
     * and no field skipped.
     */
    public static int l4Checksum4(DirectBuffer b, int l4Offset, int l4Length, int src, int dst, int protocol) {
        final int initial = protocol == IpProtocol.ICMP ? 0 : pseudoHeader4(src, dst, protocol, l4Length);
        return l4Value(b, l4Offset, l4Length, protocol, initial);
    }

    /** The TCP, UDP or ICMPv6 checksum to store for an L4 segment over IPv6, with the v6 pseudo-header. */
    public static int l4Checksum6(DirectBuffer b, int l4Offset, int l4Length,
            long srcHi, long srcLo, long dstHi, long dstLo, int nextHeader) {
        final int initial = pseudoHeader6(srcHi, srcLo, dstHi, dstLo, nextHeader, l4Length);
        return l4Value(b, l4Offset, l4Length, nextHeader, initial);
    }

    /** True when the stored L4 checksum over IPv4 is correct; a UDP checksum of 0 means none was sent. */
    public static boolean isL4Valid4(DirectBuffer b, int l4Offset, int l4Length, int src, int dst, int protocol) {
        if (protocol == IpProtocol.UDP && UdpFlyweight.checksum(b, l4Offset) == 0) {
            return true;
        }
        final int initial = protocol == IpProtocol.ICMP ? 0 : pseudoHeader4(src, dst, protocol, l4Length);
        return fold(sum(b, l4Offset, l4Length, initial)) == 0xFFFF;
    }

    /** True when the stored L4 checksum over IPv6 is correct; a UDP checksum of 0 is invalid over IPv6. */
    public static boolean isL4Valid6(DirectBuffer b, int l4Offset, int l4Length,
            long srcHi, long srcLo, long dstHi, long dstLo, int nextHeader) {
        if (nextHeader == IpProtocol.UDP && UdpFlyweight.checksum(b, l4Offset) == 0) {
            return false;
        }
        final int initial = pseudoHeader6(srcHi, srcLo, dstHi, dstLo, nextHeader, l4Length);
        return fold(sum(b, l4Offset, l4Length, initial)) == 0xFFFF;
    }

    /** RFC 1624 eqn. 3 for one changed 16-bit word: HC' = ~(~HC + ~m + m'). */
    public static int update16(int checksum, int oldValue, int newValue) {
        return ~fold((~checksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF)) & 0xFFFF;
    }

    /** RFC 1624 eqn. 3 for a changed 32-bit field (an IPv4 address, a TCP sequence number). */
    public static int update32(int checksum, int oldValue, int newValue) {
        final int sum = (~checksum & 0xFFFF) + (~oldValue >>> 16) + (~oldValue & 0xFFFF)
                + (newValue >>> 16) + (newValue & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    /** RFC 1624 eqn. 3 for a changed 128-bit field (an IPv6 address). */
    public static int update128(int checksum, long oldHi, long oldLo, long newHi, long newLo) {
        final long acc = (~checksum & 0xFFFF) + words(~oldHi) + words(~oldLo) + words(newHi) + words(newLo);
        return ~fold(fold32(acc)) & 0xFFFF;
    }

    /** A computed UDP checksum of 0 is sent as 0xFFFF: on the wire 0 means "no checksum" (RFC 768). */
    public static int udpWireValue(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }

    /** {@link #update16} for a UDP checksum field: a stored 0 (none, IPv4) stays 0. */
    public static int updateUdp16(int checksum, int oldValue, int newValue) {
        return checksum == 0 ? 0 : udpWireValue(update16(checksum, oldValue, newValue));
    }

    /** {@link #update32} for a UDP checksum field: a stored 0 (none, IPv4) stays 0. */
    public static int updateUdp32(int checksum, int oldValue, int newValue) {
        return checksum == 0 ? 0 : udpWireValue(update32(checksum, oldValue, newValue));
    }

    /** {@link #update128} for a UDP checksum field: a stored 0 stays 0. */
    public static int updateUdp128(int checksum, long oldHi, long oldLo, long newHi, long newLo) {
        return checksum == 0 ? 0 : udpWireValue(update128(checksum, oldHi, oldLo, newHi, newLo));
    }

    /** Offset of the checksum field inside the L4 header of {@code protocol}, or -1 when it has none we know. */
    public static int checksumFieldOffset(int protocol) {
        switch (protocol) {
            case IpProtocol.TCP:
                return TcpFlyweight.CHECKSUM_OFFSET;
            case IpProtocol.UDP:
                return UdpFlyweight.CHECKSUM_OFFSET;
            case IpProtocol.ICMP:
            case IpProtocol.ICMPV6:
                return IcmpFlyweight.CHECKSUM_OFFSET;
            default:
                return -1;
        }
    }

    private static int l4Value(DirectBuffer b, int l4Offset, int l4Length, int protocol, int initial) {
        final int field = checksumFieldOffset(protocol);
        final int s;
        if (field >= 0 && field + 2 <= l4Length) {
            // Sum around the field rather than cancelling it with its complement: cancelling
            // turns an all-zero sum into 0xFFFF and yields a stored 0 where 0xFFFF is right.
            final int before = sum(b, l4Offset, field, initial);
            s = sum(b, l4Offset + field + 2, l4Length - field - 2, before);
        } else {
            s = sum(b, l4Offset, l4Length, initial);
        }
        final int checksum = finish(s);
        return protocol == IpProtocol.UDP ? udpWireValue(checksum) : checksum;
    }

    private static long words(long value) {
        return (value >>> 32) + (value & LOW32);
    }

    private static int fold32(long acc) {
        long s = (acc & LOW32) + (acc >>> 32);
        s = (s & LOW32) + (s >>> 32);
        return (int) s;
    }
}
