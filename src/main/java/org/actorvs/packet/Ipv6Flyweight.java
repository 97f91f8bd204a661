package org.actorvs.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * IPv6 fixed header (RFC 8200) and the few extension-header fields the parser reads.
 * Addresses are two longs: the first 8 bytes big-endian (hi) and the last 8 (lo).
 */
public final class Ipv6Flyweight extends Flyweight<Ipv6Flyweight> {
    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SRC_OFFSET = 8;
    public static final int DST_OFFSET = 24;
    public static final int HEADER_LENGTH = 40;
    public static final int VERSION = 6;
    public static final int FLOW_LABEL_MASK = 0xFFFFF;
    /** IPV6_MAXPLEN: also the limit of a reassembled fragmentable part. */
    public static final int MAX_PAYLOAD_LENGTH = 0xFFFF;

    /** Every extension header starts with Next Header and a length byte. */
    public static final int EXT_NEXT_HEADER_OFFSET = 0;
    public static final int EXT_LENGTH_OFFSET = 1;
    public static final int EXT_MIN_LENGTH = 8;
    /** Fragment header: offset in 8-byte units in the top 13 bits, M in bit 0, then a 32-bit id. */
    public static final int FRAGMENT_HEADER_LENGTH = 8;
    public static final int FRAGMENT_OFFSET_FLAGS_OFFSET = 2;
    public static final int FRAGMENT_ID_OFFSET = 4;
    public static final int FRAGMENT_OFFSET_MASK = 0xFFF8;
    public static final int FRAGMENT_MORE = 0x0001;

    public int version() {
        return version(buffer, offset);
    }

    public int trafficClass() {
        return (firstWord() >>> 20) & 0xFF;
    }

    public int flowLabel() {
        return firstWord() & FLOW_LABEL_MASK;
    }

    /** Writes version, traffic class and flow label at once: they share one 32-bit word. */
    public Ipv6Flyweight versionClassFlow(int version, int trafficClass, int flowLabel) {
        Wire.putI32(buffer, offset + VERSION_CLASS_FLOW_OFFSET,
                (version << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & FLOW_LABEL_MASK));
        return this;
    }

    public int payloadLength() {
        return payloadLength(buffer, offset);
    }

    public Ipv6Flyweight payloadLength(int length) {
        Wire.putU16(buffer, offset + PAYLOAD_LENGTH_OFFSET, length);
        return this;
    }

    public int nextHeader() {
        return nextHeader(buffer, offset);
    }

    public Ipv6Flyweight nextHeader(int nextHeader) {
        Wire.putU8(buffer, offset + NEXT_HEADER_OFFSET, nextHeader);
        return this;
    }

    public int hopLimit() {
        return hopLimit(buffer, offset);
    }

    public Ipv6Flyweight hopLimit(int hopLimit) {
        Wire.putU8(buffer, offset + HOP_LIMIT_OFFSET, hopLimit);
        return this;
    }

    public long srcHi() {
        return srcHi(buffer, offset);
    }

    public long srcLo() {
        return srcLo(buffer, offset);
    }

    public Ipv6Flyweight src(long hi, long lo) {
        src(buffer, offset, hi, lo);
        return this;
    }

    public long dstHi() {
        return dstHi(buffer, offset);
    }

    public long dstLo() {
        return dstLo(buffer, offset);
    }

    public Ipv6Flyweight dst(long hi, long lo) {
        dst(buffer, offset, hi, lo);
        return this;
    }

    public static int version(DirectBuffer b, int ipOffset) {
        return Wire.u8(b, ipOffset + VERSION_CLASS_FLOW_OFFSET) >>> 4;
    }

    public static int payloadLength(DirectBuffer b, int ipOffset) {
        return Wire.u16(b, ipOffset + PAYLOAD_LENGTH_OFFSET);
    }

    public static int nextHeader(DirectBuffer b, int ipOffset) {
        return Wire.u8(b, ipOffset + NEXT_HEADER_OFFSET);
    }

    public static int hopLimit(DirectBuffer b, int ipOffset) {
        return Wire.u8(b, ipOffset + HOP_LIMIT_OFFSET);
    }

    public static void hopLimit(MutableDirectBuffer b, int ipOffset, int hopLimit) {
        Wire.putU8(b, ipOffset + HOP_LIMIT_OFFSET, hopLimit);
    }

    public static long srcHi(DirectBuffer b, int ipOffset) {
        return Wire.i64(b, ipOffset + SRC_OFFSET);
    }

    public static long srcLo(DirectBuffer b, int ipOffset) {
        return Wire.i64(b, ipOffset + SRC_OFFSET + 8);
    }

    public static void src(MutableDirectBuffer b, int ipOffset, long hi, long lo) {
        Wire.putI64(b, ipOffset + SRC_OFFSET, hi);
        Wire.putI64(b, ipOffset + SRC_OFFSET + 8, lo);
    }

    public static long dstHi(DirectBuffer b, int ipOffset) {
        return Wire.i64(b, ipOffset + DST_OFFSET);
    }

    public static long dstLo(DirectBuffer b, int ipOffset) {
        return Wire.i64(b, ipOffset + DST_OFFSET + 8);
    }

    public static void dst(MutableDirectBuffer b, int ipOffset, long hi, long lo) {
        Wire.putI64(b, ipOffset + DST_OFFSET, hi);
        Wire.putI64(b, ipOffset + DST_OFFSET + 8, lo);
    }

    /**
     * Length in bytes of the extension header of the given type from its length byte:
     * AH counts 4-byte units less 2 (RFC 4302), Fragment is fixed, the others count
     * 8-byte units less 1; the same rule as the kernel's ipv6_skip_exthdr().
     */
    public static int extensionHeaderLength(int type, int lengthField) {
        if (type == IpProtocol.AH) {
            return (lengthField + 2) << 2;
        }
        if (type == IpProtocol.FRAGMENT) {
            return FRAGMENT_HEADER_LENGTH;
        }
        return (lengthField + 1) << 3;
    }

    private int firstWord() {
        return Wire.i32(buffer, offset + VERSION_CLASS_FLOW_OFFSET);
    }
}
