package org.actorvs.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.actorvs.packet.EthernetFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class EgressTest {
    private static final long RS_A = 0x0A00010BL;      // 10.0.1.11
    private static final long RS_B = 0x0A00010CL;      // 10.0.1.12
    private static final long MAC_A = 0x0200_0001_0000L;
    private static final long MAC_B = 0x0200_0001_0001L;
    private static final long MAC_NEW = 0x0200_0001_00FFL;
    private static final int IP_OFFSET = EthernetFlyweight.HEADER_LENGTH;
    private static final int IP_LENGTH = 20;

    private final Port front = new Port(0, "front", 0x0200_0000_0001L, 0x0A000001L, 0, 0, 1500, -1);
    private final Port back = new Port(1, "back", 0x0200_0000_0002L, 0x0A000101L, 0, 0, 1500, -1);
    private final List<long[]> sent = new ArrayList<>();
    private final UnsafeBuffer packet = new UnsafeBuffer(new byte[IP_OFFSET + IP_LENGTH]);

    /** The (port, destination MAC) of every frame sent. */
    private final FrameSink sink = (port, buffer, offset, length) ->
            sent.add(new long[] {port, EthernetFlyweight.dstMac(buffer, offset)});

    private static RouteTable backLan(int port) {
        return RouteTable.of(List.of(new RouteTable.Route(4, 0, 0x0A000100L, 24, port, 0, 0)));
    }

    /** StaticNeighbours that also count how often a MAC was asked for. */
    private static final class CountingNeighbours implements NeighbourCache {
        final StaticNeighbours table = new StaticNeighbours();
        int lookups;

        @Override
        public long mac(int af, long hi, long lo) {
            lookups++;
            return table.mac(af, hi, lo);
        }

        @Override
        public void resolutionNeeded(int af, long hi, long lo, int port) {
            table.resolutionNeeded(af, hi, lo, port);
        }

        @Override
        public long generation() {
            return table.generation();
        }
    }

    private Outcome sendTo(Egress egress, int destId, long rs) {
        if (!egress.routeToDestination(destId, 4, 0, rs)) {
            return Outcome.NO_ROUTE;
        }
        return egress.sendViaLastHop(4, packet, 0, IP_OFFSET, IP_LENGTH, Outcome.FORWARDED_IN);
    }

    private long lastMac() {
        return sent.get(sent.size() - 1)[1];
    }

    @Test
    void aDestinationsNextHopIsLookedUpOnceThenServedFromItsSlot() {
        CountingNeighbours neighbours = new CountingNeighbours();
        neighbours.table.put(4, 0, RS_A, MAC_A);
        Egress egress = new Egress(new Port[] {front, back}, backLan(1), neighbours, sink);
        for (int i = 0; i < 5; i++) {
            assertEquals(Outcome.FORWARDED_IN, sendTo(egress, 0, RS_A));
        }
        assertEquals(1, neighbours.lookups);
        assertEquals(5, sent.size());
        assertEquals(MAC_A, lastMac());
        assertEquals(1, sent.get(4)[0]);
    }

    @Test
    void clientsBehindOneGatewayShareOneCachedMac() {
        CountingNeighbours neighbours = new CountingNeighbours();
        long gateway = 0x0A0000FEL;
        neighbours.table.put(4, 0, gateway, MAC_NEW);
        RouteTable viaGateway = RouteTable.of(List.of(new RouteTable.Route(4, 0, 0, 0, 0, 0, gateway)));
        Egress egress = new Egress(new Port[] {front, back}, viaGateway, neighbours, sink);
        for (long client = 0xAC100000L; client < 0xAC100000L + 50; client++) {
            egress.route(4, 0, client);
            assertEquals(Outcome.FORWARDED_OUT,
                    egress.sendViaLastHop(4, packet, 0, IP_OFFSET, IP_LENGTH, Outcome.FORWARDED_OUT));
        }
        assertEquals(1, neighbours.lookups);
        assertEquals(MAC_NEW, lastMac());
        assertEquals(0, sent.get(49)[0]);
    }

    @Test
    void aChangedNeighbourMacIsUsedAtTheNextPacket() {
        StaticNeighbours neighbours = new StaticNeighbours().put(4, 0, RS_A, MAC_A);
        Egress egress = new Egress(new Port[] {front, back}, backLan(1), neighbours, sink);
        sendTo(egress, 0, RS_A);
        neighbours.put(4, 0, RS_A, MAC_NEW);
        sendTo(egress, 0, RS_A);
        assertEquals(MAC_NEW, lastMac());
    }

    @Test
    void swappedRoutesAreUsedAtTheNextPacket() {
        StaticNeighbours neighbours = new StaticNeighbours().put(4, 0, RS_A, MAC_A);
        Egress egress = new Egress(new Port[] {front, back}, backLan(1), neighbours, sink);
        sendTo(egress, 0, RS_A);
        egress.routes(backLan(0));
        sendTo(egress, 0, RS_A);
        assertEquals(0, sent.get(1)[0]);
    }

    @Test
    void twoTargetsSharingASlotEachGetTheirOwnMac() {
        StaticNeighbours neighbours = new StaticNeighbours().put(4, 0, RS_A, MAC_A).put(4, 0, RS_B, MAC_B);
        Egress egress = new Egress(new Port[] {front, back}, backLan(1), neighbours, sink);
        // A destination id reused for another address, and an id beyond the own slots.
        long[] macs = new long[4];
        sendTo(egress, 3, RS_A);
        macs[0] = lastMac();
        sendTo(egress, 3, RS_B);
        macs[1] = lastMac();
        sendTo(egress, Egress.DESTINATION_SLOTS + 7, RS_A);
        macs[2] = lastMac();
        egress.route(4, 0, RS_B);
        egress.sendViaLastHop(4, packet, 0, IP_OFFSET, IP_LENGTH, Outcome.FORWARDED_OUT);
        macs[3] = lastMac();
        assertEquals(List.of(MAC_A, MAC_B, MAC_A, MAC_B), List.of(macs[0], macs[1], macs[2], macs[3]));
    }

    @Test
    void anUnresolvedNextHopIsAskedForAgainAtEveryPacket() {
        CountingNeighbours neighbours = new CountingNeighbours();
        Egress egress = new Egress(new Port[] {front, back}, backLan(1), neighbours, sink);
        assertEquals(Outcome.NEIGHBOUR_UNRESOLVED, sendTo(egress, 0, RS_A));
        assertEquals(Outcome.NEIGHBOUR_UNRESOLVED, sendTo(egress, 0, RS_A));
        assertEquals(2, neighbours.table.misses());
        neighbours.table.put(4, 0, RS_A, MAC_A);
        assertEquals(Outcome.FORWARDED_IN, sendTo(egress, 0, RS_A));
        assertEquals(MAC_A, lastMac());
    }

    @Test
    void noRouteIsReportedAndNothingSent() {
        Egress egress = new Egress(new Port[] {front, back}, backLan(1), new StaticNeighbours(), sink);
        assertEquals(Outcome.NO_ROUTE, sendTo(egress, 0, 0x0B000001L));
        assertEquals(0, sent.size());
    }
}
