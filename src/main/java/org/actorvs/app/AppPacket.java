package org.actorvs.app;

import java.nio.ByteOrder;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.TcpStates;
import org.actorvs.packet.Checksum;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.Ipv6Flyweight;
import org.actorvs.packet.ParsedFrame;
import org.actorvs.packet.TcpFlyweight;
import org.actorvs.packet.UdpFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What a helper hook sees: the packet of a bound connection and the operations the kernel offers a
 * helper (payload mangling, ip_vs_conn_new() of a related connection, ip_vs_tcp_conn_listen()). One
 * per shard, reset for each packet; valid only during the hook.
 *
 * <p>Payload replacement keeps the packet consistent at once: the tail moves, IP total length (IPv6
 * payload length, UDP length) follows; the transport checksum is recomputed in full once the hook
 * returns. A frame that grows is first copied into this packet's own buffer, because received frames
 * sit back to back in their batch and have no room behind them.
 */
public final class AppPacket {
    /** Room kept in front of a copied packet for the longest Ethernet header. */
    static final int L2_ROOM = EthernetFlyweight.VLAN_HEADER_LENGTH;

    private final AppConnections connections;
    private final ConnectionTable table;
    private final UnsafeBuffer grown = new UnsafeBuffer(new byte[L2_ROOM + Ipv4Flyweight.MAX_TOTAL_LENGTH]);
    private MutableDirectBuffer buffer;
    private int frameOffset;
    private ParsedFrame frame;
    private int connection = ConnectionTable.NONE;
    private long nowNanos;
    private Object shardState;
    private int diff;
    private boolean changed;

    AppPacket(AppConnections connections, ConnectionTable table) {
        this.connections = connections;
        this.table = table;
    }

    void reset(int connection, MutableDirectBuffer buffer, int frameOffset, ParsedFrame frame, long nowNanos,
            Object shardState) {
        this.connection = connection;
        this.buffer = buffer;
        this.frameOffset = frameOffset;
        this.frame = frame;
        this.nowNanos = nowNanos;
        this.shardState = shardState;
        this.diff = 0;
        this.changed = false;
    }

    public ConnectionTable table() {
        return table;
    }

    /** The bound connection the packet belongs to. */
    public int connection() {
        return connection;
    }

    public int af() {
        return table.af(connection);
    }

    public long nowNanos() {
        return nowNanos;
    }

    /** What {@link AppHelper#newShardState()} made for this shard. */
    public Object shardState() {
        return shardState;
    }

    /** The buffer the packet is in now (it moves when a replacement grows it). */
    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** Where the room before the packet's IP header starts in {@link #buffer()}. */
    public int frameOffset() {
        return frameOffset;
    }

    public int payloadOffset() {
        return frame.payloadOffset;
    }

    public int payloadLength() {
        return frame.payloadLength;
    }

    /** The helper's 8 bits of per-connection state (cp->app_data), 0 on binding. */
    public int appData() {
        return AppConnections.appData(table.ext(connection));
    }

    public void appData(int value) {
        table.setExt(connection, AppConnections.withAppData(table.ext(connection), value));
    }

    /** Bytes the payload has grown (negative: shrunk) in this hook so far. */
    public int lengthChange() {
        return diff;
    }

    /** Whether the payload was rewritten in this hook. */
    public boolean rewritten() {
        return changed;
    }

    /**
     * Replaces {@code length} payload bytes at {@code at} (an absolute offset in {@link #buffer()})
     * with {@code newLength} bytes of {@code src}. Returns false, changing nothing, when the packet
     * would exceed 65535 bytes.
     */
    public boolean replace(int at, int length, DirectBuffer src, int srcOffset, int newLength) {
        ParsedFrame f = frame;
        if (at < f.payloadOffset || length < 0 || at + length > f.payloadOffset + f.payloadLength) {
            throw new IllegalArgumentException("replacement outside the payload: " + at + "+" + length);
        }
        int change = newLength - length;
        int ipLength = f.l3End - f.l3Offset;
        if (ipLength + change > Ipv4Flyweight.MAX_TOTAL_LENGTH) {
            return false;
        }
        if (change > 0 && buffer != grown) {
            at += moveToOwnBuffer();
        }
        MutableDirectBuffer b = buffer;
        int tail = f.l3End - (at + length);
        if (change != 0) {
            b.putBytes(at + newLength, b, at + length, tail);
            resize(change);
        }
        b.putBytes(at, src, srcOffset, newLength);
        diff += change;
        changed = true;
        return true;
    }

    /**
     * ip_vs_conn_new() of a connection related to this one (an FTP data connection): same protocol
     * and destination, NAT as this one, INACTIVE until its first state change, controlled by this
     * connection, bound to a helper if its virtual port has one. Returns its index or
     * {@link ConnectionTable#NONE} when the table is full.
     */
    public int newRelatedConnection(long cHi, long cLo, int cport, long vHi, long vLo, int vport,
            long dHi, long dLo, int dport, int extraFlags) {
        int control = connection;
        int flags = (table.flags(control) & ConnFlags.FWD_MASK) | ConnFlags.INACTIVE | extraFlags;
        int n = table.insert(table.protocol(control), table.af(control), cHi, cLo, cport, vHi, vLo, vport,
                dHi, dLo, dport, flags, table.destId(control), control, nowNanos);
        if (n != ConnectionTable.NONE) {
            connections.bind(n);
        }
        return n;
    }

    /** ip_vs_tcp_conn_listen(): the related connection waits in LISTEN for its first packet. */
    public void listen(int related) {
        table.tcpListen(related, nowNanos);
    }

    /** The TCP state of the bound connection. */
    public boolean established() {
        return table.state(connection) == TcpStates.ESTABLISHED;
    }

    /** Counts a command or reply the helper recognised but could not use (malformed or split). */
    public void countMalformed() {
        connections.countMalformed();
    }

    /** Recomputes the transport checksum after a rewrite (the addresses are those in the packet). */
    void finishRewrite() {
        if (!changed) {
            return;
        }
        ParsedFrame f = frame;
        MutableDirectBuffer b = buffer;
        int l4 = f.l4Offset;
        int l4Length = f.l3End - l4;
        int field = l4 + (f.protocol == IpProtocol.TCP ? TcpFlyweight.CHECKSUM_OFFSET : UdpFlyweight.CHECKSUM_OFFSET);
        if (f.ipVersion == 4) {
            if (f.protocol == IpProtocol.UDP && UdpFlyweight.checksum(b, l4) == 0) {
                return; // IPv4 UDP sent without a checksum stays so
            }
            int csum = Checksum.l4Checksum4(b, l4, l4Length, Ipv4Flyweight.src(b, f.l3Offset),
                    Ipv4Flyweight.dst(b, f.l3Offset), f.protocol);
            b.putShort(field, (short) csum, ByteOrder.BIG_ENDIAN);
        } else {
            int csum = Checksum.l4Checksum6(b, l4, l4Length, f.srcHi, f.srcLo, f.dstHi, f.dstLo, f.protocol);
            b.putShort(field, (short) csum, ByteOrder.BIG_ENDIAN);
        }
    }

    /** Copies the IP packet to {@link #grown}; returns how far its offsets moved. */
    private int moveToOwnBuffer() {
        ParsedFrame f = frame;
        int shift = L2_ROOM - f.l3Offset;
        grown.putBytes(L2_ROOM, buffer, f.l3Offset, f.l3End - f.l3Offset);
        buffer = grown;
        frameOffset = 0;
        f.frameOffset = 0;
        f.l3Offset += shift;
        f.l4Offset += shift;
        f.payloadOffset += shift;
        f.l3End += shift;
        f.frameLength = f.l3End;
        return shift;
    }

    private void resize(int change) {
        ParsedFrame f = frame;
        MutableDirectBuffer b = buffer;
        int ip = f.l3Offset;
        if (f.ipVersion == 4) {
            int old = Ipv4Flyweight.totalLength(b, ip);
            int updated = old + change;
            b.putShort(ip + Ipv4Flyweight.TOTAL_LENGTH_OFFSET, (short) updated, ByteOrder.BIG_ENDIAN);
            Ipv4Flyweight.checksum(b, ip, Checksum.update16(Ipv4Flyweight.checksum(b, ip), old, updated));
        } else {
            int updated = Ipv6Flyweight.payloadLength(b, ip) + change;
            b.putShort(ip + Ipv6Flyweight.PAYLOAD_LENGTH_OFFSET, (short) updated, ByteOrder.BIG_ENDIAN);
        }
        if (f.protocol == IpProtocol.UDP) {
            int l4 = f.l4Offset;
            b.putShort(l4 + UdpFlyweight.LENGTH_OFFSET, (short) (UdpFlyweight.length(b, l4) + change),
                    ByteOrder.BIG_ENDIAN);
        }
        f.l3End += change;
        f.l4Length += change;
        f.payloadLength += change;
        f.frameLength += change;
    }
}
