package org.actorvs.forward;

import java.nio.ByteOrder;
import java.util.Arrays;

import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameParser;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.Ipv6Flyweight;
import org.actorvs.packet.ParsedFrame;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The last step of every transmit: route lookup, neighbour (MAC) lookup, Ethernet header, send.
 * One per shard; not thread-safe.
 *
 * <p>Callers hand over an IP packet that sits in a buffer with room for the Ethernet header in
 * front of it (received frames always have at least 14 bytes there); when the egress port needs
 * more (an 802.1Q tag) the packet is copied into a scratch frame first.
 *
 * <p>Next hops are cached, as the kernel keeps the route of each real server in dest-&gt;dest_dst
 * (__ip_vs_get_out_rt()): a real server's (port, next hop, MAC) sits in a slot of its own, keyed by
 * destination id; for other targets (clients, bypass destinations, ICMP senders) the route is
 * looked up and the next hop's MAC cached in a small direct-mapped set of slots keyed by the next
 * hop's address, so that all clients behind one gateway share a slot. A slot is used only when its
 * whole key matches, so a slot choice is never wrong, only a hit or a miss. The cache is
 * emptied when the routes are swapped and when the neighbour cache's {@link NeighbourCache#generation()}
 * moves (a MAC changed, an entry went, or its use must be reported again); only targets whose MAC
 * is resolved are cached.
 *
 * <p>A packet whose next hop is not resolved yet waits in the shard's {@link NeighbourQueue}, as
 * neigh_resolve_output() queues it on the neighbour's arp_queue, when the neighbour cache resolves
 * that family itself ({@link NeighbourCache#queues}); it goes out, in order and before any newer
 * packet for that hop, once the MAC is known ({@link #flushNeighbours}, or the next packet sent to
 * that hop), and is answered with ICMP host unreachable if resolution fails (neigh_invalidate()).
 */
public final class Egress {
    /** Room a scratch frame keeps in front of the IP header: the longest Ethernet header. */
    public static final int L2_ROOM = EthernetFlyweight.VLAN_HEADER_LENGTH;
    private static final int SCRATCH_SIZE = L2_ROOM + 65_535;
    /** Destination ids below this have their own next-hop slot; real servers beyond share the address slots. */
    static final int DESTINATION_SLOTS = 64;
    private static final int ADDRESS_SLOT_BITS = 8;
    // One slot: target hi, lo, meta (0 = empty, else af << 32 | port), MAC, next-hop hi, lo.
    private static final int STRIDE = 8;
    private static final int TARGET_HI = 0;
    private static final int TARGET_LO = 1;
    private static final int META = 2;
    private static final int MAC = 3;
    private static final int HOP_HI = 4;
    private static final int HOP_LO = 5;
    /** What a shard may hold for unresolved next hops: ten neighbours' worth of unres_qlen_bytes. */
    public static final int DEFAULT_QUEUE_BYTES = 10 * NeighbourQueue.NEIGHBOUR_BYTES;
    // icmp_send() / icmpv6_send() codes of arp_error_report() / ndisc_error_report().
    private static final int ICMP_DEST_UNREACH = 3;
    private static final int ICMP_HOST_UNREACH = 1;
    private static final int ICMPV6_DEST_UNREACH = 1;
    private static final int ICMPV6_ADDR_UNREACH = 3;

    private final Port[] ports;
    private final NeighbourCache neighbours;
    private final FrameSink sink;
    private final RouteTable.NextHop hop = new RouteTable.NextHop();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[SCRATCH_SIZE]);
    private final long[] cache = new long[(DESTINATION_SLOTS + (1 << ADDRESS_SLOT_BITS)) * STRIDE];
    private long cacheGeneration;
    /** The MAC of {@link #hop} when the last route came from the cache, else UNRESOLVED. */
    private long hopMac = NeighbourCache.UNRESOLVED;
    /** The slot the last route missed in, filled once its MAC is resolved; -1 for none. */
    private int fillSlot = -1;
    private RouteTable routes;
    private final NeighbourQueue queue;
    /** Set once the shard runs: wakes it when a neighbour it waits for changes; null before. */
    private NeighbourWatch watch;
    /** Reads a held IPv6 packet's upper protocol for the ICMPv6 error about it. */
    private final FrameParser parser = new FrameParser(false);
    private final ParsedFrame quoted = new ParsedFrame();

    public Egress(Port[] ports, RouteTable routes, NeighbourCache neighbours, FrameSink sink) {
        this(ports, routes, neighbours, sink, DEFAULT_QUEUE_BYTES, NeighbourQueue.DEFAULT_NEIGHBOURS);
    }

    /**
     * @param queueBytes what the shard may hold for unresolved next hops in all
     * @param queueNeighbours how many unresolved next hops it may hold packets for at once
     */
    public Egress(Port[] ports, RouteTable routes, NeighbourCache neighbours, FrameSink sink, int queueBytes,
            int queueNeighbours) {
        for (int i = 0; i < ports.length; i++) {
            if (ports[i].index() != i) {
                throw new IllegalArgumentException("port " + ports[i].name() + " has index " + ports[i].index()
                        + " but stands at position " + i);
            }
        }
        this.ports = ports.clone();
        this.routes = routes;
        this.neighbours = neighbours;
        this.sink = sink;
        this.cacheGeneration = neighbours.generation();
        this.queue = new NeighbourQueue(queueBytes, queueNeighbours);
    }

    /**
     * Called once, on the shard's thread, when the shard starts: {@code wake} then tells the shard
     * (from the neighbour cache's owner) to {@link #flushNeighbours} while it holds packets.
     */
    public void watchNeighbours(Runnable wake) {
        watch = new NeighbourWatch(wake);
        neighbours.watch(watch);
    }

    /** The packets held for unresolved next hops, and what became of those held so far. */
    public NeighbourQueue neighbourQueue() {
        return queue;
    }

    /** Routes change at run time (configuration reload); the shard swaps the table in. */
    public void routes(RouteTable routes) {
        this.routes = routes;
        clearCache();
    }

    public Port port(int index) {
        return ports[index];
    }

    public int portCount() {
        return ports.length;
    }

    /**
     * Looks up the route to a destination; on success {@link #lastHop()} holds the port and the
     * next-hop address. Used by callers that must check the egress MTU before they send.
     */
    public boolean route(int af, long hi, long lo) {
        checkGeneration();
        hopMac = NeighbourCache.UNRESOLVED;
        fillSlot = -1;
        if (!routes.resolve(af, hi, lo, hop)) {
            return false;
        }
        // Keyed by the next hop, not the target: the many clients behind one gateway share a slot.
        int slot = addressSlot(hop.hi, hop.lo);
        int at = slot * STRIDE;
        if (cache[at + TARGET_LO] == hop.lo && cache[at + TARGET_HI] == hop.hi
                && cache[at + META] == ((long) hop.af << 32 | hop.port)) {
            hopMac = cache[at + MAC];
        } else {
            claim(slot, hop.hi, hop.lo);
        }
        return true;
    }

    /**
     * {@link #route} to real server {@code destId} (its address is (af, hi, lo)), cached in the
     * destination's own slot; a negative id is treated as no destination.
     */
    public boolean routeToDestination(int destId, int af, long hi, long lo) {
        if (destId < 0 || destId >= DESTINATION_SLOTS) {
            return route(af, hi, lo);
        }
        checkGeneration();
        int at = destId * STRIDE;
        long meta = cache[at + META];
        if (meta != 0 && cache[at + TARGET_LO] == lo && cache[at + TARGET_HI] == hi && (int) (meta >>> 32) == af) {
            hop.af = af;
            hop.port = (int) meta;
            hop.hi = cache[at + HOP_HI];
            hop.lo = cache[at + HOP_LO];
            hopMac = cache[at + MAC];
            fillSlot = -1;
            return true;
        }
        hopMac = NeighbourCache.UNRESOLVED;
        fillSlot = -1;
        if (!routes.resolve(af, hi, lo, hop)) {
            return false;
        }
        claim(destId, hi, lo);
        return true;
    }

    public RouteTable.NextHop lastHop() {
        return hop;
    }

    /** The MTU of the port the last successful {@link #route} chose. */
    public int lastMtu() {
        return ports[hop.port].mtu();
    }

    /**
     * Sends the IP packet at {@code ipOffset} towards (af, targetHi, targetLo): the real server for
     * NAT, DR and tunnels, the client for replies, the original destination for bypass.
     */
    public Outcome send(int af, long targetHi, long targetLo, MutableDirectBuffer buffer, int frameOffset,
            int ipOffset, int ipLength, Outcome success) {
        if (!route(af, targetHi, targetLo)) {
            return Outcome.NO_ROUTE;
        }
        return sendViaLastHop(af, buffer, frameOffset, ipOffset, ipLength, success);
    }

    /**
     * Sends through the hop of the last {@link #route} call (after the caller's MTU checks); when
     * that hop is unresolved, holds the packet ({@link Outcome#NEIGHBOUR_QUEUED}) if it may wait.
     */
    public Outcome sendViaLastHop(int af, MutableDirectBuffer buffer, int frameOffset, int ipOffset, int ipLength,
            Outcome success) {
        long mac = hopMac;
        if (mac == NeighbourCache.UNRESOLVED) {
            mac = neighbours.mac(hop.af, hop.hi, hop.lo);
            if (mac == NeighbourCache.UNRESOLVED) {
                return hold(af, buffer, ipOffset, ipLength, success == Outcome.FORWARDED_OUT);
            }
            fill(mac);
        }
        if (!queue.isEmpty()) {
            // neigh_update() sends the arp_queue before the neighbour serves anything newer: a packet
            // that finds the MAC resolved before the shard's flush ran must not overtake the held ones.
            int slot = queue.find(hop.port, hop.af, hop.hi, hop.lo);
            if (slot >= 0) {
                sendHeld(slot, mac);
            }
        }
        transmit(hop.port, af, mac, buffer, frameOffset, ipOffset, ipLength);
        return success;
    }

    /**
     * The shard's side of neigh_update() and neigh_invalidate(), run when its {@link NeighbourWatch}
     * wakes it: held packets whose next hop resolved go out in order; those whose resolution failed
     * are dropped, each answered with ICMP host unreachable through {@code icmp} (rate limited
     * there, as icmp_send()).
     *
     * @return packets still held
     */
    public int flushNeighbours(IcmpSender icmp, long nowNanos) {
        return flush(icmp, nowNanos, false);
    }

    /**
     * {@link #flushNeighbours} on the shard's timer, which also asks again for the resolution of
     * every next hop still waited for: a request can be lost (the cache's request set was full) and
     * a failure can go unseen (the cache forgot it before the shard looked), and packets must not
     * wait for an answer nobody is working on.
     */
    public int tickNeighbours(IcmpSender icmp, long nowNanos) {
        return flush(icmp, nowNanos, true);
    }

    private int flush(IcmpSender icmp, long nowNanos, boolean askAgain) {
        do {
            for (int slot = 0; slot < queue.slots() && !queue.isEmpty(); slot++) {
                if (!queue.holds(slot)) {
                    continue;
                }
                int af = queue.af(slot);
                long hi = queue.hi(slot);
                long lo = queue.lo(slot);
                long mac = neighbours.mac(af, hi, lo);
                if (mac != NeighbourCache.UNRESOLVED) {
                    sendHeld(slot, mac);
                } else if (neighbours.failed(af, hi, lo)) {
                    dropHeld(slot, icmp, nowNanos);
                } else if (askAgain) {
                    neighbours.resolutionNeeded(af, hi, lo, queue.port(slot));
                }
            }
        } while (!rearm());
        return queue.packets();
    }

    /**
     * Holds the packet at ipOffset for the last route's hop, as __neigh_event_send() queues it on an
     * INCOMPLETE neighbour; asks for resolution with the first packet only (the kernel probes when
     * the neighbour enters INCOMPLETE, not per queued packet).
     */
    private Outcome hold(int af, DirectBuffer buffer, int ipOffset, int ipLength, boolean fromDirector) {
        RouteTable.NextHop h = hop;
        if (!neighbours.queues(h.af)) {
            neighbours.resolutionNeeded(h.af, h.hi, h.lo, h.port);
            return Outcome.NEIGHBOUR_UNRESOLVED;
        }
        if (neighbours.failed(h.af, h.hi, h.lo)) {
            // Held down after a failure: the cache ignores requests until it lets the entry go.
            return Outcome.NEIGHBOUR_UNRESOLVED;
        }
        int result = queue.add(h.port, h.af, h.hi, h.lo, af, fromDirector, buffer, ipOffset, ipLength);
        if (result != NeighbourQueue.QUEUED) {
            neighbours.resolutionNeeded(h.af, h.hi, h.lo, h.port);
        }
        if (result == NeighbourQueue.REFUSED) {
            return Outcome.NEIGHBOUR_UNRESOLVED;
        }
        if (watch != null && watch.arm() && neighbours.generation() != cacheGeneration) {
            // The MAC may have been published after this packet's lookup but before the watch was
            // armed, a change no wake-up reports: look once more now.
            sendResolved();
        }
        return Outcome.NEIGHBOUR_QUEUED;
    }

    /** Sends what waits for hops resolved by now; failures are left to {@link #flushNeighbours}. */
    private void sendResolved() {
        for (int slot = 0; slot < queue.slots() && !queue.isEmpty(); slot++) {
            if (queue.holds(slot)) {
                long mac = neighbours.mac(queue.af(slot), queue.hi(slot), queue.lo(slot));
                if (mac != NeighbourCache.UNRESOLVED) {
                    sendHeld(slot, mac);
                }
            }
        }
    }

    /**
     * After a flush: disarms the watch when nothing is held, else arms it; false when a change may
     * have been published since the flush looked (so no wake-up would report it) and it must look again.
     */
    private boolean rearm() {
        if (watch == null) {
            return true;
        }
        if (queue.isEmpty()) {
            watch.disarm();
            return true;
        }
        long seen = cacheGeneration;
        checkGeneration();
        return !watch.arm() || cacheGeneration == seen;
    }

    /** neigh_update()'s flush of the arp_queue: every packet held for the slot's hop, oldest first. */
    private void sendHeld(int slot, long mac) {
        int port = queue.port(slot);
        for (int record = queue.take(slot); record != NeighbourQueue.NONE; ) {
            int next = queue.next(record);
            int length = queue.length(record);
            queue.load(record, scratch, L2_ROOM);
            transmit(port, queue.packetAf(record), mac, scratch, 0, L2_ROOM, length);
            queue.sent(record);
            record = next;
        }
    }

    /**
     * neigh_invalidate(): each packet held for the slot's hop goes to the error report,
     * arp_error_report() -> ipv4_link_failure() -> icmp_send(ICMP_DEST_UNREACH, ICMP_HOST_UNREACH) or
     * ndisc_error_report() -> icmpv6_send(ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH), and is freed.
     */
    private void dropHeld(int slot, IcmpSender icmp, long nowNanos) {
        for (int record = queue.take(slot); record != NeighbourQueue.NONE; ) {
            int next = queue.next(record);
            int af = queue.packetAf(record);
            int length = queue.length(record);
            boolean fromDirector = queue.fromDirector(record);
            // Loaded per packet: sending the error may flush another hop's packets through the
            // scratch frame, but only after the ICMP sender copied its quote out of it.
            queue.load(record, scratch, L2_ROOM);
            // Freed first: the error may itself wait for a neighbour and need the room.
            queue.dropped(record);
            if (!fromDirector && !fromPortAddress(af, scratch, L2_ROOM)) {
                reportUnreachable(icmp, af, length, nowNanos);
            }
            record = next;
        }
    }

    /**
     * The kernel would deliver an error about its own packet (a tunnel header from a port's
     * address) to itself, where no socket wants it: none is sent.
     */
    private boolean fromPortAddress(int af, DirectBuffer packet, int ipOffset) {
        long hi = af == 4 ? 0 : Ipv6Flyweight.srcHi(packet, ipOffset);
        long lo = af == 4 ? Ipv4Flyweight.src(packet, ipOffset) & 0xFFFF_FFFFL : Ipv6Flyweight.srcLo(packet, ipOffset);
        for (Port p : ports) {
            if (af == 4 ? p.ipv4() == lo : p.ipv6Hi() == hi && p.ipv6Lo() == lo) {
                return true;
            }
        }
        return false;
    }

    /** The held packet in the scratch frame is quoted to its source. */
    private void reportUnreachable(IcmpSender icmp, int af, int length, long nowNanos) {
        if (af == 4) {
            icmp.sendV4(ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, scratch, L2_ROOM, length, false, nowNanos);
        } else if (parser.parseQuoted(scratch, L2_ROOM, length, 6, quoted) == 0) {
            icmp.sendV6(ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0, scratch, L2_ROOM, length, quoted.protocol,
                    quoted.l4Offset, quoted.firstFragment, false, nowNanos);
        }
    }

    /** Puts the port's Ethernet header (and 802.1Q tag) for {@code mac} in front of the packet and sends the frame. */
    private void transmit(int portIndex, int af, long mac, MutableDirectBuffer buffer, int frameOffset, int ipOffset,
            int ipLength) {
        Port port = ports[portIndex];
        int l2 = port.l2HeaderLength();
        MutableDirectBuffer out = buffer;
        int start = ipOffset - l2;
        if (start < frameOffset) {
            // Not enough room in front of the packet (a tag to add): move it to the scratch frame.
            scratch.putBytes(L2_ROOM, buffer, ipOffset, ipLength);
            out = scratch;
            start = L2_ROOM - l2;
        }
        EthernetFlyweight.dstMac(out, start, mac);
        EthernetFlyweight.srcMac(out, start, port.mac());
        int etherType = af == 4 ? EthernetFlyweight.ETHER_TYPE_IPV4 : EthernetFlyweight.ETHER_TYPE_IPV6;
        if (port.vlanId() < 0) {
            out.putShort(start + EthernetFlyweight.ETHER_TYPE_OFFSET, (short) etherType, ByteOrder.BIG_ENDIAN);
        } else {
            out.putShort(start + EthernetFlyweight.ETHER_TYPE_OFFSET, (short) EthernetFlyweight.VLAN_TPID, ByteOrder.BIG_ENDIAN);
            out.putShort(start + EthernetFlyweight.VLAN_TCI_OFFSET, (short) port.vlanId(), ByteOrder.BIG_ENDIAN);
            out.putShort(start + EthernetFlyweight.VLAN_ETHER_TYPE_OFFSET, (short) etherType, ByteOrder.BIG_ENDIAN);
        }
        sink.send(portIndex, out, start, l2 + ipLength);
    }

    /**
     * Reads the neighbours' generation before any MAC is looked up, so that no MAC read after a
     * change is kept under the generation from before it.
     */
    private void checkGeneration() {
        long generation = neighbours.generation();
        if (generation != cacheGeneration) {
            clearCache();
            cacheGeneration = generation;
        }
    }

    /** A miss: the slot is taken for (hi, lo) and completed by {@link #fill} once the MAC is known. */
    private void claim(int slot, long hi, long lo) {
        int at = slot * STRIDE;
        fillSlot = slot;
        cache[at + META] = 0;
        cache[at + TARGET_HI] = hi;
        cache[at + TARGET_LO] = lo;
    }

    /** Completes the slot the last route missed in, now that its next hop's MAC is known. */
    private void fill(long mac) {
        hopMac = mac;
        int slot = fillSlot;
        if (slot < 0) {
            return;
        }
        fillSlot = -1;
        int at = slot * STRIDE;
        cache[at + MAC] = mac;
        cache[at + HOP_HI] = hop.hi;
        cache[at + HOP_LO] = hop.lo;
        cache[at + META] = (long) hop.af << 32 | hop.port;
    }

    private void clearCache() {
        Arrays.fill(cache, 0);
        hopMac = NeighbourCache.UNRESOLVED;
        fillSlot = -1;
    }

    private static int addressSlot(long hi, long lo) {
        long x = (hi ^ lo) * 0x9E3779B97F4A7C15L;
        return DESTINATION_SLOTS + (int) (x >>> (64 - ADDRESS_SLOT_BITS));
    }
}
