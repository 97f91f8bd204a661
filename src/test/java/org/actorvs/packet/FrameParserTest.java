package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class FrameParserTest {
    private final FrameParser parser = new FrameParser(true);
    private final FrameParser lenient = new FrameParser(false);
    private final ParsedFrame f = new ParsedFrame();

    private DropReason parse(byte[] frame) {
        return DropReason.of(parser.parse(new UnsafeBuffer(frame), 0, frame.length, f));
    }

    private DropReason parse(String hex) {
        return parse(Frames.bytes(hex));
    }

    @Test
    void parsesACapturedTcpSynOverIpv4() {
        assertEquals(DropReason.OK, parse(Frames.TCP_SYN));
        assertEquals(-1, f.vlanTci);
        assertEquals(EthernetFlyweight.ETHER_TYPE_IPV4, f.etherType);
        assertEquals(4, f.ipVersion);
        assertEquals(14, f.l3Offset);
        assertEquals(20, f.l3HeaderLength);
        assertEquals(74, f.l3End);
        assertEquals(64, f.ttl);
        assertEquals(IpProtocol.TCP, f.protocol);
        assertEquals(0xc0a8010a, f.src4);
        assertEquals(0x5db8d822, f.dst4);
        assertEquals(0L, f.srcHi);
        assertEquals(0xc0a8010aL, f.srcLo);
        assertEquals(0x5db8d822L, f.dstLo);
        assertFalse(f.fragment);
        assertTrue(f.firstFragment);
        assertEquals(0x1c46, f.fragmentId);
        assertEquals(34, f.l4Offset);
        assertEquals(40, f.l4Length);
        assertEquals(54321, f.srcPort);
        assertEquals(80, f.dstPort);
        assertEquals(TcpFlyweight.SYN, f.tcpFlags);
        assertEquals(0x2a3b4c5d, f.tcpSeq);
        assertEquals(0, f.tcpAck);
        assertEquals(40, f.tcpHeaderLength);
        assertEquals(74, f.payloadOffset);
        assertEquals(0, f.payloadLength);
    }

    @Test
    void parsesAnEightOhTwoDotOneQTaggedUdpQuery() {
        assertEquals(DropReason.OK, parse(Frames.UDP_VLAN));
        assertEquals(0x6064, f.vlanTci);
        assertEquals(EthernetFlyweight.ETHER_TYPE_IPV4, f.etherType);
        assertEquals(18, f.l3Offset);
        assertEquals(IpProtocol.UDP, f.protocol);
        assertEquals(57765, f.srcPort);
        assertEquals(53, f.dstPort);
        assertEquals(46, f.payloadOffset);
        assertEquals(29, f.payloadLength);
        assertEquals(75, f.l3End);
    }

    @Test
    void putsTheIcmpEchoIdInBothPorts() {
        assertEquals(DropReason.OK, parse(Frames.ICMP_ECHO));
        assertEquals(IpProtocol.ICMP, f.protocol);
        assertEquals(IcmpFlyweight.V4_ECHO_REQUEST, f.icmpType);
        assertEquals(0x1234, f.srcPort);
        assertEquals(0x1234, f.dstPort);
        assertEquals(42, f.payloadOffset);
        assertEquals(16, f.payloadLength);
    }

    @Test
    void parsesAnIcmpv6ErrorWithNoPorts() {
        assertEquals(DropReason.OK, parse(Frames.ICMP6_PACKET_TOO_BIG));
        assertEquals(6, f.ipVersion);
        assertEquals(IpProtocol.ICMPV6, f.protocol);
        assertEquals(IcmpFlyweight.V6_PACKET_TOO_BIG, f.icmpType);
        assertEquals(0, f.srcPort);
        assertEquals(62, f.payloadOffset);
        assertEquals(40, f.payloadLength);
    }

    @Test
    void parsesAPaddedArpRequestAsIpVersionZero() {
        assertEquals(DropReason.OK, parse(Frames.ARP_REQUEST));
        assertEquals(0, f.ipVersion);
        assertEquals(EthernetFlyweight.ETHER_TYPE_ARP, f.etherType);
        assertEquals(ArpFlyweight.OP_REQUEST, f.arpOp);
        assertEquals(Frames.IP_A, f.src4);
        assertEquals(Frames.IP_B, f.dst4);
        assertEquals(42, f.l3End);
    }

    @Test
    void parsesAnIpv6TcpSynAckWithTheAddressConvention() {
        assertEquals(DropReason.OK, parse(Frames.TCP6_SYN_ACK));
        assertEquals(6, f.ipVersion);
        assertEquals(0x0b, f.tos);
        assertEquals(Frames.DOC_HI, f.srcHi);
        assertEquals(1L, f.srcLo);
        assertEquals(2L, f.dstLo);
        assertEquals(40, f.l3HeaderLength);
        assertEquals(TcpFlyweight.SYN | TcpFlyweight.ACK, f.tcpFlags);
        assertEquals(0x2a3b4c5e, f.tcpAck);
    }

    @Test
    void excludesEthernetPaddingFromTheDatagram() {
        final byte[] frame = Frames.validFrames().get("udp4 small padded");
        assertEquals(60, frame.length);
        assertEquals(DropReason.OK, parse(frame));
        assertEquals(14 + 20 + 8 + 3, f.l3End);
        assertEquals(3, f.payloadLength);
    }

    @Test
    void skipsIpv4OptionsByTheHeaderLength() {
        final byte[] frame = Frames.validFrames().get("tcp4 options vlan");
        assertEquals(DropReason.OK, parse(frame));
        assertEquals(24, f.l3HeaderLength);
        assertEquals(18 + 24, f.l4Offset);
        assertEquals(32, f.tcpHeaderLength);
        assertEquals(40000, f.srcPort);
        assertEquals(100, f.payloadLength);
    }

    @Test
    void refusesIpv4OptionsThatRunPastTheHeader() {
        final byte[] frame = Frames.built(new FrameBuilder().ethernet(1, 2).ipv4(Frames.IP_A, Frames.IP_B, IpProtocol.UDP, 64, 1, true)
                .ipv4Options(new byte[] {1, (byte) 0x83, 7, 4}).udp(1, 2));
        assertEquals(DropReason.BAD_IP_OPTIONS, parse(frame));
    }

    @Test
    void readsTheL4HeaderOfAnIpv4FirstFragmentWithoutCheckingItsChecksum() {
        final byte[] frame = Frames.validFrames().get("ipv4 first fragment");
        frame[frame.length - 1] ^= 0x55;
        assertEquals(DropReason.OK, parse(frame));
        assertTrue(f.fragment);
        assertTrue(f.firstFragment);
        assertTrue(f.moreFragments);
        assertEquals(9, f.fragmentId);
        assertEquals(1000, f.srcPort);
        assertEquals(48, f.payloadLength);
    }

    @Test
    void pointsALaterIpv4FragmentAtItsDataWithNoPorts() {
        assertEquals(DropReason.OK, parse(Frames.validFrames().get("ipv4 later fragment")));
        assertTrue(f.fragment);
        assertFalse(f.firstFragment);
        assertFalse(f.moreFragments);
        assertEquals(56, f.fragmentOffset);
        assertEquals(IpProtocol.UDP, f.protocol);
        assertEquals(34, f.l4Offset);
        assertEquals(40, f.l4Length);
        assertEquals(0, f.srcPort);
        assertEquals(34, f.payloadOffset);
        assertEquals(40, f.payloadLength);
    }

    @Test
    void skipsHopByHopRoutingAndDestinationOptionsToTheTcpHeader() {
        assertEquals(DropReason.OK, parse(Frames.validFrames().get("ipv6 ext headers tcp")));
        assertEquals(7, f.vlanTci);
        assertEquals(40 + 8 + 16 + 24 + 8, f.l3HeaderLength);
        assertEquals(IpProtocol.TCP, f.protocol);
        assertEquals(f.l3Offset + f.l3HeaderLength, f.l4Offset);
        assertEquals(33000, f.srcPort);
        assertEquals(30, f.payloadLength);
        assertFalse(f.fragment);
    }

    @Test
    void skipsAnAuthenticationHeaderInItsFourByteUnits() {
        assertEquals(DropReason.OK, parse(Frames.validFrames().get("ipv6 ah udp")));
        assertEquals(40 + 12, f.l3HeaderLength);
        assertEquals(IpProtocol.UDP, f.protocol);
        assertEquals(53, f.dstPort);
    }

    @Test
    void recognisesAnIpv6FirstFragmentAndReadsItsL4Header() {
        assertEquals(DropReason.OK, parse(Frames.validFrames().get("ipv6 first fragment")));
        assertTrue(f.fragment);
        assertTrue(f.firstFragment);
        assertTrue(f.moreFragments);
        assertEquals(0xCAFEBABE, f.fragmentId);
        assertEquals(40 + 8 + 8, f.l3HeaderLength);
        assertEquals(IpProtocol.UDP, f.protocol);
        assertEquals(4000, f.srcPort);
    }

    @Test
    void stopsAtALaterIpv6FragmentsHeaderAndTakesItsNextHeader() {
        assertEquals(DropReason.OK, parse(Frames.validFrames().get("ipv6 later fragment")));
        assertTrue(f.fragment);
        assertFalse(f.firstFragment);
        assertEquals(72, f.fragmentOffset);
        assertEquals(IpProtocol.UDP, f.protocol);
        assertEquals(48, f.l3HeaderLength);
        assertEquals(33, f.l4Length);
        assertEquals(0, f.srcPort);
    }

    @Test
    void verifiesTheChecksumOfAnAtomicIpv6Fragment() {
        final byte[] frame = Frames.built(new FrameBuilder().ethernet(1, 2)
                .ipv6(Frames.DOC_HI, 1, Frames.DOC_HI, 2, IpProtocol.TCP, 64).ipv6Fragment(0, false, 5)
                .tcp(1, 2, 3, 4, TcpFlyweight.ACK, 5).payload(Frames.payload(10, 1)));
        assertEquals(DropReason.OK, parse(frame));
        assertTrue(f.fragment);
        assertTrue(f.isWholeDatagram());
        frame[frame.length - 1] ^= 1;
        assertEquals(DropReason.BAD_L4_CHECKSUM, parse(frame));
    }

    @Test
    void passesOtherProtocolsWithTheProtocolSetAndNoPorts() {
        assertEquals(DropReason.OK, parse(Frames.validFrames().get("gre4 passthrough")));
        assertEquals(IpProtocol.GRE, f.protocol);
        assertEquals(0, f.srcPort);
        assertEquals(0, f.dstPort);
        assertEquals(24, f.payloadLength);
    }

    @Test
    void truncationAtEveryByteOfEveryValidFrameIsTruncated() {
        for (Map.Entry<String, byte[]> entry : Frames.validFrames().entrySet()) {
            final byte[] frame = entry.getValue();
            assertEquals(DropReason.OK, parse(frame), entry.getKey());
            final int datagramEnd = f.l3End;
            for (int length = 0; length < frame.length; length++) {
                final DropReason reason = parse(Arrays.copyOf(frame, length));
                final DropReason expected = length >= datagramEnd ? DropReason.OK : DropReason.TRUNCATED;
                assertEquals(expected, reason, entry.getKey() + " cut to " + length);
            }
        }
    }

    @Test
    void validFramesParseAtAnyOffsetOfALargerBuffer() {
        for (Map.Entry<String, byte[]> entry : Frames.validFrames().entrySet()) {
            final byte[] frame = entry.getValue();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[frame.length + 200]);
            buffer.setMemory(0, buffer.capacity(), (byte) 0xA5);
            buffer.putBytes(77, frame);
            assertEquals(0, parser.parse(buffer, 77, frame.length, f), entry.getKey());
            assertEquals(77, f.frameOffset);
            assertTrue(f.l3Offset >= 77 + 14 && f.l3End <= 77 + frame.length, entry.getKey());
        }
    }

    @Test
    void aBadIpv4HeaderChecksumIsDroppedOnlyWhenVerifying() {
        final byte[] frame = poked(Frames.TCP_SYN, 24, 0x26 ^ 0x01);
        assertEquals(DropReason.BAD_IPV4_CHECKSUM, parse(frame));
        assertEquals(0, lenient.parse(new UnsafeBuffer(frame), 0, frame.length, f));
    }

    @Test
    void aBadTcpChecksumIsDropped() {
        assertEquals(DropReason.BAD_L4_CHECKSUM, parse(poked(Frames.TCP_SYN, 73, 0x06)));
    }

    @Test
    void aZeroUdpChecksumIsAcceptedOverIpv4AndDroppedOverIpv6() {
        assertEquals(DropReason.OK, parse(poked(Frames.UDP_VLAN, 44, 0, 45, 0)));
        final byte[] v6 = Frames.built(new FrameBuilder().ethernet(1, 2)
                .ipv6(Frames.DOC_HI, 1, Frames.DOC_HI, 2, IpProtocol.UDP, 64).udp(7, 9));
        v6[54 + 6] = 0;
        v6[54 + 7] = 0;
        assertEquals(DropReason.BAD_L4_CHECKSUM, parse(v6));
    }

    @Test
    void dropsUnsupportedEtherTypesAndASecondVlanTag() {
        assertEquals(DropReason.BAD_ETHERTYPE, parse(poked(Frames.TCP_SYN, 12, 0x81, 13, 0x37)), "IPX");
        assertEquals(DropReason.BAD_ETHERTYPE, parse(poked(Frames.UDP_VLAN, 16, 0x81, 17, 0x00)), "QinQ");
        assertEquals(DropReason.BAD_ETHERTYPE, parse(poked(Frames.TCP_SYN, 12, 0x00, 13, 0x3c)), "802.3 length");
    }

    @Test
    void dropsAnIpVersionThatDisagreesWithTheEtherType() {
        assertEquals(DropReason.BAD_IP_VERSION, parse(poked(Frames.TCP_SYN, 14, 0x65)));
        assertEquals(DropReason.BAD_IP_VERSION, parse(poked(Frames.TCP6_SYN_ACK, 14, 0x40)));
    }

    @Test
    void dropsAnIhlBelowFiveWords() {
        assertEquals(DropReason.BAD_IP_HEADER_LENGTH, parse(poked(Frames.TCP_SYN, 14, 0x44)));
    }

    @Test
    void dropsATotalLengthShorterThanTheHeaderAndTruncatesALongerOne() {
        assertEquals(DropReason.BAD_IP_TOTAL_LENGTH, lenientParse(poked(Frames.TCP_SYN, 16, 0, 17, 19)));
        assertEquals(DropReason.TRUNCATED, lenientParse(poked(Frames.TCP_SYN, 16, 0, 17, 61)));
    }

    @Test
    void dropsATcpDataOffsetOutsideTheSegment() {
        assertEquals(DropReason.BAD_L4_HEADER, lenientParse(poked(Frames.TCP_SYN, 34 + 12, 0xb0)), "44 > 40 bytes");
        assertEquals(DropReason.BAD_L4_HEADER, lenientParse(poked(Frames.TCP_SYN, 34 + 12, 0x40)), "16 < 20 bytes");
    }

    @Test
    void dropsAUdpLengthThatLies() {
        assertEquals(DropReason.BAD_L4_HEADER, lenientParse(poked(Frames.UDP_VLAN, 38 + 5, 38)), "past the datagram");
        assertEquals(DropReason.BAD_L4_HEADER, lenientParse(poked(Frames.UDP_VLAN, 38 + 5, 7)), "shorter than its header");
    }

    @Test
    void trimsTheUdpPayloadToTheUdpLength() {
        assertEquals(DropReason.OK, lenientParse(poked(Frames.UDP_VLAN, 38 + 5, 20)));
        assertEquals(12, f.payloadLength);
    }

    @Test
    void dropsATcpSegmentTooShortForItsHeader() {
        final byte[] frame = Frames.built(new FrameBuilder().ethernet(1, 2)
                .ipv4(Frames.IP_A, Frames.IP_B, IpProtocol.TCP, 64, 1, true).payload(new byte[19]));
        assertEquals(DropReason.BAD_L4_HEADER, parse(frame));
    }

    @Test
    void dropsHopByHopAnywhereButFirst() {
        final byte[] frame = Frames.built(new FrameBuilder().ethernet(1, 2)
                .ipv6(Frames.DOC_HI, 1, Frames.DOC_HI, 2, IpProtocol.UDP, 64)
                .ipv6ExtensionHeader(IpProtocol.DSTOPTS, new byte[6])
                .ipv6ExtensionHeader(IpProtocol.HOPOPTS, new byte[6]).udp(1, 2));
        assertEquals(DropReason.BAD_EXTENSION_HEADER, parse(frame));
    }

    @Test
    void dropsAnExtensionHeaderRunningPastThePayload() {
        final byte[] frame = Frames.built(new FrameBuilder().ethernet(1, 2)
                .ipv6(Frames.DOC_HI, 1, Frames.DOC_HI, 2, IpProtocol.UDP, 64)
                .ipv6ExtensionHeader(IpProtocol.ROUTING, new byte[6]).udp(1, 2));
        frame[54 + 1] = 2;
        assertEquals(DropReason.BAD_EXTENSION_HEADER, parse(frame));
    }

    @Test
    void dropsASecondFragmentHeader() {
        final byte[] frame = Frames.built(new FrameBuilder().ethernet(1, 2)
                .ipv6(Frames.DOC_HI, 1, Frames.DOC_HI, 2, IpProtocol.UDP, 64)
                .ipv6Fragment(0, true, 1).ipv6Fragment(0, true, 1).udp(1, 2));
        assertEquals(DropReason.BAD_EXTENSION_HEADER, parse(frame));
    }

    @Test
    void dropsMoreThanTheMaximumNumberOfExtensionHeaders() {
        final FrameBuilder builder = new FrameBuilder().ethernet(1, 2)
                .ipv6(Frames.DOC_HI, 1, Frames.DOC_HI, 2, IpProtocol.UDP, 64);
        for (int i = 0; i < FrameParser.MAX_EXTENSION_HEADERS; i++) {
            builder.ipv6ExtensionHeader(IpProtocol.DSTOPTS, new byte[6]);
        }
        assertEquals(DropReason.OK, parse(Frames.built(builder.udp(1, 2))));
        builder.ipv6ExtensionHeader(IpProtocol.DSTOPTS, new byte[6]);
        assertEquals(DropReason.TOO_MANY_EXTENSION_HEADERS, parse(Frames.built(builder)));
    }

    @Test
    void dropsIcmpOfTheOtherFamily() {
        final byte[] v4 = Frames.built(new FrameBuilder().ethernet(1, 2)
                .ipv4(Frames.IP_A, Frames.IP_B, IpProtocol.ICMPV6, 64, 1, true).payload(new byte[8]));
        assertEquals(DropReason.UNSUPPORTED_PROTOCOL, parse(v4));
        final byte[] v6 = Frames.built(new FrameBuilder().ethernet(1, 2)
                .ipv6(Frames.DOC_HI, 1, Frames.DOC_HI, 2, IpProtocol.ICMP, 64).payload(new byte[8]));
        assertEquals(DropReason.UNSUPPORTED_PROTOCOL, parse(v6));
    }

    @Test
    void dropsFragmentsThatWouldReassemblePast65535Bytes() {
        final byte[] v4 = Frames.built(new FrameBuilder().ethernet(1, 2)
                .ipv4(Frames.IP_A, Frames.IP_B, IpProtocol.UDP, 64, 1, false).ipv4Fragment(65528, false)
                .payload(new byte[8]));
        assertEquals(DropReason.BAD_FRAGMENT, parse(v4));
        final byte[] v6 = Frames.built(new FrameBuilder().ethernet(1, 2)
                .ipv6(Frames.DOC_HI, 1, Frames.DOC_HI, 2, IpProtocol.UDP, 64).ipv6Fragment(65528, false, 1)
                .payload(new byte[16]));
        assertEquals(DropReason.BAD_FRAGMENT, parse(v6));
    }

    @Test
    void dropsAnIpv4TcpFragmentAtOffsetEight() {
        final byte[] frame = Frames.built(new FrameBuilder().ethernet(1, 2)
                .ipv4(Frames.IP_A, Frames.IP_B, IpProtocol.TCP, 64, 1, false).ipv4Fragment(8, true)
                .payload(new byte[16]));
        assertEquals(DropReason.BAD_FRAGMENT, parse(frame));
    }

    @Test
    void dropsArpForOtherHardwareAndArpWithWrongAddressLengths() {
        assertEquals(DropReason.UNSUPPORTED_PROTOCOL, parse(poked(Frames.ARP_REQUEST, 15, 6)), "IEEE 802 hardware");
        assertEquals(DropReason.BAD_ARP, parse(poked(Frames.ARP_REQUEST, 18, 8)), "8-byte hardware address");
    }

    @Test
    void reusingTheParsedFrameKeepsNothingFromThePreviousFrame() {
        assertEquals(DropReason.OK, parse(Frames.UDP_VLAN));
        assertEquals(DropReason.OK, parse(Frames.ARP_REQUEST));
        assertEquals(-1, f.vlanTci);
        assertEquals(0, f.srcPort);
        assertEquals(0, f.protocol);
        assertEquals(0, f.ttl);
    }

    @Test
    void aLengthOrOffsetOutsideTheBufferIsTruncatedNotAnException() {
        final UnsafeBuffer buffer = Frames.buffer(Frames.TCP_SYN);
        assertEquals(DropReason.TRUNCATED.code(), parser.parse(buffer, 0, 75, f));
        assertEquals(DropReason.TRUNCATED.code(), parser.parse(buffer, 70, 14, f));
        assertEquals(DropReason.TRUNCATED.code(), parser.parse(buffer, -1, 20, f));
        assertEquals(DropReason.TRUNCATED.code(), parser.parse(buffer, 0, -5, f));
        assertEquals(DropReason.TRUNCATED.code(), parser.parseQuoted(buffer, 0, Integer.MAX_VALUE, 4, f));
    }

    @Test
    void parsesTheTcpHeaderQuotedInAnIcmpError() {
        // RFC 792: the error quotes the IP header and the first 8 bytes of the datagram.
        final byte[] syn = Frames.bytes(Frames.TCP_SYN);
        final UnsafeBuffer quote = new UnsafeBuffer(Arrays.copyOfRange(syn, 14, 14 + 28));
        assertEquals(0, parser.parseQuoted(quote, 0, 28, 4, f));
        assertEquals(IpProtocol.TCP, f.protocol);
        assertEquals(0xc0a8010a, f.src4);
        assertEquals(54321, f.srcPort);
        assertEquals(80, f.dstPort);
        assertEquals(0x2a3b4c5d, f.tcpSeq);
        assertEquals(28, f.l3End);
        assertEquals(8, f.l4Length);
    }

    @Test
    void aQuotedIpv6HeaderWithoutPortsIsTruncatedButKeepsItsAddresses() {
        final UnsafeBuffer frame = Frames.buffer(Frames.ICMP6_PACKET_TOO_BIG);
        assertEquals(DropReason.TRUNCATED.code(), parser.parseQuoted(frame, 62, 40, 6, f));
        assertEquals(IpProtocol.TCP, f.protocol);
        assertEquals(1L, f.srcLo);
        assertEquals(2L, f.dstLo);
        assertEquals(0, f.l4Length);
    }

    @Test
    void parsesTheUdpPortsQuotedInAnIcmpv6Error() {
        final byte[] udp = Frames.validFrames().get("ipv6 ah udp");
        final UnsafeBuffer quote = new UnsafeBuffer(Arrays.copyOfRange(udp, 14, 14 + 40 + 12 + 4));
        assertEquals(0, parser.parseQuoted(quote, 0, quote.capacity(), 6, f));
        assertEquals(IpProtocol.UDP, f.protocol);
        assertEquals(53, f.srcPort);
        assertEquals(53, f.dstPort);
        assertEquals(4, f.l4Length);
    }

    @Test
    void aQuoteCutInsideThePortsIsTruncated() {
        final byte[] syn = Frames.bytes(Frames.TCP_SYN);
        final UnsafeBuffer quote = new UnsafeBuffer(Arrays.copyOfRange(syn, 14, 14 + 23));
        assertEquals(DropReason.TRUNCATED.code(), parser.parseQuoted(quote, 0, 23, 4, f));
        assertEquals(DropReason.TRUNCATED.code(), parser.parseQuoted(quote, 0, 19, 4, f));
    }

    @Test
    void aQuoteOfTheWrongFamilyIsABadVersion() {
        final UnsafeBuffer syn = Frames.buffer(Frames.TCP_SYN);
        assertEquals(DropReason.BAD_IP_VERSION.code(), parser.parseQuoted(syn, 14, 60, 6, f));
        assertEquals(DropReason.BAD_IP_VERSION.code(), parser.parseQuoted(syn, 14, 60, 5, f));
    }

    /** The capture with bytes replaced: index, value, index, value... */
    private static byte[] poked(String hex, int... indexValuePairs) {
        final byte[] frame = Frames.bytes(hex);
        for (int i = 0; i < indexValuePairs.length; i += 2) {
            frame[indexValuePairs[i]] = (byte) indexValuePairs[i + 1];
        }
        return frame;
    }

    private DropReason lenientParse(byte[] frame) {
        return DropReason.of(lenient.parse(new UnsafeBuffer(frame), 0, frame.length, f));
    }
}
