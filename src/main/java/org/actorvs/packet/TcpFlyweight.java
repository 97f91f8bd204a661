package org.actorvs.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** TCP header (RFC 9293). Sequence numbers are ints with unsigned (mod 2^32) meaning. */
public final class TcpFlyweight extends Flyweight<TcpFlyweight> {
    public static final int SRC_PORT_OFFSET = 0;
    public static final int DST_PORT_OFFSET = 2;
    public static final int SEQ_OFFSET = 4;
    public static final int ACK_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_OFFSET = 18;
    public static final int OPTIONS_OFFSET = 20;
    public static final int MIN_HEADER_LENGTH = 20;
    /** Length of a header without options, the one builders write. */
    public static final int HEADER_LENGTH = MIN_HEADER_LENGTH;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    public int srcPort() {
        return srcPort(buffer, offset);
    }

    public TcpFlyweight srcPort(int port) {
        srcPort(buffer, offset, port);
        return this;
    }

    public int dstPort() {
        return dstPort(buffer, offset);
    }

    public TcpFlyweight dstPort(int port) {
        dstPort(buffer, offset, port);
        return this;
    }

    public int seq() {
        return seq(buffer, offset);
    }

    public TcpFlyweight seq(int seq) {
        seq(buffer, offset, seq);
        return this;
    }

    public int ack() {
        return ack(buffer, offset);
    }

    public TcpFlyweight ack(int ack) {
        ack(buffer, offset, ack);
        return this;
    }

    /** Header length in bytes (the Data Offset field times four). */
    public int dataOffset() {
        return dataOffset(buffer, offset);
    }

    /** Sets the Data Offset from bytes, a multiple of 4; the low nibble (reserved, AE) is kept. */
    public TcpFlyweight dataOffset(int headerLengthBytes) {
        final int index = offset + DATA_OFFSET_OFFSET;
        Wire.putU8(buffer, index, ((headerLengthBytes >>> 2) << 4) | (Wire.u8(buffer, index) & 0x0F));
        return this;
    }

    public int flags() {
        return flags(buffer, offset);
    }

    public TcpFlyweight flags(int flags) {
        Wire.putU8(buffer, offset + FLAGS_OFFSET, flags);
        return this;
    }

    public int window() {
        return Wire.u16(buffer, offset + WINDOW_OFFSET);
    }

    public TcpFlyweight window(int window) {
        Wire.putU16(buffer, offset + WINDOW_OFFSET, window);
        return this;
    }

    public int checksum() {
        return checksum(buffer, offset);
    }

    public TcpFlyweight checksum(int checksum) {
        checksum(buffer, offset, checksum);
        return this;
    }

    public int urgent() {
        return Wire.u16(buffer, offset + URGENT_OFFSET);
    }

    public TcpFlyweight urgent(int urgentPointer) {
        Wire.putU16(buffer, offset + URGENT_OFFSET, urgentPointer);
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

    public static int seq(DirectBuffer b, int l4Offset) {
        return Wire.i32(b, l4Offset + SEQ_OFFSET);
    }

    public static void seq(MutableDirectBuffer b, int l4Offset, int seq) {
        Wire.putI32(b, l4Offset + SEQ_OFFSET, seq);
    }

    public static int ack(DirectBuffer b, int l4Offset) {
        return Wire.i32(b, l4Offset + ACK_OFFSET);
    }

    public static void ack(MutableDirectBuffer b, int l4Offset, int ack) {
        Wire.putI32(b, l4Offset + ACK_OFFSET, ack);
    }

    public static int dataOffset(DirectBuffer b, int l4Offset) {
        return (Wire.u8(b, l4Offset + DATA_OFFSET_OFFSET) >>> 4) << 2;
    }

    public static int flags(DirectBuffer b, int l4Offset) {
        return Wire.u8(b, l4Offset + FLAGS_OFFSET);
    }

    public static int checksum(DirectBuffer b, int l4Offset) {
        return Wire.u16(b, l4Offset + CHECKSUM_OFFSET);
    }

    public static void checksum(MutableDirectBuffer b, int l4Offset, int checksum) {
        Wire.putU16(b, l4Offset + CHECKSUM_OFFSET, checksum);
    }
}
