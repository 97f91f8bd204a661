package org.actorvs.sync;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.actorvs.conn.ConnFlags;

/**
 * Version 1 connection entry (struct ip_vs_sync_v4 / ip_vs_sync_v6): a fixed part of
 * {@link #IPV4_LENGTH} or {@link #IPV6_LENGTH} bytes, then option TLVs ({@link OptionFlyweight}).
 * {@code ver_size} holds the entry version in its top 4 bits (must be 0) and the entry length,
 * options included and padding excluded, in its low 12 bits.
 */
public final class V1EntryFlyweight extends SyncFlyweight<V1EntryFlyweight> {
    public static final int TYPE_OFFSET = 0;
    public static final int PROTOCOL_OFFSET = 1;
    public static final int VER_SIZE_OFFSET = 2;
    public static final int FLAGS_OFFSET = 4;
    public static final int STATE_OFFSET = 8;
    public static final int CPORT_OFFSET = 10;
    public static final int VPORT_OFFSET = 12;
    public static final int DPORT_OFFSET = 14;
    public static final int FWMARK_OFFSET = 16;
    public static final int TIMEOUT_OFFSET = 20;
    public static final int CADDR_OFFSET = 24;
    public static final int IPV4_VADDR_OFFSET = 28;
    public static final int IPV4_DADDR_OFFSET = 32;
    public static final int IPV4_LENGTH = 36;
    public static final int IPV6_VADDR_OFFSET = 40;
    public static final int IPV6_DADDR_OFFSET = 56;
    public static final int IPV6_LENGTH = 72;
    /** STYPE_F_INET6: the only type bit; a type of 0 is IPv4. */
    public static final int TYPE_F_INET6 = 1;
    /** SVER_SHIFT / SVER_MASK. */
    public static final int VERSION_SHIFT = 12;
    public static final int SIZE_MASK = 0x0FFF;

    public int type() {
        return u8(TYPE_OFFSET);
    }

    public int protocol() {
        return u8(PROTOCOL_OFFSET);
    }

    public int verSize() {
        return u16(VER_SIZE_OFFSET);
    }

    /** Entry length including options, excluding padding. */
    public int size() {
        return verSize() & SIZE_MASK;
    }

    public int entryVersion() {
        return verSize() >>> VERSION_SHIFT;
    }

    public int flags() {
        return i32(FLAGS_OFFSET);
    }

    public int state() {
        return u16(STATE_OFFSET);
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

    public int fwmark() {
        return i32(FWMARK_OFFSET);
    }

    /** Seconds, unsigned. */
    public long timeout() {
        return i32(TIMEOUT_OFFSET) & 0xFFFF_FFFFL;
    }

    /** The offset of the virtual address field for this family (4 or 6). */
    public static int vaddrOffset(int af) {
        return af == 6 ? IPV6_VADDR_OFFSET : IPV4_VADDR_OFFSET;
    }

    public static int daddrOffset(int af) {
        return af == 6 ? IPV6_DADDR_OFFSET : IPV4_DADDR_OFFSET;
    }

    public static int fixedLength(int af) {
        return af == 6 ? IPV6_LENGTH : IPV4_LENGTH;
    }

    /** High 64 bits of the address at {@code field} (0 for IPv4), per the (af, hi, lo) convention. */
    public long addressHi(int af, int field) {
        return af == 6 ? buffer.getLong(offset + field, BIG_ENDIAN) : 0L;
    }

    public long addressLo(int af, int field) {
        return af == 6 ? buffer.getLong(offset + field + 8, BIG_ENDIAN)
                : i32(field) & 0xFFFF_FFFFL;
    }

    /** Writes the fixed part: type from af, flags without HASHED and the timeout, as ip_vs_sync_conn(). */
    public V1EntryFlyweight set(int af, int protocol, int size, int flags, int state, int cport, int vport, int dport,
            int fwmark, long timeout) {
        putU8(TYPE_OFFSET, af == 6 ? TYPE_F_INET6 : 0);
        putU8(PROTOCOL_OFFSET, protocol);
        putU16(VER_SIZE_OFFSET, size & SIZE_MASK);
        putI32(FLAGS_OFFSET, flags & ~ConnFlags.HASHED);
        putU16(STATE_OFFSET, state);
        putU16(CPORT_OFFSET, cport);
        putU16(VPORT_OFFSET, vport);
        putU16(DPORT_OFFSET, dport);
        putI32(FWMARK_OFFSET, fwmark);
        putI32(TIMEOUT_OFFSET, (int) timeout);
        return this;
    }

    public V1EntryFlyweight address(int af, int field, long hi, long lo) {
        if (af == 6) {
            mutable().putLong(offset + field, hi, BIG_ENDIAN);
            mutable().putLong(offset + field + 8, lo, BIG_ENDIAN);
        } else {
            putI32(field, (int) lo);
        }
        return this;
    }
}
