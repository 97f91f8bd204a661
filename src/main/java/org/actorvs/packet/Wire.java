package org.actorvs.packet;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** Unsigned network-order field access shared by the flyweights. */
final class Wire {
    private Wire() {
    }

    static int u8(DirectBuffer b, int index) {
        return b.getByte(index) & 0xFF;
    }

    static int u16(DirectBuffer b, int index) {
        return b.getShort(index, BIG_ENDIAN) & 0xFFFF;
    }

    static int i32(DirectBuffer b, int index) {
        return b.getInt(index, BIG_ENDIAN);
    }

    static long i64(DirectBuffer b, int index) {
        return b.getLong(index, BIG_ENDIAN);
    }

    /** A MAC address as the low 48 bits of a long, first octet most significant. */
    static long mac(DirectBuffer b, int index) {
        return ((long) u16(b, index) << 32) | (i32(b, index + 2) & 0xFFFF_FFFFL);
    }

    static void putU8(MutableDirectBuffer b, int index, int value) {
        b.putByte(index, (byte) value);
    }

    static void putU16(MutableDirectBuffer b, int index, int value) {
        b.putShort(index, (short) value, BIG_ENDIAN);
    }

    static void putI32(MutableDirectBuffer b, int index, int value) {
        b.putInt(index, value, BIG_ENDIAN);
    }

    static void putI64(MutableDirectBuffer b, int index, long value) {
        b.putLong(index, value, BIG_ENDIAN);
    }

    static void putMac(MutableDirectBuffer b, int index, long mac) {
        putU16(b, index, (int) (mac >>> 32));
        putI32(b, index + 2, (int) mac);
    }
}
