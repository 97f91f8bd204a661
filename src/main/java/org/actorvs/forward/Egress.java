package org.actorvs.forward;

import java.nio.ByteOrder;

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
 */
public final class Egress {
    /** Room a scratch frame keeps in front of the IP header: the longest Ethernet header. */
    public static final int L2_ROOM = EthernetFlyweight.VLAN_HEADER_LENGTH;
    private static final int SCRATCH_SIZE = L2_ROOM + 65_535;

    private final Port[] ports;
    private final NeighbourCache neighbours;
    private final FrameSink sink;
    private final RouteTable.NextHop hop = new RouteTable.NextHop();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[SCRATCH_SIZE]);
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
    }

    /** Routes change at run time (configuration reload); the shard swaps the table in. */
    public void routes(RouteTable routes) {
        this.routes = routes;
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
        return routes.resolve(af, hi, lo, hop);
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
        if (!routes.resolve(af, targetHi, targetLo, hop)) {
            return Outcome.NO_ROUTE;
        }
        return sendViaLastHop(af, buffer, frameOffset, ipOffset, ipLength, success);
    }

    /** Sends through the hop of the last {@link #route} call (after the caller's MTU checks). */
    public Outcome sendViaLastHop(int af, MutableDirectBuffer buffer, int frameOffset, int ipOffset, int ipLength,
            Outcome success) {
        long mac = neighbours.mac(hop.af, hop.hi, hop.lo);
        if (mac == NeighbourCache.UNRESOLVED) {
            neighbours.resolutionNeeded(hop.af, hop.hi, hop.lo, hop.port);
            return Outcome.NEIGHBOUR_UNRESOLVED;
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
}
