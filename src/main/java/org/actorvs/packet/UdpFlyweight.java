package org.actorvs.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * UDP header (RFC 768). A checksum field of 0 means "none" over IPv4 and is invalid over
 * IPv6; see {@link Checksum#udpWireValue(int)}.
 */
public final class UdpFlyweight extends Flyweight<UdpFlyweight> {
    public static final int SRC_PORT_OFFSET = 0;
    public static final int DST_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;

    public int srcPort() {
        return srcPort(buffer, offset);
    }

    public UdpFlyweight srcPort(int port) {
        srcPort(buffer, offset, port);
        return this;
    }

    public int dstPort() {
        return dstPort(buffer, offset);
    }

    public UdpFlyweight dstPort(int port) {
        dstPort(buffer, offset, port);
        return this;
    }

    /** Header plus data, in bytes. */
    public int length() {
        return length(buffer, offset);
    }

    public UdpFlyweight length(int length) {
        Wire.putU16(buffer, offset + LENGTH_OFFSET, length);
        return this;
    }

    public int checksum() {
        return checksum(buffer, offset);
    }

    public UdpFlyweight checksum(int checksum) {
        checksum(buffer, offset, checksum);
        return this;
    }

    public static int srcPort(DirectBuffer b, int l4Offset) {
        return Wire.u16(b, l4Offset + SRC_PORT_OFFSET);
    }

    public static void srcPort(MutableDirectBuffer b, int l4Offset, int port) {
        Wire.putU16(b, l4Offset + SRC_PORT_OFFSET, port);
    }

    public static int dstPort(DirectBuffer b, int l4Offset) {
        return Wire.u16(b, l4Offset + DST_PORT_OFFSET);
    }

    public static void dstPort(MutableDirectBuffer b, int l4Offset, int port) {
        Wire.putU16(b, l4Offset + DST_PORT_OFFSET, port);
    }

    public static int length(DirectBuffer b, int l4Offset) {
        return Wire.u16(b, l4Offset + LENGTH_OFFSET);
    }

    public static int checksum(DirectBuffer b, int l4Offset) {
        return Wire.u16(b, l4Offset + CHECKSUM_OFFSET);
    }

    public static void checksum(MutableDirectBuffer b, int l4Offset, int checksum) {
        Wire.putU16(b, l4Offset + CHECKSUM_OFFSET, checksum);
    }
}
