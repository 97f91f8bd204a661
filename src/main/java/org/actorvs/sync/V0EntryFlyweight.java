package org.actorvs.sync;

import org.actorvs.conn.ConnFlags;

/**
 * Version 0 connection entry (struct ip_vs_sync_conn_v0), IPv4 only. Ports are read and written
 * as the unsigned values they carry; addresses as unsigned 32-bit values (a.b.c.d = a<<24|...).
 * When {@code flags & SEQ_MASK} the entry is followed by {@link SeqDataFlyweight#LENGTH} bytes of
 * sequence data in the sender's host byte order (see {@link SeqDataFlyweight}).
 */
public final class V0EntryFlyweight extends SyncFlyweight<V0EntryFlyweight> {
    public static final int RESERVED_OFFSET = 0;
    public static final int PROTOCOL_OFFSET = 1;
    public static final int CPORT_OFFSET = 2;
    public static final int VPORT_OFFSET = 4;
    public static final int DPORT_OFFSET = 6;
    public static final int CADDR_OFFSET = 8;
    public static final int VADDR_OFFSET = 12;
    public static final int DADDR_OFFSET = 16;
    public static final int FLAGS_OFFSET = 20;
    public static final int STATE_OFFSET = 22;
    /** SIMPLE_CONN_SIZE. */
    public static final int LENGTH = 24;
    /** FULL_CONN_SIZE: an entry with its sequence data. */
    public static final int LENGTH_WITH_SEQ = LENGTH + SeqDataFlyweight.LENGTH;

    public int protocol() {
        return u8(PROTOCOL_OFFSET);
    }

    public int cport() {
        return u16(CPORT_OFFSET);
    }

    public int vport() {
        return u16(VPORT_OFFSET);
    }

    public int dport() {
        return u16(DPORT_OFFSET);
    }

    public long caddr() {
        return i32(CADDR_OFFSET) & 0xFFFF_FFFFL;
    }

    public long vaddr() {
        return i32(VADDR_OFFSET) & 0xFFFF_FFFFL;
    }

    public long daddr() {
        return i32(DADDR_OFFSET) & 0xFFFF_FFFFL;
    }

    /** The low 16 bits of the master's connection flags. */
    public int flags() {
        return u16(FLAGS_OFFSET);
    }

    public int state() {
        return u16(STATE_OFFSET);
    }

    /** Writes every field; the flags keep their low 16 bits without HASHED, as ip_vs_sync_conn_v0(). */
    public V0EntryFlyweight set(int protocol, int flags, int state, long caddr, int cport, long vaddr, int vport,
            long daddr, int dport) {
        putU8(RESERVED_OFFSET, 0);
        putU8(PROTOCOL_OFFSET, protocol);
        putU16(CPORT_OFFSET, cport);
        putU16(VPORT_OFFSET, vport);
        putU16(DPORT_OFFSET, dport);
        putI32(CADDR_OFFSET, (int) caddr);
        putI32(VADDR_OFFSET, (int) vaddr);
        putI32(DADDR_OFFSET, (int) daddr);
        putU16(FLAGS_OFFSET, flags & ~ConnFlags.HASHED);
        putU16(STATE_OFFSET, state);
        return this;
    }
}
