package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class FrameBuilderTest {
    private static final long V6_HI = Frames.DOC_HI;

    @Test
    void rebuildsTheCapturedTcpSynByteForByte() {
        final byte[] built = Frames.built(new FrameBuilder().ethernet(Frames.MAC_A, Frames.MAC_B)
                .ipv4(0xc0a8010a, 0x5db8d822, IpProtocol.TCP, 64, 0x1c46, true)
                .tcp(54321, 80, 0x2a3b4c5d, 0, TcpFlyweight.SYN, 64240)
                .tcpOptions(Frames.bytes("020405b40402080a009c2f4d0000000001030307")));
        assertArrayEquals(Frames.bytes(Frames.TCP_SYN), built);
    }

    @Test
    void rebuildsTheCapturedVlanUdpQueryByteForByte() {
        final byte[] built = Frames.built(new FrameBuilder().ethernet(Frames.MAC_A, Frames.MAC_B, 0x6064)
                .ipv4(0x0a000001, 0x08080808, IpProtocol.UDP, 64, 0xbeef, false).udp(57765, 53)
                .payload(Frames.bytes("abcd01000001000000000000076578616d706c6503636f6d0000010001")));
        assertArrayEquals(Frames.bytes(Frames.UDP_VLAN), built);
    }

    @Test
    void rebuildsTheCapturedIcmpEchoWithoutAPseudoHeader() {
        final byte[] built = Frames.built(new FrameBuilder().ethernet(Frames.MAC_A, Frames.MAC_B)
                .ipv4(Frames.IP_A, Frames.IP_B, IpProtocol.ICMP, 64, 1, true)
                .icmp(IcmpFlyweight.V4_ECHO_REQUEST, 0, 0x12340001).payload(Frames.bytes("000102030405060708090a0b0c0d0e0f")));
        assertArrayEquals(Frames.bytes(Frames.ICMP_ECHO), built);
    }

    @Test
    void rebuildsTheCapturedArpRequestPaddedToSixtyBytes() {
        final byte[] built = Frames.built(new FrameBuilder().ethernet(EthernetFlyweight.BROADCAST_MAC, Frames.MAC_B)
                .arp(ArpFlyweight.OP_REQUEST, Frames.MAC_B, Frames.IP_A, 0, Frames.IP_B).padTo(EthernetFlyweight.MIN_FRAME_LENGTH));
        assertArrayEquals(Frames.bytes(Frames.ARP_REQUEST), built);
    }

    @Test
    void rebuildsTheCapturedIpv6SynAckWithClassAndFlowLabel() {
        final byte[] built = Frames.built(new FrameBuilder().ethernet(Frames.MAC_B, Frames.MAC_A)
                .ipv6(V6_HI, 1, V6_HI, 2, IpProtocol.TCP, 64).trafficClass(0x0b).flowLabel(0x12345)
                .tcp(80, 54321, 0x11223344, 0x2a3b4c5e, TcpFlyweight.SYN | TcpFlyweight.ACK, 28944));
        assertArrayEquals(Frames.bytes(Frames.TCP6_SYN_ACK), built);
    }

    @Test
    void rebuildsTheCapturedPacketTooBigWithTheV6PseudoHeader() {
        final byte[] quoted = Arrays.copyOfRange(Frames.bytes(Frames.ICMP6_PACKET_TOO_BIG), 62, 102);
        final byte[] built = Frames.built(new FrameBuilder().ethernet(Frames.MAC_B, Frames.MAC_A)
                .ipv6(V6_HI, 2, V6_HI, 1, IpProtocol.ICMPV6, 64)
                .icmp(IcmpFlyweight.V6_PACKET_TOO_BIG, 0, 1280).payload(quoted));
        assertArrayEquals(Frames.bytes(Frames.ICMP6_PACKET_TOO_BIG), built);
    }

    @Test
    void chainsExtensionHeadersAndWritesTheFragmentHeaderFields() {
        final byte[] built = Frames.built(new FrameBuilder()
                .ipv6(V6_HI, 1, V6_HI, 2, IpProtocol.UDP, 64)
                .ipv6ExtensionHeader(IpProtocol.HOPOPTS, new byte[6])
                .ipv6Fragment(1232, true, 0x01020304)
                .payload(new byte[8]));
        assertEquals(IpProtocol.HOPOPTS, built[Ipv6Flyweight.NEXT_HEADER_OFFSET]);
        assertArrayEquals(Frames.bytes("2c00000000000000"), Arrays.copyOfRange(built, 40, 48));
        assertArrayEquals(Frames.bytes("110004d101020304"), Arrays.copyOfRange(built, 48, 56));
        assertEquals(24, Ipv6Flyweight.payloadLength(new UnsafeBuffer(built), 0));
    }

    @Test
    void overwritesStaleBytesInTheTargetBuffer() {
        final FrameBuilder builder = new FrameBuilder().ethernet(Frames.MAC_A, Frames.MAC_B)
                .ipv4(Frames.IP_A, Frames.IP_B, IpProtocol.TCP, 64, 1, false).tcp(1, 2, 3, 4, TcpFlyweight.ACK, 5);
        final UnsafeBuffer dirty = new UnsafeBuffer(new byte[builder.frameLength()]);
        dirty.setMemory(0, dirty.capacity(), (byte) 0xFF);
        builder.build(dirty, 0);
        assertArrayEquals(Frames.built(builder), dirty.byteArray());
    }

    @Test
    void writesAtAnOffsetAndReportsTheLength() {
        final FrameBuilder builder = new FrameBuilder().ethernet(1, 2)
                .ipv4(Frames.IP_A, Frames.IP_B, IpProtocol.UDP, 64, 1, false).udp(1, 2).payload(new byte[5]);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[100]);
        assertEquals(14 + 20 + 8 + 5, builder.build(out, 30));
        assertEquals(0, new FrameParser(true).parse(out, 30, 47, new ParsedFrame()));
        assertEquals(0, out.getByte(29));
    }

    @Test
    void refusesOptionsAndExtensionHeadersOfImpossibleLengths() {
        final FrameBuilder builder = new FrameBuilder();
        assertThrows(IllegalArgumentException.class, () -> builder.ipv4Options(new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> builder.tcpOptions(new byte[44]));
        assertThrows(IllegalArgumentException.class, () -> builder.ipv6ExtensionHeader(IpProtocol.DSTOPTS, new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> builder.ipv6ExtensionHeader(IpProtocol.FRAGMENT, new byte[14]));
        assertThrows(IllegalArgumentException.class, () -> builder.ipv4Fragment(12, true));
    }

    @Test
    void refusesAnL4HeaderWithoutAnIpLayer() {
        final FrameBuilder builder = new FrameBuilder().udp(1, 2);
        assertThrows(IllegalStateException.class, () -> builder.build(new UnsafeBuffer(new byte[64]), 0));
    }
}
