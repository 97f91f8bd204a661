package org.actorvs.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) share this 8-byte header: type, code, checksum
 * and a 32-bit rest-of-header word whose meaning depends on the type.
 */
public final class IcmpFlyweight extends Flyweight<IcmpFlyweight> {
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int REST_OF_HEADER_OFFSET = 4;
    /** Echo request/reply. */
    public static final int ID_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    /** ICMPv4 destination unreachable / fragmentation needed: next-hop MTU (RFC 1191). */
    public static final int NEXT_HOP_MTU_OFFSET = 6;
    /** ICMPv6 packet too big: the whole 32-bit word is the MTU. */
    public static final int PACKET_TOO_BIG_MTU_OFFSET = 4;
    public static final int HEADER_LENGTH = 8;

    public static final int V4_ECHO_REPLY = 0;
    public static final int V4_DEST_UNREACHABLE = 3;
    public static final int V4_SOURCE_QUENCH = 4;
    public static final int V4_REDIRECT = 5;
    public static final int V4_ECHO_REQUEST = 8;
    public static final int V4_TIME_EXCEEDED = 11;
    public static final int V4_PARAMETER_PROBLEM = 12;
    public static final int V4_CODE_PORT_UNREACHABLE = 3;
    public static final int V4_CODE_FRAGMENTATION_NEEDED = 4;

    public static final int V6_DEST_UNREACHABLE = 1;
    public static final int V6_PACKET_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_PARAMETER_PROBLEM = 4;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;
    public static final int V6_NEIGHBOR_SOLICITATION = 135;
    public static final int V6_NEIGHBOR_ADVERTISEMENT = 136;
    public static final int V6_CODE_PORT_UNREACHABLE = 4;

    public int type() {
        return type(buffer, offset);
    }

    public IcmpFlyweight type(int type) {
        Wire.putU8(buffer, offset + TYPE_OFFSET, type);
        return this;
    }

    public int code() {
        return code(buffer, offset);
    }

    public IcmpFlyweight code(int code) {
        Wire.putU8(buffer, offset + CODE_OFFSET, code);
        return this;
    }

    public int checksum() {
        return checksum(buffer, offset);
    }

    public IcmpFlyweight checksum(int checksum) {
        checksum(buffer, offset, checksum);
        return this;
    }

    public int restOfHeader() {
        return Wire.i32(buffer, offset + REST_OF_HEADER_OFFSET);
    }

    public IcmpFlyweight restOfHeader(int word) {
        Wire.putI32(buffer, offset + REST_OF_HEADER_OFFSET, word);
        return this;
    }

    public int id() {
        return id(buffer, offset);
    }

    public IcmpFlyweight id(int id) {
        Wire.putU16(buffer, offset + ID_OFFSET, id);
        return this;
    }

    public int sequence() {
        return Wire.u16(buffer, offset + SEQUENCE_OFFSET);
    }

    public IcmpFlyweight sequence(int sequence) {
        Wire.putU16(buffer, offset + SEQUENCE_OFFSET, sequence);
        return this;
    }

    public int nextHopMtu() {
        return Wire.u16(buffer, offset + NEXT_HOP_MTU_OFFSET);
    }

    public IcmpFlyweight nextHopMtu(int mtu) {
        Wire.putU16(buffer, offset + NEXT_HOP_MTU_OFFSET, mtu);
        return this;
    }

    /** ICMPv6 packet-too-big MTU, unsigned 32 bits. */
    public long packetTooBigMtu() {
        return Wire.i32(buffer, offset + PACKET_TOO_BIG_MTU_OFFSET) & 0xFFFF_FFFFL;
    }

    public IcmpFlyweight packetTooBigMtu(long mtu) {
        Wire.putI32(buffer, offset + PACKET_TOO_BIG_MTU_OFFSET, (int) mtu);
        return this;
    }

    public static int type(DirectBuffer b, int l4Offset) {
        return Wire.u8(b, l4Offset + TYPE_OFFSET);
    }

    public static int code(DirectBuffer b, int l4Offset) {
        return Wire.u8(b, l4Offset + CODE_OFFSET);
    }

    public static int checksum(DirectBuffer b, int l4Offset) {
        return Wire.u16(b, l4Offset + CHECKSUM_OFFSET);
    }

    public static void checksum(MutableDirectBuffer b, int l4Offset, int checksum) {
        Wire.putU16(b, l4Offset + CHECKSUM_OFFSET, checksum);
    }

    public static int id(DirectBuffer b, int l4Offset) {
        return Wire.u16(b, l4Offset + ID_OFFSET);
    }

    /** Echo request or reply, the only ICMP messages that carry an id a connection is keyed on. */
    public static boolean isEcho(int ipVersion, int type) {
        return ipVersion == 4
                ? type == V4_ECHO_REQUEST || type == V4_ECHO_REPLY
                : type == V6_ECHO_REQUEST || type == V6_ECHO_REPLY;
    }

    /**
     * An error message that quotes the offending packet; for ICMPv4 the types icmp_is_err()
     * names in the kernel, for ICMPv6 every type below 128 (RFC 4443 section 2.1).
     */
    public static boolean isError(int ipVersion, int type) {
        if (ipVersion == 4) {
            return type == V4_DEST_UNREACHABLE || type == V4_SOURCE_QUENCH || type == V4_REDIRECT
                    || type == V4_TIME_EXCEEDED || type == V4_PARAMETER_PROBLEM;
        }
        return type < 128;
    }
}
