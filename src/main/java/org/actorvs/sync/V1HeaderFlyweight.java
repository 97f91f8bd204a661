package org.actorvs.sync;

/**
 * Version 1 message header (struct ip_vs_sync_mesg). Byte 0 is where v0 keeps its entry count and
 * must be 0, so a v0-only receiver sees an empty message.
 */
public final class V1HeaderFlyweight extends SyncFlyweight<V1HeaderFlyweight> {
    public static final int RESERVED_OFFSET = 0;
    public static final int SYNC_ID_OFFSET = 1;
    public static final int SIZE_OFFSET = 2;
    public static final int COUNT_OFFSET = 4;
    public static final int VERSION_OFFSET = 5;
    public static final int SPARE_OFFSET = 6;
    public static final int LENGTH = 8;
    /** SYNC_PROTO_VER. */
    public static final int VERSION = 1;

    public int reserved() {
        return u8(RESERVED_OFFSET);
    }

    public int syncId() {
        return u8(SYNC_ID_OFFSET);
    }

    public V1HeaderFlyweight syncId(int syncId) {
        putU8(SYNC_ID_OFFSET, syncId);
        return this;
    }

    public int size() {
        return u16(SIZE_OFFSET);
    }

    public V1HeaderFlyweight size(int size) {
        putU16(SIZE_OFFSET, size);
        return this;
    }

    public int count() {
        return u8(COUNT_OFFSET);
    }

    public V1HeaderFlyweight count(int count) {
        putU8(COUNT_OFFSET, count);
        return this;
    }

    public int version() {
        return u8(VERSION_OFFSET);
    }

    public int spare() {
        return u16(SPARE_OFFSET);
    }

    /** Writes a fresh header for an empty message, as ip_vs_sync_buff_create(). */
    public V1HeaderFlyweight init(int syncId) {
        putU8(RESERVED_OFFSET, 0);
        putU8(SYNC_ID_OFFSET, syncId);
        putU16(SIZE_OFFSET, LENGTH);
        putU8(COUNT_OFFSET, 0);
        putU8(VERSION_OFFSET, VERSION);
        putU16(SPARE_OFFSET, 0);
        return this;
    }

    /** The test ip_vs_process_message() applies: anything else is parsed as version 0. */
    public boolean isVersion1(int length) {
        return length >= LENGTH && version() == VERSION && reserved() == 0 && spare() == 0;
    }
}
