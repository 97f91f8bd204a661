package org.actorvs.forward;

import java.nio.ByteOrder;
import java.util.Arrays;

import org.actorvs.packet.EthernetFlyweight;
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

    public Egress(Port[] ports, RouteTable routes, NeighbourCache neighbours, FrameSink sink) {
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

    /** Sends through the hop of the last {@link #route} call (after the caller's MTU checks). */
    public Outcome sendViaLastHop(int af, MutableDirectBuffer buffer, int frameOffset, int ipOffset, int ipLength,
            Outcome success) {
        long mac = hopMac;
        if (mac == NeighbourCache.UNRESOLVED) {
            mac = neighbours.mac(hop.af, hop.hi, hop.lo);
            if (mac == NeighbourCache.UNRESOLVED) {
                neighbours.resolutionNeeded(hop.af, hop.hi, hop.lo, hop.port);
                return Outcome.NEIGHBOUR_UNRESOLVED;
            }
            fill(mac);
        }
        Port port = ports[hop.port];
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
        sink.send(hop.port, out, start, l2 + ipLength);
        return success;
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
