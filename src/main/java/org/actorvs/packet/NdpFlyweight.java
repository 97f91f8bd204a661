package org.actorvs.packet;

import org.agrona.DirectBuffer;

/**
 * ICMPv6 Neighbor Solicitation (type 135) and Neighbor Advertisement (type 136), RFC 4861 sections
 * 4.3 and 4.4, wrapped at the ICMPv6 header: type, code, checksum, a 32-bit word (the NA's R, S and
 * O flags; reserved in an NS), the 128-bit target address, then options of 8-byte units. Only the
 * Ethernet source (1) and target (2) link-layer address options are read; others are skipped, as
 * ndisc_parse_options() keeps the ones it does not know.
 */
public final class NdpFlyweight extends Flyweight<NdpFlyweight> {
    public static final int FLAGS_OFFSET = IcmpFlyweight.REST_OF_HEADER_OFFSET;
    public static final int TARGET_OFFSET = 8;
    public static final int OPTIONS_OFFSET = 24;
    /** struct nd_msg: the shortest NS or NA (ndisc_recv_ns() and ndisc_recv_na() drop shorter ones). */
    public static final int HEADER_LENGTH = OPTIONS_OFFSET;

    public static final int OPTION_TYPE_OFFSET = 0;
    public static final int OPTION_LENGTH_OFFSET = 1;
    public static final int OPTION_ADDRESS_OFFSET = 2;
    /** Options are sized in units of 8 bytes. */
    public static final int OPTION_UNIT = 8;
    /** An Ethernet address option is one unit: type, length, 6 address bytes (ndisc_opt_addr_space()). */
    public static final int LINK_LAYER_OPTION_LENGTH = OPTION_UNIT;
    public static final int OPTION_SOURCE_LINK_LAYER = 1;
    public static final int OPTION_TARGET_LINK_LAYER = 2;

    public static final int FLAG_ROUTER = 0x8000_0000;
    public static final int FLAG_SOLICITED = 0x4000_0000;
    public static final int FLAG_OVERRIDE = 0x2000_0000;

    /** Neighbour discovery packets must arrive with this hop limit (ndisc_rcv()): they never crossed a router. */
    public static final int HOP_LIMIT = 255;

    /** {@link #linkLayerAddress} of a message without the option. */
    public static final long NO_ADDRESS = -1L;
    /** {@link #linkLayerAddress} of options that ndisc_parse_options() rejects: a zero length or an overrun. */
    public static final long MALFORMED_OPTIONS = -2L;
    /** {@link #linkLayerAddress} of an address option whose length is not an Ethernet address's (ndisc_opt_addr_data()). */
    public static final long BAD_ADDRESS_LENGTH = -3L;

    public int type() {
        return Wire.u8(buffer, offset + IcmpFlyweight.TYPE_OFFSET);
    }

    public int code() {
        return Wire.u8(buffer, offset + IcmpFlyweight.CODE_OFFSET);
    }

    public int checksum() {
        return Wire.u16(buffer, offset + IcmpFlyweight.CHECKSUM_OFFSET);
    }

    public NdpFlyweight checksum(int checksum) {
        Wire.putU16(buffer, offset + IcmpFlyweight.CHECKSUM_OFFSET, checksum);
        return this;
    }

    public int flags() {
        return Wire.i32(buffer, offset + FLAGS_OFFSET);
    }

    public boolean router() {
        return (flags() & FLAG_ROUTER) != 0;
    }

    public boolean solicited() {
        return (flags() & FLAG_SOLICITED) != 0;
    }

    public boolean override() {
        return (flags() & FLAG_OVERRIDE) != 0;
    }

    public long targetHi() {
        return Wire.i64(buffer, offset + TARGET_OFFSET);
    }

    public long targetLo() {
        return Wire.i64(buffer, offset + TARGET_OFFSET + 8);
    }

    /**
     * Writes a solicitation (flags 0) or an advertisement with its flags, and the target; the
     * checksum is left 0 for {@link #checksum(int)}.
     */
    public NdpFlyweight message(int type, int flags, long targetHi, long targetLo) {
        Wire.putU8(buffer, offset + IcmpFlyweight.TYPE_OFFSET, type);
        Wire.putU8(buffer, offset + IcmpFlyweight.CODE_OFFSET, 0);
        Wire.putU16(buffer, offset + IcmpFlyweight.CHECKSUM_OFFSET, 0);
        Wire.putI32(buffer, offset + FLAGS_OFFSET, flags);
        Wire.putI64(buffer, offset + TARGET_OFFSET, targetHi);
        Wire.putI64(buffer, offset + TARGET_OFFSET + 8, targetLo);
        return this;
    }

    /** Writes an Ethernet link-layer address option of {@code optionType} right after the target. */
    public NdpFlyweight linkLayerOption(int optionType, long mac) {
        final int o = offset + OPTIONS_OFFSET;
        Wire.putU8(buffer, o + OPTION_TYPE_OFFSET, optionType);
        Wire.putU8(buffer, o + OPTION_LENGTH_OFFSET, LINK_LAYER_OPTION_LENGTH / OPTION_UNIT);
        Wire.putMac(buffer, o + OPTION_ADDRESS_OFFSET, mac);
        return this;
    }

    /**
     * The Ethernet address in the first option of {@code optionType} of the message of
     * {@code length} bytes at {@code l4Offset}, as ndisc_parse_options() and ndisc_opt_addr_data()
     * find it: {@link #NO_ADDRESS} when there is none, {@link #MALFORMED_OPTIONS} when any option
     * has length 0 or runs past the end, {@link #BAD_ADDRESS_LENGTH} when the option is not 8 bytes.
     */
    public static long linkLayerAddress(DirectBuffer b, int l4Offset, int length, int optionType) {
        long found = NO_ADDRESS;
        int o = l4Offset + OPTIONS_OFFSET;
        final int end = l4Offset + length;
        while (end - o >= 2) {
            final int units = Wire.u8(b, o + OPTION_LENGTH_OFFSET);
            final int optionLength = units * OPTION_UNIT;
            if (units == 0 || optionLength > end - o) {
                return MALFORMED_OPTIONS;
            }
            // A repeated address option is ignored, as ndisc_parse_options() keeps the first.
            if (Wire.u8(b, o + OPTION_TYPE_OFFSET) == optionType && found == NO_ADDRESS) {
                found = optionLength == LINK_LAYER_OPTION_LENGTH ? Wire.mac(b, o + OPTION_ADDRESS_OFFSET)
                        : BAD_ADDRESS_LENGTH;
            }
            o += optionLength;
        }
        // A trailing byte too short for an option header is an overrun too.
        return o != end ? MALFORMED_OPTIONS : found;
    }

    /** The high half of every solicited-node multicast address (RFC 4291 2.7.1): ff02::1:ff00:0/104. */
    public static final long SOLICITED_NODE_HI = 0xFF02_0000_0000_0000L;

    /** The low half of the solicited-node multicast address of an address: the prefix and its low 24 bits. */
    public static long solicitedNodeLo(long targetLo) {
        return 0x0000_0001_FF00_0000L | (targetLo & 0xFF_FFFFL);
    }

    /** ff02::1, all nodes: where unsolicited advertisements and answers to DAD probes go. */
    public static final long ALL_NODES_HI = 0xFF02_0000_0000_0000L;
    public static final long ALL_NODES_LO = 1L;

    /** The Ethernet multicast MAC of an IPv6 multicast address (RFC 2464 section 7): 33:33 and its low 32 bits. */
    public static long multicastMac(long groupLo) {
        return 0x3333_0000_0000L | (groupLo & 0xFFFF_FFFFL);
    }

    /** Whether an address is multicast (ff00::/8). */
    public static boolean isMulticast(long hi) {
        return (hi >>> 56) == 0xFF;
    }

    /** Whether {@code (hi, lo)} is some address's solicited-node multicast address. */
    public static boolean isSolicitedNode(long hi, long lo) {
        return hi == SOLICITED_NODE_HI && (lo & 0xFFFF_FFFF_FF00_0000L) == 0x0000_0001_FF00_0000L;
    }
}
