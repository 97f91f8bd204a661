package org.actorvs.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** IPv4 header (RFC 791). Addresses are ints, a.b.c.d as a<<24|b<<16|c<<8|d. */
public final class Ipv4Flyweight extends Flyweight<Ipv4Flyweight> {
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int ID_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SRC_OFFSET = 12;
    public static final int DST_OFFSET = 16;
    public static final int OPTIONS_OFFSET = 20;

    public static final int VERSION = 4;
    public static final int MIN_HEADER_LENGTH = 20;
    /** Length of a header without options, the one builders write. */
    public static final int HEADER_LENGTH = MIN_HEADER_LENGTH;
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int MAX_TOTAL_LENGTH = 0xFFFF;

    /** Bits of the flags/fragment-offset word. */
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    public int version() {
        return version(buffer, offset);
    }

    public Ipv4Flyweight version(int version) {
        Wire.putU8(buffer, offset + VERSION_IHL_OFFSET, (version << 4) | (Wire.u8(buffer, offset) & 0x0F));
        return this;
    }

    /** Header length in bytes (the IHL field times four). */
    public int ihl() {
        return ihl(buffer, offset);
    }

    /** Sets the IHL from a length in bytes, a multiple of 4. */
    public Ipv4Flyweight ihl(int headerLengthBytes) {
        Wire.putU8(buffer, offset + VERSION_IHL_OFFSET, (Wire.u8(buffer, offset) & 0xF0) | (headerLengthBytes >>> 2));
        return this;
    }

    public int tos() {
        return Wire.u8(buffer, offset + TOS_OFFSET);
    }

    public Ipv4Flyweight tos(int tos) {
        Wire.putU8(buffer, offset + TOS_OFFSET, tos);
        return this;
    }

    public int totalLength() {
        return totalLength(buffer, offset);
    }

    public Ipv4Flyweight totalLength(int totalLength) {
        Wire.putU16(buffer, offset + TOTAL_LENGTH_OFFSET, totalLength);
        return this;
    }

    public int id() {
        return Wire.u16(buffer, offset + ID_OFFSET);
    }

    public Ipv4Flyweight id(int id) {
        Wire.putU16(buffer, offset + ID_OFFSET, id);
        return this;
    }

    public boolean dontFragment() {
        return (flagsAndFragmentOffset(buffer, offset) & FLAG_DF) != 0;
    }

    public Ipv4Flyweight dontFragment(boolean df) {
        return flagBit(FLAG_DF, df);
    }

    public boolean moreFragments() {
        return (flagsAndFragmentOffset(buffer, offset) & FLAG_MF) != 0;
    }

    public Ipv4Flyweight moreFragments(boolean mf) {
        return flagBit(FLAG_MF, mf);
    }

    /** Fragment offset in bytes (the field times eight). */
    public int fragmentOffset() {
        return (flagsAndFragmentOffset(buffer, offset) & FRAGMENT_OFFSET_MASK) << 3;
    }

    /** Sets the fragment offset from bytes, a multiple of 8; the flags are kept. */
    public Ipv4Flyweight fragmentOffset(int bytes) {
        final int word = flagsAndFragmentOffset(buffer, offset);
        Wire.putU16(buffer, offset + FLAGS_FRAGMENT_OFFSET, (word & ~FRAGMENT_OFFSET_MASK) | ((bytes >>> 3) & FRAGMENT_OFFSET_MASK));
        return this;
    }

    /** MF set or a non-zero offset: this datagram is a piece of a larger one. */
    public boolean isFragment() {
        return (flagsAndFragmentOffset(buffer, offset) & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl() {
        return ttl(buffer, offset);
    }

    public Ipv4Flyweight ttl(int ttl) {
        Wire.putU8(buffer, offset + TTL_OFFSET, ttl);
        return this;
    }

    public int protocol() {
        return protocol(buffer, offset);
    }

    public Ipv4Flyweight protocol(int protocol) {
        Wire.putU8(buffer, offset + PROTOCOL_OFFSET, protocol);
        return this;
    }

    public int checksum() {
        return checksum(buffer, offset);
    }

    public Ipv4Flyweight checksum(int checksum) {
        checksum(buffer, offset, checksum);
        return this;
    }

    /** Recomputes and stores the header checksum over the current IHL. */
    public Ipv4Flyweight updateChecksum() {
        checksum(buffer, offset, Checksum.ipv4Header(buffer, offset));
        return this;
    }

    public int src() {
        return src(buffer, offset);
    }

    public Ipv4Flyweight src(int address) {
        src(buffer, offset, address);
        return this;
    }

    public int dst() {
        return dst(buffer, offset);
    }

    public Ipv4Flyweight dst(int address) {
        dst(buffer, offset, address);
        return this;
    }

    public static int version(DirectBuffer b, int ipOffset) {
        return Wire.u8(b, ipOffset + VERSION_IHL_OFFSET) >>> 4;
    }

    public static int ihl(DirectBuffer b, int ipOffset) {
        return (Wire.u8(b, ipOffset + VERSION_IHL_OFFSET) & 0x0F) << 2;
    }

    public static int totalLength(DirectBuffer b, int ipOffset) {
        return Wire.u16(b, ipOffset + TOTAL_LENGTH_OFFSET);
    }

    public static int flagsAndFragmentOffset(DirectBuffer b, int ipOffset) {
        return Wire.u16(b, ipOffset + FLAGS_FRAGMENT_OFFSET);
    }

    public static int ttl(DirectBuffer b, int ipOffset) {
        return Wire.u8(b, ipOffset + TTL_OFFSET);
    }

    public static int protocol(DirectBuffer b, int ipOffset) {
        return Wire.u8(b, ipOffset + PROTOCOL_OFFSET);
    }

    public static int checksum(DirectBuffer b, int ipOffset) {
        return Wire.u16(b, ipOffset + CHECKSUM_OFFSET);
    }

    public static void checksum(MutableDirectBuffer b, int ipOffset, int checksum) {
        Wire.putU16(b, ipOffset + CHECKSUM_OFFSET, checksum);
    }

    public static int src(DirectBuffer b, int ipOffset) {
        return Wire.i32(b, ipOffset + SRC_OFFSET);
    }

    public static void src(MutableDirectBuffer b, int ipOffset, int address) {
        Wire.putI32(b, ipOffset + SRC_OFFSET, address);
    }

    public static int dst(DirectBuffer b, int ipOffset) {
        return Wire.i32(b, ipOffset + DST_OFFSET);
    }

    public static void dst(MutableDirectBuffer b, int ipOffset, int address) {
        Wire.putI32(b, ipOffset + DST_OFFSET, address);
    }

    /**
     * Decrements the TTL and patches the header checksum incrementally (RFC 1624), as a
     * forwarding hop does in ip_decrease_ttl(). The caller checks for a TTL of 0 or 1 first.
     */
    public static void decrementTtl(MutableDirectBuffer b, int ipOffset) {
        final int oldWord = Wire.u16(b, ipOffset + TTL_OFFSET);
        final int newWord = oldWord - 0x0100;
        Wire.putU16(b, ipOffset + TTL_OFFSET, newWord);
        checksum(b, ipOffset, Checksum.update16(checksum(b, ipOffset), oldWord, newWord));
    }

    private Ipv4Flyweight flagBit(int bit, boolean set) {
        final int word = flagsAndFragmentOffset(buffer, offset);
        Wire.putU16(buffer, offset + FLAGS_FRAGMENT_OFFSET, set ? word | bit : word & ~bit);
        return this;
    }
}
