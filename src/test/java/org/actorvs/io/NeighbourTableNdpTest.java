package org.actorvs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.actorvs.forward.NeighbourCache;
import org.actorvs.forward.Port;
import org.actorvs.io.NeighbourTable.State;
import org.actorvs.packet.Checksum;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.IcmpFlyweight;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv6Flyweight;
import org.actorvs.packet.MacAddress;
import org.actorvs.packet.NdpFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The neighbour table's NUD behaviour for IPv6 next hops, resolved by neighbour discovery. */
class NeighbourTableNdpTest {
    static final long SECOND = NeighbourTableTest.SECOND;
    static final long PREFIX = 0xFD00_0078_0000_0000L;
    static final Port LAN = new Port(0, "back0", MacAddress.parse("02:00:00:00:00:01"), 0, PREFIX, 0xFE, 1500, -1);
    static final long RS = 0x21;
    static final long RS_MAC = MacAddress.parse("02:00:00:00:00:21");
    private static final int L4 = EthernetFlyweight.HEADER_LENGTH + Ipv6Flyweight.HEADER_LENGTH;

    private final NeighbourTable table = new NeighbourTable(List.of(LAN), NeighbourTable.Params.kernelDefaults());
    private final SentFrames out = new SentFrames();

    @Test
    void unresolvedNeighbourGetsThreeMulticastSolicitationsOneSecondApartThenFails() {
        assertTrue(table.queues(6));
        table.resolutionNeeded(6, PREFIX, RS, 0);
        for (int i = 0; i < 3; i++) {
            table.tick(i * SECOND, out);
            assertEquals(i + 1, out.size(), "probe " + i);
            assertEquals(State.INCOMPLETE, table.state(6, PREFIX, RS));
        }
        for (SentFrames.Sent s : out.all()) {
            assertSolicitation(s, NdpFlyweight.multicastMac(NdpFlyweight.solicitedNodeLo(RS)),
                    NdpFlyweight.SOLICITED_NODE_HI, NdpFlyweight.solicitedNodeLo(RS));
        }
        table.tick(3 * SECOND, out);
        assertEquals(State.FAILED, table.state(6, PREFIX, RS));
        assertTrue(table.failed(6, PREFIX, RS));
        assertEquals(NeighbourCache.UNRESOLVED, table.mac(6, PREFIX, RS));
    }

    @Test
    void solicitedAdvertisementMakesTheNeighbourReachableAndPublishesIt() {
        final long before = table.generation();
        resolve(0);
        assertEquals(State.REACHABLE, table.state(6, PREFIX, RS));
        assertEquals(RS_MAC, table.mac(6, PREFIX, RS));
        assertTrue(table.generation() > before);
    }

    @Test
    void unsolicitedAdvertisementLeavesTheEntryStale() {
        table.resolutionNeeded(6, PREFIX, RS, 0);
        table.tick(0, out);
        assertTrue(table.learnFromAdvertisement(0, PREFIX, RS, RS_MAC, false, true, 1));
        assertEquals(State.STALE, table.state(6, PREFIX, RS));
    }

    @Test
    void anotherMacWithoutOverrideTurnsAReachableEntryStaleKeepingItsMac() {
        resolve(0);
        assertTrue(table.learnFromAdvertisement(0, PREFIX, RS, RS_MAC + 1, true, false, SECOND));
        assertEquals(State.STALE, table.state(6, PREFIX, RS));
        assertEquals(RS_MAC, table.mac(6, PREFIX, RS));
    }

    @Test
    void anotherMacWithoutOverrideIsIgnoredByAStaleEntryAndTakenWithOverride() {
        resolve(0);
        table.tick(table.reachableNanos() + 1, out);
        assertEquals(State.STALE, table.state(6, PREFIX, RS));
        table.learnFromAdvertisement(0, PREFIX, RS, RS_MAC + 1, false, false, 40 * SECOND);
        assertEquals(RS_MAC, table.mac(6, PREFIX, RS));
        table.learnFromAdvertisement(0, PREFIX, RS, RS_MAC + 1, false, true, 40 * SECOND);
        assertEquals(RS_MAC + 1, table.mac(6, PREFIX, RS), "override takes the new MAC at once: no locktime in ND");
    }

    @Test
    void advertisementWithoutLinkLayerOptionCannotCompleteAResolution() {
        table.resolutionNeeded(6, PREFIX, RS, 0);
        table.tick(0, out);
        table.learnFromAdvertisement(0, PREFIX, RS, NeighbourCache.UNRESOLVED, true, true, 1);
        assertEquals(State.INCOMPLETE, table.state(6, PREFIX, RS));
    }

    @Test
    void usedStaleEntryIsProbedByUnicastSolicitationsToTheNeighbourItself() {
        resolve(0);
        final long stale = table.reachableNanos() + 1;
        table.tick(stale, out);
        table.mac(6, PREFIX, RS);
        table.tick(stale + 1, out);
        assertEquals(State.DELAY, table.state(6, PREFIX, RS));
        table.tick(stale + 1 + 5 * SECOND, out);
        assertEquals(State.PROBE, table.state(6, PREFIX, RS));
        assertSolicitation(out.last(), RS_MAC, PREFIX, RS);
    }

    @Test
    void solicitationFromANeighbourCreatesAStaleEntry() {
        table.learnFromSolicitation(0, 6, PREFIX, RS, RS_MAC, 0);
        assertEquals(State.STALE, table.state(6, PREFIX, RS));
        assertEquals(RS_MAC, table.mac(6, PREFIX, RS));
    }

    @Test
    void staticIpv6NeighbourIsPermanent() {
        table.putStatic(0, 6, PREFIX, RS, RS_MAC);
        table.learnFromAdvertisement(0, PREFIX, RS, RS_MAC + 1, true, true, SECOND);
        table.tick(600 * SECOND, out);
        assertEquals(State.PERMANENT, table.state(6, PREFIX, RS));
        assertEquals(RS_MAC, table.mac(6, PREFIX, RS));
        assertEquals(0, out.size());
    }

    @Test
    void anIpv4NeighbourAndAnIpv6OneWithTheSameLow32BitsAreDistinct() {
        final int ipv4 = 0x0A00_0021;
        table.putStatic(0, ipv4, RS_MAC);
        table.putStatic(0, 6, 0, ipv4, RS_MAC + 1);
        assertEquals(RS_MAC, table.mac(4, 0, ipv4));
        assertEquals(RS_MAC + 1, table.mac(6, 0, ipv4));
        assertEquals(2, table.size());
        assertFalse(table.failed(6, 0, 0xFFFF_0A00_0021L), "an IPv4-mapped address is no IPv6 neighbour");
    }

    @Test
    void portWithoutAnIpv6AddressSendsNoSolicitationAndTheResolutionFails() {
        final NeighbourTable v4only = new NeighbourTable(List.of(NeighbourTableTest.LAN),
                NeighbourTable.Params.kernelDefaults());
        v4only.resolutionNeeded(6, PREFIX, RS, 0);
        for (int i = 0; i <= 3; i++) {
            v4only.tick(i * SECOND, out);
        }
        assertEquals(0, out.size());
        assertEquals(State.FAILED, v4only.state(6, PREFIX, RS));
    }

    private void resolve(long now) {
        table.resolutionNeeded(6, PREFIX, RS, 0);
        table.tick(now, out);
        table.learnFromAdvertisement(0, PREFIX, RS, RS_MAC, true, true, now);
        out.clear();
    }

    private void assertSolicitation(SentFrames.Sent s, long dstMac, long dstHi, long dstLo) {
        final UnsafeBuffer f = s.frame();
        assertEquals(dstMac, EthernetFlyweight.dstMac(f, 0));
        assertEquals(LAN.mac(), EthernetFlyweight.srcMac(f, 0));
        assertEquals(EthernetFlyweight.ETHER_TYPE_IPV6, EthernetFlyweight.etherType(f, 0));
        final Ipv6Flyweight ip = new Ipv6Flyweight().wrap(f, EthernetFlyweight.HEADER_LENGTH);
        assertEquals(LAN.ipv6Hi(), ip.srcHi());
        assertEquals(LAN.ipv6Lo(), ip.srcLo());
        assertEquals(dstHi, ip.dstHi());
        assertEquals(dstLo, ip.dstLo());
        assertEquals(NdpFlyweight.HOP_LIMIT, ip.hopLimit());
        final NdpFlyweight ns = new NdpFlyweight().wrap(f, L4);
        assertEquals(IcmpFlyweight.V6_NEIGHBOR_SOLICITATION, ns.type());
        assertEquals(PREFIX, ns.targetHi());
        assertEquals(RS, ns.targetLo());
        assertEquals(LAN.mac(), NdpFlyweight.linkLayerAddress(f, L4, ip.payloadLength(),
                NdpFlyweight.OPTION_SOURCE_LINK_LAYER));
        assertTrue(Checksum.isL4Valid6(f, L4, ip.payloadLength(), ip.srcHi(), ip.srcLo(), ip.dstHi(), ip.dstLo(),
                IpProtocol.ICMPV6));
    }
}
