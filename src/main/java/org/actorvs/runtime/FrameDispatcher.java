package org.actorvs.runtime;

import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

import org.actorvs.io.FrameReceiver;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.Ipv6Flyweight;
import org.agrona.DirectBuffer;

/**
 * Sorts the frames of one capture thread: ARP and IPv6 neighbour solicitations and advertisements
 * to the neighbour owner, VRRP adverts to the VRRP instance, IP to the packet shard that
 * owns the flow's client address. Both directions of a NAT flow, a client's persistence templates
 * and an FTP control connection with its data connections all carry the client address, so all
 * state a packet touches lives in one shard and no shard ever waits on another.
 *
 * <p>Frames are copied into the shard's current batch; a batch goes to its shard when it is full or
 * at {@link #flush()} (the capture thread flushes after every read from the wire). Only the headers
 * needed to find the client are read here: validation is the shard's parser's job, so a malformed
 * frame still reaches a shard (the first) and is counted there with its drop reason.
 *
 * <p>One dispatcher per capture thread; not thread-safe, except its counters, which any thread may
 * read.
 */
public final class FrameDispatcher implements FrameReceiver {
    /** Where full batches go: the shard actors, or a replay driver that waits for each. */
    @FunctionalInterface
    public interface Shards {
        void deliver(int shard, FrameBatch batch);
    }

    /**
     * Where ARP (with IPv6 neighbour discovery) and VRRP frames go ({@link #ARP} or {@link #VRRP}); the
     * frame is valid only during the call.
     */
    @FunctionalInterface
    public interface ControlSink {
        void control(int kind, int port, DirectBuffer buffer, int offset, int length, long timestampNanos);
    }

    private static final int ICMP_HEADER = 8;
    private static final int ICMP_DEST_UNREACH = 3;
    private static final int ICMP_SOURCE_QUENCH = 4;
    private static final int ICMP_TIME_EXCEEDED = 11;
    private static final int ICMP_PARAMETER_PROBLEM = 12;
    /** ICMPv6 types below 128 are errors (RFC 4443 section 2.1). */
    private static final int ICMPV6_FIRST_INFO = 128;
    private static final int ICMPV6_NEIGHBOR_SOLICITATION = 135;
    private static final int ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
    /** Neighbour discovery travels with hop limit 255 only (ndisc_rcv() drops the rest). */
    private static final int NDP_HOP_LIMIT = 255;

    /** The indexes of the counts in {@link #counts}. */
    private static final int FRAMES = 0;
    private static final int ARP_FRAMES = 1;
    private static final int VRRP_FRAMES = 2;
    private static final int IGNORED_FRAMES = 3;
    private static final int BACK_PRESSURE_DROPS = 4;
    private static final int OVERSIZE_DROPS = 5;

    private final int shardCount;
    private final FrameBatch.Pool pool;
    private final Shards shards;
    private final ControlSink control;
    private final Supplier<ServiceAddresses> addresses;
    private final FrameBatch[] current;
    /**
     * Written by the capture thread alone, read by the metrics scrape and the admin API: a count is
     * stored as the writer's own plain read plus one with release semantics (as Agrona's
     * AtomicCounter.incrementOrdered()), so a reader sees whole values that never go back, without a
     * lock, an atomic read-modify-write or an allocation on the capture path.
     */
    private final AtomicLongArray counts = new AtomicLongArray(OVERSIZE_DROPS + 1);

    /**
     * @param addresses the current service-side addresses (read once per frame; the runtime swaps
     *                  the set when services change)
     */
    public FrameDispatcher(int shardCount, FrameBatch.Pool pool, Shards shards, ControlSink control,
            Supplier<ServiceAddresses> addresses) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("at least one shard is needed, got " + shardCount);
        }
        this.shardCount = shardCount;
        this.pool = pool;
        this.shards = shards;
        this.control = control;
        this.addresses = addresses;
        this.current = new FrameBatch[shardCount];
    }

    @Override
    public void onFrame(int port, DirectBuffer buffer, int offset, int length, long timestampNanos) {
        count(FRAMES);
        int shard = classify(buffer, offset, length);
        if (shard == ARP || shard == VRRP) {
            count(shard == ARP ? ARP_FRAMES : VRRP_FRAMES);
            control.control(shard, port, buffer, offset, length, timestampNanos);
            return;
        }
        if (shard == IGNORED) {
            count(IGNORED_FRAMES);
            return;
        }
        FrameBatch b = current[shard];
        if (b != null && b.add(port, buffer, offset, length, timestampNanos)) {
            return;
        }
        if (b != null) {
            shards.deliver(shard, b);
            current[shard] = null;
        }
        b = pool.acquire();
        if (b == null) {
            count(BACK_PRESSURE_DROPS);
            return;
        }
        if (!b.add(port, buffer, offset, length, timestampNanos)) {
            count(OVERSIZE_DROPS);
            b.release();
            return;
        }
        current[shard] = b;
    }

    private void count(int counter) {
        counts.setRelease(counter, counts.getPlain(counter) + 1);
    }

    /** Sends every partly filled batch to its shard. */
    public void flush() {
        for (int s = 0; s < shardCount; s++) {
            FrameBatch b = current[s];
            if (b != null) {
                current[s] = null;
                shards.deliver(s, b);
            }
        }
    }

    public static final int ARP = -1;
    static final int IGNORED = -2;
    public static final int VRRP = -3;
    /** IPPROTO_VRRP (RFC 5798). */
    private static final int PROTOCOL_VRRP = 112;

    /**
     * The shard a frame belongs to, or {@link #ARP} (ARP and IPv6 neighbour solicitations and
     * advertisements), {@link #VRRP}, or {@link #IGNORED} for other link protocols.
     */
    int classify(DirectBuffer b, int offset, int length) {
        if (length < EthernetFlyweight.HEADER_LENGTH) {
            return 0;
        }
        int l3 = offset + EthernetFlyweight.HEADER_LENGTH;
        int type = EthernetFlyweight.etherType(b, offset);
        if (type == EthernetFlyweight.VLAN_TPID) {
            if (length < EthernetFlyweight.VLAN_HEADER_LENGTH) {
                return 0;
            }
            l3 = offset + EthernetFlyweight.VLAN_HEADER_LENGTH;
            type = u16(b, offset + EthernetFlyweight.VLAN_ETHER_TYPE_OFFSET);
        }
        int end = offset + length;
        switch (type) {
            case EthernetFlyweight.ETHER_TYPE_ARP:
                return ARP;
            case EthernetFlyweight.ETHER_TYPE_IPV4:
                return ipv4Shard(b, l3, end);
            case EthernetFlyweight.ETHER_TYPE_IPV6:
                return ipv6Shard(b, l3, end);
            default:
                return IGNORED;
        }
    }

    private int ipv4Shard(DirectBuffer b, int ip, int end) {
        if (ip + Ipv4Flyweight.MIN_HEADER_LENGTH > end) {
            return 0;
        }
        if (Ipv4Flyweight.protocol(b, ip) == PROTOCOL_VRRP) {
            return VRRP;
        }
        long src = Ipv4Flyweight.src(b, ip) & 0xFFFF_FFFFL;
        long dst = Ipv4Flyweight.dst(b, ip) & 0xFFFF_FFFFL;
        int ihl = Ipv4Flyweight.ihl(b, ip);
        boolean firstFragment = (Ipv4Flyweight.flagsAndFragmentOffset(b, ip) & Ipv4Flyweight.FRAGMENT_OFFSET_MASK) == 0;
        int icmp = ip + ihl;
        int quote = icmp + ICMP_HEADER;
        if (Ipv4Flyweight.protocol(b, ip) == IpProtocol.ICMP && firstFragment && ihl >= Ipv4Flyweight.MIN_HEADER_LENGTH
                && isIcmpError(b.getByte(Math.min(icmp, end - 1)) & 0xFF)
                && quote + Ipv4Flyweight.MIN_HEADER_LENGTH <= end) {
            // An error about a packet of a flow: the quoted packet names the flow.
            long qsrc = Ipv4Flyweight.src(b, quote) & 0xFFFF_FFFFL;
            long qdst = Ipv4Flyweight.dst(b, quote) & 0xFFFF_FFFFL;
            int qihl = Ipv4Flyweight.ihl(b, quote);
            int inner = quote + qihl;
            if (Ipv4Flyweight.protocol(b, quote) == IpProtocol.IPIP && qihl >= Ipv4Flyweight.MIN_HEADER_LENGTH
                    && inner + Ipv4Flyweight.MIN_HEADER_LENGTH <= end) {
                // An error about a tunnelled packet: the packet inside came from the client.
                return shardOf(0, Ipv4Flyweight.src(b, inner) & 0xFFFF_FFFFL);
            }
            return clientShard(0, qsrc, 0, qdst);
        }
        return clientShard(0, src, 0, dst);
    }

    private static boolean isIcmpError(int type) {
        return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH || type == ICMP_TIME_EXCEEDED
                || type == ICMP_PARAMETER_PROBLEM;
    }

    private int ipv6Shard(DirectBuffer b, int ip, int end) {
        if (ip + Ipv6Flyweight.HEADER_LENGTH > end) {
            return 0;
        }
        int icmp = ip + Ipv6Flyweight.HEADER_LENGTH;
        int quote = icmp + ICMP_HEADER;
        boolean isIcmp = Ipv6Flyweight.nextHeader(b, ip) == IpProtocol.ICMPV6 && icmp < end;
        int icmpType = isIcmp ? b.getByte(icmp) & 0xFF : -1;
        if ((icmpType == ICMPV6_NEIGHBOR_SOLICITATION || icmpType == ICMPV6_NEIGHBOR_ADVERTISEMENT)
                && Ipv6Flyweight.hopLimit(b, ip) == NDP_HOP_LIMIT) {
            // IPv6's ARP: the neighbour owner answers and learns; the rest of ICMPv6 stays with flows.
            return ARP;
        }
        if (isIcmp && icmpType < ICMPV6_FIRST_INFO && quote + Ipv6Flyweight.HEADER_LENGTH <= end) {
            return clientShard(Ipv6Flyweight.srcHi(b, quote), Ipv6Flyweight.srcLo(b, quote),
                    Ipv6Flyweight.dstHi(b, quote), Ipv6Flyweight.dstLo(b, quote));
        }
        return clientShard(Ipv6Flyweight.srcHi(b, ip), Ipv6Flyweight.srcLo(b, ip),
                Ipv6Flyweight.dstHi(b, ip), Ipv6Flyweight.dstLo(b, ip));
    }

    /** The client is whichever end is not on the service side; a packet to a VIP names it as source. */
    private int clientShard(long srcHi, long srcLo, long dstHi, long dstLo) {
        ServiceAddresses side = addresses.get();
        if (!side.contains(dstHi, dstLo) && side.contains(srcHi, srcLo)) {
            return shardOf(dstHi, dstLo);
        }
        return shardOf(srcHi, srcLo);
    }

    private int shardOf(long hi, long lo) {
        return shardOf(hi, lo, shardCount);
    }

    /** The shard that owns a client address; the same function everywhere (sync, admin) must use. */
    public static int shardOf(long hi, long lo, int shardCount) {
        return (int) ((ServiceAddresses.mix(hi * 31 + lo) >>> 1) % shardCount);
    }

    private static int u16(DirectBuffer b, int index) {
        return b.getShort(index, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public long frames() {
        return counts.getAcquire(FRAMES);
    }

    /** ARP frames and IPv6 neighbour solicitations and advertisements handed to the neighbour owner. */
    public long arpFrames() {
        return counts.getAcquire(ARP_FRAMES);
    }

    public long vrrpFrames() {
        return counts.getAcquire(VRRP_FRAMES);
    }

    /** Frames of link protocols the director does not serve (neither IP nor ARP). */
    public long ignored() {
        return counts.getAcquire(IGNORED_FRAMES);
    }

    /** Frames dropped because every batch was still with the shards. */
    public long backPressureDrops() {
        return counts.getAcquire(BACK_PRESSURE_DROPS);
    }

    /** Frames larger than a whole batch. */
    public long oversizeDrops() {
        return counts.getAcquire(OVERSIZE_DROPS);
    }

    /** The counts now, for the capture of {@code port} (its name); callable from any thread. */
    public CaptureStats stats(String port) {
        return new CaptureStats(port, frames(), arpFrames(), vrrpFrames(), ignored(), backPressureDrops(),
                oversizeDrops());
    }
}
