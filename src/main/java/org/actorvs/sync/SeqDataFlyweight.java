package org.actorvs.sync;

import java.nio.ByteOrder;

/**
 * Sequence-adjustment data (struct ip_vs_sync_conn_options): in_seq then out_seq, each
 * {init_seq, delta, previous_delta}. Version 1 carries the words in network order (hton_seq());
 * version 0 copies them raw from kernel memory, i.e. in the sender's host order, little-endian on
 * every common director, so v0 is read and written little-endian.
 */
public final class SeqDataFlyweight extends SyncFlyweight<SeqDataFlyweight> {
    public static final int IN_INIT_SEQ_OFFSET = 0;
    public static final int IN_DELTA_OFFSET = 4;
    public static final int IN_PREVIOUS_DELTA_OFFSET = 8;
    public static final int OUT_INIT_SEQ_OFFSET = 12;
    public static final int OUT_DELTA_OFFSET = 16;
    public static final int OUT_PREVIOUS_DELTA_OFFSET = 20;
    public static final int LENGTH = 24;
    /** Byte order of the words in a version 1 SEQ_DATA option. */
    public static final ByteOrder V1_ORDER = ByteOrder.BIG_ENDIAN;
    /** Byte order of the words after a version 0 entry (x86 host order). */
    public static final ByteOrder V0_ORDER = ByteOrder.LITTLE_ENDIAN;

    public int word(int field, ByteOrder order) {
        return buffer.getInt(offset + field, order);
    }

    public SeqDataFlyweight word(int field, int value, ByteOrder order) {
        mutable().putInt(offset + field, value, order);
        return this;
    }
}
