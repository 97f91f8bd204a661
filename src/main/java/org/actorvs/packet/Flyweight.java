package org.actorvs.packet;

import org.agrona.MutableDirectBuffer;

/**
 * The window every header flyweight reads through: a buffer and the offset of its header.
 * Re-pointed per packet with {@link #wrap}, so one instance serves a whole shard.
 */
abstract class Flyweight<T extends Flyweight<T>> {
    MutableDirectBuffer buffer;
    int offset;

    @SuppressWarnings("unchecked")
    public T wrap(MutableDirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return (T) this;
    }

    public MutableDirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }
}
