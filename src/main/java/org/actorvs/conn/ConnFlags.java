package org.actorvs.conn;

/**
 * Connection flag bits, with the values of the kernel's uapi {@code IP_VS_CONN_F_*} constants, so
 * that a flags word can travel unchanged in sync messages and listings.
 */
public final class ConnFlags {
    /** Forwarding method field (the low three bits). */
    public static final int FWD_MASK = 0x0007;
    public static final int MASQ = 0x0000;
    public static final int LOCALNODE = 0x0001;
    public static final int TUNNEL = 0x0002;
    public static final int DROUTE = 0x0003;
    public static final int BYPASS = 0x0004;
    /** Entry created by the sync receiver. */
    public static final int SYNC = 0x0020;
    /** Entry is in the lookup index; owned by {@link ConnectionTable}, callers cannot set it. */
    public static final int HASHED = 0x0040;
    /** Replies are not seen by the director (every method but NAT). */
    public static final int NOOUTPUT = 0x0080;
    /** Counted in the destination's inactive connections. */
    public static final int INACTIVE = 0x0100;
    public static final int OUT_SEQ = 0x0200;
    public static final int IN_SEQ = 0x0400;
    public static final int SEQ_MASK = 0x0600;
    /** Client port not yet known: the entry has cport 0 until {@link ConnectionTable#fillClientPort}. */
    public static final int NO_CPORT = 0x0800;
    /** Persistence template. */
    public static final int TEMPLATE = 0x1000;
    /** One-packet scheduling (UDP only): never hashed, released after its packet. */
    public static final int ONE_PACKET = 0x2000;
    /** Use conntrack; bits from 16 up are never meaningful to a backup. */
    public static final int NFCT = 0x10000;
    /** Bits a sync backup takes from the master for a new entry. */
    public static final int BACKUP_MASK = 0x1F87;
    /** Bits a sync backup may change on an existing entry. */
    public static final int BACKUP_UPD_MASK = 0x0700;

    private ConnFlags() {
    }

    /** The forwarding method, as IP_VS_FWD_METHOD(). */
    public static int forwardingMethod(int flags) {
        return flags & FWD_MASK;
    }
}
