package org.actorvs.sync;

/**
 * Version 0 message header (struct ip_vs_sync_mesg_v0): entry count, syncid, and the datagram's
 * whole length including this header.
 */
public final class V0HeaderFlyweight extends SyncFlyweight<V0HeaderFlyweight> {
    public static final int COUNT_OFFSET = 0;
    public static final int SYNC_ID_OFFSET = 1;
    public static final int SIZE_OFFSET = 2;
    public static final int LENGTH = 4;

    public int count() {
        return u8(COUNT_OFFSET);
    }

    public V0HeaderFlyweight count(int count) {
        putU8(COUNT_OFFSET, count);
        return this;
    }

    public int syncId() {
        return u8(SYNC_ID_OFFSET);
    }

    public V0HeaderFlyweight syncId(int syncId) {
        putU8(SYNC_ID_OFFSET, syncId);
        return this;
    }

    public int size() {
        return u16(SIZE_OFFSET);
    }

    public V0HeaderFlyweight size(int size) {
        putU16(SIZE_OFFSET, size);
        return this;
    }
}
