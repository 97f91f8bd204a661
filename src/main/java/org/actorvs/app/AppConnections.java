package org.actorvs.app;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.packet.Checksum;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.ParsedFrame;
import org.actorvs.packet.TcpFlyweight;
import org.agrona.MutableDirectBuffer;

/**
 * The helper side of one shard's {@link ConnectionTable}: which connections are bound to which
 * incarnation (ip_vs_bind_app / ip_vs_unbind_app), their TCP sequence adjustments, and the packet
 * hooks ip_vs_app_pkt_in() / ip_vs_app_pkt_out(). Single-threaded, like the table.
 *
 * <p>A connection records its binding in the table's {@code ext} word: bits 0-7 the incarnation
 * number (0: none), bits 8-15 the helper's own state. Unbinding happens when the table releases
 * the entry, through the release listener this object installs.
 */
public final class AppConnections implements ConnectionTable.ExpiryListener {
    /** The packet goes on. */
    public static final int ACCEPT = 0;
    /** The helper refused the packet (a connection it needed could not be created). */
    public static final int DROPPED = 1;

    private static final int INCARNATION_MASK = 0xFF;
    private static final int APP_DATA_SHIFT = 8;

    private final ConnectionTable table;
    private final AppRegistry registry;
    private final SeqAdjustments seq = new SeqAdjustments();
    private final AppPacket packet;
    /**
     * What init_conn / done_conn get: a separate context, because binding also happens inside a hook
     * (a helper's related connection) while {@link #packet} is in use.
     */
    private final AppPacket lifecycle;
    /** The incarnations this shard has bound connections to, by number; valid while any is bound. */
    private final AppIncarnation[] bound = new AppIncarnation[AppRegistry.MAX_INCARNATIONS + 1];
    private final Object[] shardStates = new Object[AppRegistry.MAX_INCARNATIONS + 1];
    private long malformed;
    private long rewrites;

    public AppConnections(ConnectionTable table, AppRegistry registry) {
        this.table = table;
        this.registry = registry;
        this.packet = new AppPacket(this, table);
        this.lifecycle = new AppPacket(this, table);
        table.setReleaseListener(this);
    }

    static int appData(int ext) {
        return ext >>> APP_DATA_SHIFT & 0xFF;
    }

    static int withAppData(int ext, int value) {
        return ext & ~(0xFF << APP_DATA_SHIFT) | (value & 0xFF) << APP_DATA_SHIFT;
    }

    /**
     * ip_vs_bind_app() / tcp_app_conn_bind(): a new NAT connection whose protocol and virtual port
     * have an incarnation is bound to it, counted as its user, and shown to the helper's init_conn.
     * Templates carry no packets and are not bound. Returns whether it was bound.
     */
    public boolean bind(int connection) {
        int flags = table.flags(connection);
        if ((flags & ConnFlags.FWD_MASK) != ConnFlags.MASQ || (flags & ConnFlags.TEMPLATE) != 0
                || isBound(connection)) {
            return false;
        }
        AppIncarnation inc = registry.find(table.protocol(connection), table.vport(connection));
        if (inc == null) {
            return false;
        }
        inc.use();
        int id = inc.id();
        if (bound[id] != inc) {
            bound[id] = inc;
            shardStates[id] = inc.helper().newShardState();
        }
        table.setExt(connection, id);
        lifecycle.reset(connection, null, 0, null, 0, shardStates[id]);
        inc.helper().initConnection(lifecycle, connection);
        return true;
    }

    /** Whether the connection is bound to a helper: the packet path's one check per packet. */
    public boolean isBound(int connection) {
        return (table.ext(connection) & INCARNATION_MASK) != 0;
    }

    /** The incarnation the connection is bound to, or null. */
    public AppIncarnation incarnation(int connection) {
        int id = table.ext(connection) & INCARNATION_MASK;
        return id == 0 ? null : bound[id];
    }

    /** ip_vs_unbind_app(): the table releases the entry; its adjustments go with it. */
    @Override
    public void expired(ConnectionTable t, int connection) {
        AppIncarnation inc = incarnation(connection);
        if (inc != null) {
            lifecycle.reset(connection, null, 0, null, 0, shardStates[inc.id()]);
            inc.helper().doneConnection(lifecycle, connection);
            inc.release();
            table.setExt(connection, 0);
        }
        if ((table.flags(connection) & ConnFlags.SEQ_MASK) != 0 || seq.has(connection)) {
            seq.free(connection);
        }
    }

    /**
     * ip_vs_app_pkt_in() for a client packet of a bound connection, before its destination rewrite:
     * sequence fixes (IN_SEQ: seq; OUT_SEQ: ack), the helper's pkt_in, then the adjustment update if
     * the payload changed size. The transport checksum is trusted here, as the kernel's
     * tcp_csum_check() trusts CHECKSUM_UNNECESSARY: with verification on the parser rejected a bad one
     * already, and with it off the operator declared the NIC verified them. After ACCEPT the packet is in {@link #buffer()} at {@link #frameOffset()}.
     */
    public int packetIn(int connection, MutableDirectBuffer buffer, int frameOffset, ParsedFrame f,
            long nowNanos) {
        return hook(connection, buffer, frameOffset, f, nowNanos, SeqAdjustments.IN);
    }

    /** ip_vs_app_pkt_out() for a real server's reply of a bound connection, before its source rewrite. */
    public int packetOut(int connection, MutableDirectBuffer buffer, int frameOffset, ParsedFrame f,
            long nowNanos) {
        return hook(connection, buffer, frameOffset, f, nowNanos, SeqAdjustments.OUT);
    }

    private int hook(int connection, MutableDirectBuffer buffer, int frameOffset, ParsedFrame f,
            long nowNanos, int direction) {
        AppIncarnation inc = incarnation(connection);
        packet.reset(connection, buffer, frameOffset, f, nowNanos, inc == null ? null : shardStates[inc.id()]);
        if (inc == null) {
            return ACCEPT;
        }
        boolean tcp = f.protocol == IpProtocol.TCP;
        int originalSeq = f.tcpSeq;
        if (tcp) {
            fixSequenceNumbers(connection, buffer, f, direction);
        }
        AppHelper helper = inc.helper();
        int verdict = direction == SeqAdjustments.IN ? helper.packetIn(packet) : helper.packetOut(packet);
        if (verdict != AppHelper.ACCEPT) {
            return DROPPED;
        }
        if (packet.rewritten()) {
            rewrites++;
            packet.finishRewrite();
            if (tcp && packet.lengthChange() != 0) {
                seq.update(table, connection, direction, originalSeq, packet.lengthChange());
            }
        }
        return ACCEPT;
    }

    /**
     * app_tcp_pkt_in / app_tcp_pkt_out: this direction's own seq moves by its adjustment, its ack by
     * the other direction's, each with an incremental checksum update.
     */
    private void fixSequenceNumbers(int connection, MutableDirectBuffer b, ParsedFrame f, int direction) {
        int flags = table.flags(connection);
        if ((flags & ConnFlags.SEQ_MASK) == 0) {
            return;
        }
        int other = direction == SeqAdjustments.IN ? SeqAdjustments.OUT : SeqAdjustments.IN;
        int l4 = f.l4Offset;
        int csum = TcpFlyweight.checksum(b, l4);
        if ((flags & SeqAdjustments.flag(direction)) != 0) {
            int old = f.tcpSeq;
            int fixed = seq.fixSeq(connection, direction, old);
            TcpFlyweight.seq(b, l4, fixed);
            csum = Checksum.update32(csum, old, fixed);
            f.tcpSeq = fixed;
        }
        if ((flags & SeqAdjustments.flag(other)) != 0) {
            int old = f.tcpAck;
            int fixed = seq.fixAck(connection, other, old);
            TcpFlyweight.ack(b, l4, fixed);
            csum = Checksum.update32(csum, old, fixed);
            f.tcpAck = fixed;
        }
        TcpFlyweight.checksum(b, l4, csum);
    }

    /** The buffer the last hooked packet is in now: a grown packet moved to the helper's own buffer. */
    public MutableDirectBuffer buffer() {
        return packet.buffer();
    }

    /** Where the room before the last hooked packet's IP header starts in {@link #buffer()}. */
    public int frameOffset() {
        return packet.frameOffset();
    }

    /** The sequence adjustments (what sync carries as seq options). */
    public SeqAdjustments seq() {
        return seq;
    }

    /** Commands or replies a helper recognised but left alone because they were malformed or split. */
    public long malformed() {
        return malformed;
    }

    /** Packets whose payload a helper rewrote. */
    public long rewrites() {
        return rewrites;
    }

    void countMalformed() {
        malformed++;
    }
}
