package org.actorvs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
import org.junit.jupiter.api.io.TempDir;

class NdpResponderTest {
    static final long PREFIX = 0xFD00_0077_0000_0000L;
    static final Port LAN = new Port(0, "lan0", MacAddress.parse("02:00:00:00:00:01"), 0, PREFIX, 1, 1500, -1);
    static final long VIP = 0x100;
    static final long CLIENT = 0x2;
    static final long CLIENT_MAC = MacAddress.parse("02:00:00:00:00:50");
    /** The client's side of the wire, to write its frames with the director's own writer. */
    static final Port CLIENT_PORT = new Port(0, "client", CLIENT_MAC, 0, PREFIX, CLIENT, 1500, -1);
    private static final int L4 = EthernetFlyweight.HEADER_LENGTH + Ipv6Flyweight.HEADER_LENGTH;

    private final NeighbourTable table = new NeighbourTable(List.of(LAN), NeighbourTable.Params.kernelDefaults());
    private final NdpResponder responder = new NdpResponder(List.of(LAN), table);
    private final NdpFrames frames = new NdpFrames();
    private final SentFrames out = new SentFrames();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[NdpFrames.MAX_LENGTH + 16]);

    NdpResponderTest() {
        responder.ownedAddresses(OwnedAddresses.builder().add(0, 6, PREFIX, VIP).build());
    }

    @Test
    void solicitationForAnOwnedAddressIsAnsweredSolicitedAndOverridingAndTheSolicitorLearnt() {
        final int length = solicitation(CLIENT, NdpFlyweight.SOLICITED_NODE_HI, NdpFlyweight.solicitedNodeLo(VIP), VIP);
        assertEquals(NdpResponder.ANSWERED, responder.onFrame(0, frame, 0, length, 0, out));
        final UnsafeBuffer na = out.last().frame();
        assertEquals(CLIENT_MAC, EthernetFlyweight.dstMac(na, 0));
        assertEquals(LAN.mac(), EthernetFlyweight.srcMac(na, 0));
        final Ipv6Flyweight ip = new Ipv6Flyweight().wrap(na, EthernetFlyweight.HEADER_LENGTH);
        assertEquals(VIP, ip.srcLo(), "from the target itself");
        assertEquals(CLIENT, ip.dstLo());
        assertEquals(NdpFlyweight.HOP_LIMIT, ip.hopLimit());
        final NdpFlyweight ndp = new NdpFlyweight().wrap(na, L4);
        assertEquals(IcmpFlyweight.V6_NEIGHBOR_ADVERTISEMENT, ndp.type());
        assertEquals(NdpFlyweight.FLAG_SOLICITED | NdpFlyweight.FLAG_OVERRIDE, ndp.flags());
        assertEquals(VIP, ndp.targetLo());
        assertEquals(LAN.mac(), NdpFlyweight.linkLayerAddress(na, L4, ip.payloadLength(),
                NdpFlyweight.OPTION_TARGET_LINK_LAYER));
        assertTrue(Checksum.isL4Valid6(na, L4, ip.payloadLength(), ip.srcHi(), ip.srcLo(), ip.dstHi(), ip.dstLo(),
                IpProtocol.ICMPV6));
        assertEquals(State.STALE, table.state(6, PREFIX, CLIENT));
        assertEquals(CLIENT_MAC, table.mac(6, PREFIX, CLIENT));
    }

    @Test
    void solicitationForAnAddressNotOwnedIsNotAnsweredNorLearnt() {
        final int length = solicitation(CLIENT, PREFIX, VIP + 1, VIP + 1);
        assertEquals(NdpResponder.NOT_FOR_US, responder.onFrame(0, frame, 0, length, 0, out));
        assertEquals(0, out.size());
        assertEquals(State.NONE, table.state(6, PREFIX, CLIENT));
    }

    @Test
    void duplicateAddressProbeIsAnsweredToAllNodesWithoutLearning() {
        int length = solicitation(CLIENT, NdpFlyweight.SOLICITED_NODE_HI, NdpFlyweight.solicitedNodeLo(VIP), VIP);
        length = dropOptionFromUnspecifiedSource(length);
        assertEquals(NdpResponder.ANSWERED_DAD, responder.onFrame(0, frame, 0, length, 0, out));
        final UnsafeBuffer na = out.last().frame();
        assertEquals(MacAddress.parse("33:33:00:00:00:01"), EthernetFlyweight.dstMac(na, 0));
        final Ipv6Flyweight ip = new Ipv6Flyweight().wrap(na, EthernetFlyweight.HEADER_LENGTH);
        assertEquals(NdpFlyweight.ALL_NODES_HI, ip.dstHi());
        assertEquals(NdpFlyweight.ALL_NODES_LO, ip.dstLo());
        assertEquals(NdpFlyweight.FLAG_OVERRIDE, new NdpFlyweight().wrap(na, L4).flags());
        assertEquals(0, table.size());
    }

    @Test
    void duplicateAddressProbeWithASourceLinkLayerOptionIsDropped() {
        final int length = solicitation(CLIENT, NdpFlyweight.SOLICITED_NODE_HI, NdpFlyweight.solicitedNodeLo(VIP), VIP);
        Ipv6Flyweight.src(frame, EthernetFlyweight.HEADER_LENGTH, 0, 0);
        fixChecksum();
        assertEquals(NdpResponder.BAD_DAD, responder.onFrame(0, frame, 0, length, 0, out));
        assertEquals(0, out.size());
    }

    @Test
    void hopLimitBelow255IsDropped() {
        final int length = solicitation(CLIENT, PREFIX, VIP, VIP);
        Ipv6Flyweight.hopLimit(frame, EthernetFlyweight.HEADER_LENGTH, 254);
        assertEquals(NdpResponder.BAD_HOP_LIMIT, responder.onFrame(0, frame, 0, length, 0, out));
        assertEquals(0, out.size());
    }

    @Test
    void multicastSourceIsDroppedUnanswered() {
        final int length = solicitation(CLIENT, PREFIX, VIP, VIP);
        Ipv6Flyweight.src(frame, EthernetFlyweight.HEADER_LENGTH, NdpFlyweight.ALL_NODES_HI, NdpFlyweight.ALL_NODES_LO);
        fixChecksum();
        assertEquals(NdpResponder.BAD_SOURCE, responder.onFrame(0, frame, 0, length, 0, out));
        assertEquals(0, out.size());
    }

    @Test
    void wrongChecksumIsDropped() {
        final int length = solicitation(CLIENT, PREFIX, VIP, VIP);
        frame.putByte(L4 + IcmpFlyweight.CHECKSUM_OFFSET, (byte) ~frame.getByte(L4 + IcmpFlyweight.CHECKSUM_OFFSET));
        assertEquals(NdpResponder.BAD_CHECKSUM, responder.onFrame(0, frame, 0, length, 0, out));
        assertEquals(1, responder.count(NdpResponder.BAD_CHECKSUM));
    }

    @Test
    void nonZeroCodeIsDropped() {
        final int length = solicitation(CLIENT, PREFIX, VIP, VIP);
        frame.putByte(L4 + IcmpFlyweight.CODE_OFFSET, (byte) 1);
        fixChecksum();
        assertEquals(NdpResponder.BAD_CODE, responder.onFrame(0, frame, 0, length, 0, out));
    }

    @Test
    void multicastTargetIsDropped() {
        final int length = solicitation(CLIENT, PREFIX, VIP, VIP);
        frame.putLong(L4 + NdpFlyweight.TARGET_OFFSET, NdpFlyweight.ALL_NODES_HI, java.nio.ByteOrder.BIG_ENDIAN);
        fixChecksum();
        assertEquals(NdpResponder.BAD_TARGET, responder.onFrame(0, frame, 0, length, 0, out));
    }

    @Test
    void optionOfLengthZeroIsDroppedWithoutException() {
        final int length = solicitation(CLIENT, PREFIX, VIP, VIP);
        frame.putByte(L4 + NdpFlyweight.OPTIONS_OFFSET + NdpFlyweight.OPTION_LENGTH_OFFSET, (byte) 0);
        fixChecksum();
        assertEquals(NdpResponder.BAD_OPTIONS, responder.onFrame(0, frame, 0, length, 0, out));
    }

    @Test
    void payloadLongerThanTheFrameIsTooShort() {
        final int length = solicitation(CLIENT, PREFIX, VIP, VIP);
        assertEquals(NdpResponder.TOO_SHORT, responder.onFrame(0, frame, 0, length - 1, 0, out));
        assertEquals(NdpResponder.TOO_SHORT, responder.onFrame(0, frame, 0, 20, 0, out));
    }

    @Test
    void solicitedAdvertisementCompletesAResolutionAsReachable() {
        table.resolutionNeeded(6, PREFIX, CLIENT, 0);
        table.tick(0, out);
        assertEquals(State.INCOMPLETE, table.state(6, PREFIX, CLIENT));
        final int length = advertisement(LAN.ipv6Lo(), NdpFlyweight.FLAG_SOLICITED | NdpFlyweight.FLAG_OVERRIDE);
        assertEquals(NdpResponder.LEARNED, responder.onFrame(0, frame, 0, length, 1, out));
        assertEquals(State.REACHABLE, table.state(6, PREFIX, CLIENT));
        assertEquals(CLIENT_MAC, table.mac(6, PREFIX, CLIENT));
    }

    @Test
    void advertisementForAnUnknownNeighbourCreatesNothing() {
        final int length = advertisement(LAN.ipv6Lo(), NdpFlyweight.FLAG_SOLICITED | NdpFlyweight.FLAG_OVERRIDE);
        assertEquals(NdpResponder.NOT_FOR_US, responder.onFrame(0, frame, 0, length, 0, out));
        assertEquals(0, table.size());
    }

    @Test
    void solicitedAdvertisementToAMulticastAddressIsDropped() {
        table.resolutionNeeded(6, PREFIX, CLIENT, 0);
        table.tick(0, out);
        final int length = advertisement(NdpFlyweight.ALL_NODES_LO, NdpFlyweight.FLAG_SOLICITED);
        Ipv6Flyweight.dst(frame, EthernetFlyweight.HEADER_LENGTH, NdpFlyweight.ALL_NODES_HI, NdpFlyweight.ALL_NODES_LO);
        fixChecksum();
        assertEquals(NdpResponder.MULTICAST_SOLICITED, responder.onFrame(0, frame, 0, length, 0, out));
        assertEquals(State.INCOMPLETE, table.state(6, PREFIX, CLIENT));
    }

    @Test
    void advertisementOfAnOwnedAddressIsAConflict() {
        final int length = frames.write(frame, 0, CLIENT_PORT, LAN.mac(), PREFIX, CLIENT, PREFIX, LAN.ipv6Lo(),
                IcmpFlyweight.V6_NEIGHBOR_ADVERTISEMENT, NdpFlyweight.FLAG_OVERRIDE, PREFIX, VIP,
                NdpFlyweight.OPTION_TARGET_LINK_LAYER);
        assertEquals(NdpResponder.ADDRESS_CONFLICT, responder.onFrame(0, frame, 0, length, 0, out));
    }

    @Test
    void answerDecodesInTsharkWithAGoodChecksumAndFlags(@TempDir Path dir) throws Exception {
        final int length = solicitation(CLIENT, NdpFlyweight.SOLICITED_NODE_HI, NdpFlyweight.solicitedNodeLo(VIP), VIP);
        responder.onFrame(0, frame, 0, length, 0, out);
        final Path file = dir.resolve("na.pcap");
        try (PcapFileWriter writer = new PcapFileWriter(file)) {
            writer.write(0, frame, 0, length);
            writer.write(1, out.last().frame(), 0, out.last().length());
        }
        assertTrue(Files.size(file) > 0);
        final String fields = Tshark.fields(file, "icmpv6.type", "icmpv6.checksum.status", "ipv6.hlim",
                "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o", "icmpv6.opt.linkaddr");
        final String[] lines = fields.strip().split("\n");
        assertEquals("135\t1\t255\t\t\t" + MacAddress.format(CLIENT_MAC), lines[0].strip());
        assertEquals("136\t1\t255\t1\t1\t" + MacAddress.format(LAN.mac()), lines[1].strip());
    }

    /** The client's solicitation for {@code targetLo}, with its source link-layer option. */
    private int solicitation(long srcLo, long dstHi, long dstLo, long targetLo) {
        final long dstMac = NdpFlyweight.isMulticast(dstHi) ? NdpFlyweight.multicastMac(dstLo) : LAN.mac();
        return frames.write(frame, 0, CLIENT_PORT, dstMac, PREFIX, srcLo, dstHi, dstLo,
                IcmpFlyweight.V6_NEIGHBOR_SOLICITATION, 0, PREFIX, targetLo, NdpFlyweight.OPTION_SOURCE_LINK_LAYER);
    }

    /** The client's advertisement of its own address to {@code dstLo} in the prefix, with its MAC. */
    private int advertisement(long dstLo, int flags) {
        return frames.write(frame, 0, CLIENT_PORT, LAN.mac(), PREFIX, CLIENT, PREFIX, dstLo,
                IcmpFlyweight.V6_NEIGHBOR_ADVERTISEMENT, flags, PREFIX, CLIENT, NdpFlyweight.OPTION_TARGET_LINK_LAYER);
    }

    /** A DAD probe: from ::, without the option (RFC 4861 7.1.1). */
    private int dropOptionFromUnspecifiedSource(int length) {
        Ipv6Flyweight.src(frame, EthernetFlyweight.HEADER_LENGTH, 0, 0);
        new Ipv6Flyweight().wrap(frame, EthernetFlyweight.HEADER_LENGTH).payloadLength(NdpFlyweight.HEADER_LENGTH);
        fixChecksum();
        return length - NdpFlyweight.LINK_LAYER_OPTION_LENGTH;
    }

    private void fixChecksum() {
        final Ipv6Flyweight ip = new Ipv6Flyweight().wrap(frame, EthernetFlyweight.HEADER_LENGTH);
        new NdpFlyweight().wrap(frame, L4).checksum(Checksum.l4Checksum6(frame, L4, ip.payloadLength(), ip.srcHi(),
                ip.srcLo(), ip.dstHi(), ip.dstLo(), IpProtocol.ICMPV6));
    }
}
