package org.actorvs.sync;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The window a sync-message flyweight reads through: a buffer and the offset of its structure.
 * Re-pointed with {@link #wrap}, so one instance serves every message. Writers must wrap a
 * {@link MutableDirectBuffer} (Agrona's UnsafeBuffer is both).
 */
abstract class SyncFlyweight<T extends SyncFlyweight<T>> {
    DirectBuffer buffer;
    int offset;

    @SuppressWarnings("unchecked")
    public T wrap(DirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return (T) this;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    final MutableDirectBuffer mutable() {
        return (MutableDirectBuffer) buffer;
    }

    final int u8(int field) {
        return buffer.getByte(offset + field) & 0xFF;
    }

    final int u16(int field) {
        return buffer.getShort(offset + field, BIG_ENDIAN) & 0xFFFF;
    }

    final int i32(int field) {
        return buffer.getInt(offset + field, BIG_ENDIAN);
    }

    final void putU8(int field, int value) {
        mutable().putByte(offset + field, (byte) value);
    }

    final void putU16(int field, int value) {
        mutable().putShort(offset + field, (short) value, BIG_ENDIAN);
    }

    final void putI32(int field, int value) {
        mutable().putInt(offset + field, value, BIG_ENDIAN);
    }
}
