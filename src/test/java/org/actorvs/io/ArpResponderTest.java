package org.actorvs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.actorvs.forward.Port;
import org.actorvs.io.NeighbourTable.State;
import org.actorvs.packet.ArpFlyweight;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.MacAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ArpResponderTest {
    static final Port LAN = NeighbourTableTest.LAN;
    static final Port TAGGED = new Port(1, "lan1", MacAddress.parse("02:00:00:00:01:01"), 0, 0, 0, 1500, 42);
    static final int VIP = InetAddresses.parseIpv4("10.0.0.100");
    static final int CLIENT = InetAddresses.parseIpv4("10.0.0.50");
    static final long CLIENT_MAC = MacAddress.parse("02:00:00:00:00:50");

    private final NeighbourTable table = new NeighbourTable(List.of(LAN, TAGGED), NeighbourTable.Params.kernelDefaults());
    private final ArpResponder responder = new ArpResponder(List.of(LAN, TAGGED), table);
    private final SentFrames out = new SentFrames();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[128]);

    ArpResponderTest() {
        responder.ownedAddresses(OwnedAddresses.builder().add(0, VIP).add(1, VIP).build());
    }

    @Test
    void requestForOwnedAddressIsAnsweredToTheAskerAndTheAskerLearnt() {
        final int length = arp(EthernetFlyweight.BROADCAST_MAC, ArpFlyweight.OP_REQUEST, CLIENT_MAC, CLIENT, 0, VIP);
        assertEquals(ArpResponder.ANSWERED, responder.onFrame(0, frame, 0, length, 0, out));
        assertEquals(1, out.size());
        final SentFrames.Sent reply = out.last();
        assertEquals(0, reply.port());
        assertEquals(CLIENT_MAC, EthernetFlyweight.dstMac(reply.frame(), 0));
        assertEquals(LAN.mac(), EthernetFlyweight.srcMac(reply.frame(), 0));
        final ArpFlyweight a = new ArpFlyweight().wrap(reply.frame(), EthernetFlyweight.HEADER_LENGTH);
        assertEquals(ArpFlyweight.OP_REPLY, a.op());
        assertEquals(LAN.mac(), a.senderMac());
        assertEquals(VIP, a.senderIp());
        assertEquals(CLIENT_MAC, a.targetMac());
        assertEquals(CLIENT, a.targetIp());
        assertEquals(State.STALE, table.state(CLIENT));
        assertEquals(CLIENT_MAC, table.mac(4, 0, CLIENT));
    }

    @Test
    void requestForAnAddressNotOwnedIsNotAnswered() {
        final int length = arp(EthernetFlyweight.BROADCAST_MAC, ArpFlyweight.OP_REQUEST, CLIENT_MAC, CLIENT, 0, VIP + 1);
        assertEquals(ArpResponder.NOT_FOR_US, responder.onFrame(0, frame, 0, length, 0, out));
        assertEquals(0, out.size());
        assertEquals(State.NONE, table.state(CLIENT), "only requests for us create entries");
    }

    @Test
    void replacedOwnedAddressesTakeEffectAtOnce() {
        final int length = arp(EthernetFlyweight.BROADCAST_MAC, ArpFlyweight.OP_REQUEST, CLIENT_MAC, CLIENT, 0, VIP);
        responder.ownedAddresses(OwnedAddresses.NONE);
        assertEquals(ArpResponder.NOT_FOR_US, responder.onFrame(0, frame, 0, length, 0, out));
        responder.ownedAddresses(OwnedAddresses.builder().add(0, VIP).build());
        assertEquals(ArpResponder.ANSWERED, responder.onFrame(0, frame, 0, length, 0, out));
        assertEquals(1, responder.count(ArpResponder.ANSWERED));
        assertEquals(1, responder.count(ArpResponder.NOT_FOR_US));
    }

    @Test
    void addressProbeIsAnsweredWithoutLearning() {
        final int length = arp(EthernetFlyweight.BROADCAST_MAC, ArpFlyweight.OP_REQUEST, CLIENT_MAC, 0, 0, VIP);
        assertEquals(ArpResponder.ANSWERED_PROBE, responder.onFrame(0, frame, 0, length, 0, out));
        final ArpFlyweight a = new ArpFlyweight().wrap(out.last().frame(), EthernetFlyweight.HEADER_LENGTH);
        assertEquals(VIP, a.senderIp());
        assertEquals(0, a.targetIp());
        assertEquals(0, table.size());
    }

    @Test
    void unicastReplyMakesAKnownNeighbourReachableAndABroadcastOneOnlyStale() {
        table.resolutionNeeded(4, 0, CLIENT, 0);
        table.tick(0, out);
        int length = arp(EthernetFlyweight.BROADCAST_MAC, ArpFlyweight.OP_REPLY, CLIENT_MAC, CLIENT, LAN.mac(), (int) LAN.ipv4());
        assertEquals(ArpResponder.LEARNED, responder.onFrame(0, frame, 0, length, 10, out));
        assertEquals(State.STALE, table.state(CLIENT));
        length = arp(LAN.mac(), ArpFlyweight.OP_REPLY, CLIENT_MAC, CLIENT, LAN.mac(), (int) LAN.ipv4());
        assertEquals(ArpResponder.LEARNED, responder.onFrame(0, frame, 0, length, 20, out));
        assertEquals(State.REACHABLE, table.state(CLIENT));
    }

    @Test
    void someoneElseClaimingAnOwnedAddressIsReportedAsAConflict() {
        final int length = arp(EthernetFlyweight.BROADCAST_MAC, ArpFlyweight.OP_REQUEST, CLIENT_MAC, VIP,
                EthernetFlyweight.BROADCAST_MAC, VIP);
        assertEquals(ArpResponder.ADDRESS_CONFLICT, responder.onFrame(0, frame, 0, length, 0, out));
        assertEquals(0, out.size());
    }

    @Test
    void requestOnATaggedPortIsAnsweredWithTheSameTag() {
        final int length = new FrameBuilder().ethernet(EthernetFlyweight.BROADCAST_MAC, CLIENT_MAC, 42)
                .arp(ArpFlyweight.OP_REQUEST, CLIENT_MAC, CLIENT, 0, VIP).build(frame, 0);
        assertEquals(ArpResponder.ANSWERED, responder.onFrame(1, frame, 0, length, 0, out));
        final UnsafeBuffer reply = out.last().frame();
        assertEquals(EthernetFlyweight.VLAN_TPID, EthernetFlyweight.etherType(reply, 0));
        assertEquals(EthernetFlyweight.ETHER_TYPE_ARP, EthernetFlyweight.payloadEtherType(reply, 0));
        assertEquals(42, out.last().length() - 4);
        assertEquals(ArpResponder.FOREIGN_VLAN, responder.onFrame(0, frame, 0, length, 0, out));
    }

    @Test
    void malformedAndForeignFramesAreCountedByReasonWithoutAReply() {
        int length = arp(EthernetFlyweight.BROADCAST_MAC, ArpFlyweight.OP_REQUEST, CLIENT_MAC, CLIENT, 0, VIP);
        assertEquals(ArpResponder.TOO_SHORT, responder.onFrame(0, frame, 0, 41, 0, out));
        assertEquals(ArpResponder.TOO_SHORT, responder.onFrame(0, frame, 0, 3, 0, out));
        assertEquals(ArpResponder.BAD_PORT, responder.onFrame(7, frame, 0, length, 0, out));
        frame.putShort(EthernetFlyweight.HEADER_LENGTH + ArpFlyweight.OP_OFFSET, (short) 3, java.nio.ByteOrder.BIG_ENDIAN);
        assertEquals(ArpResponder.UNKNOWN_OP, responder.onFrame(0, frame, 0, length, 0, out));
        frame.putByte(EthernetFlyweight.HEADER_LENGTH + ArpFlyweight.HLEN_OFFSET, (byte) 8);
        assertEquals(ArpResponder.NOT_ETHERNET_IPV4, responder.onFrame(0, frame, 0, length, 0, out));
        length = arp(EthernetFlyweight.BROADCAST_MAC, ArpFlyweight.OP_REQUEST, EthernetFlyweight.BROADCAST_MAC, CLIENT, 0, VIP);
        assertEquals(ArpResponder.BAD_SENDER, responder.onFrame(0, frame, 0, length, 0, out));
        length = arp(EthernetFlyweight.BROADCAST_MAC, ArpFlyweight.OP_REQUEST, CLIENT_MAC, CLIENT, 0,
                InetAddresses.parseIpv4("224.0.0.18"));
        assertEquals(ArpResponder.BAD_TARGET, responder.onFrame(0, frame, 0, length, 0, out));
        length = arp(EthernetFlyweight.BROADCAST_MAC, ArpFlyweight.OP_REQUEST, LAN.mac(), VIP, 0, VIP);
        assertEquals(ArpResponder.OWN_FRAME, responder.onFrame(0, frame, 0, length, 0, out));
        length = new FrameBuilder().ethernet(LAN.mac(), CLIENT_MAC).ipv4(CLIENT, VIP, 17, 64, 1, false).udp(1, 2)
                .build(frame, 0);
        assertEquals(ArpResponder.NOT_ARP, responder.onFrame(0, frame, 0, length, 0, out));
        assertEquals(0, out.size());
        assertEquals(0, table.size());
        assertEquals(2, responder.count(ArpResponder.TOO_SHORT));
        assertEquals("not-ethernet-ipv4", ArpResponder.reasonName(ArpResponder.NOT_ETHERNET_IPV4));
    }

    private int arp(long dstMac, int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        return new FrameBuilder().ethernet(dstMac, senderMac).arp(op, senderMac, senderIp, targetMac, targetIp)
                .build(frame, 0);
    }
}
