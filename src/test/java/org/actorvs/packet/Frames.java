package org.actorvs.packet;

import java.util.LinkedHashMap;
import java.util.Map;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Hand-built frames, checked with tshark 4 (checksums reported "correct"), and builders of
 * valid frames of every kind the parser knows, shared by the tests.
 */
final class Frames {
    /** Linux-style SYN 192.168.1.10:54321 -> 93.184.216.34:80 with MSS, SACK-permitted, timestamps, WS. */
    static final String TCP_SYN = "5254001234560242ac1100020800"
            + "4500003c1c464000400626e9c0a8010a5db8d822"
            + "d43100502a3b4c5d00000000a002faf0da7e0000020405b40402080a009c2f4d0000000001030307";
    /** DNS query 10.0.0.1:57765 -> 8.8.8.8:53 in VLAN 100, priority 3. */
    static final String UDP_VLAN = "5254001234560242ac110002810060640800"
            + "45000039beef00004011a1b40a00000108080808"
            + "e1a500350025887dabcd01000001000000000000076578616d706c6503636f6d0000010001";
    /** Echo request id 0x1234 seq 1, 16 bytes of data. */
    static final String ICMP_ECHO = "5254001234560242ac1100020800"
            + "4500002c000140004001b774c0a8010ac0a80101"
            + "0800ad8a12340001000102030405060708090a0b0c0d0e0f";
    /** Who has 192.168.1.1? Tell 192.168.1.10; padded to 60 bytes. */
    static final String ARP_REQUEST = "ffffffffffff0242ac1100020806"
            + "00010800060400010242ac110002c0a8010a000000000000c0a80101"
            + "000000000000000000000000000000000000";
    /** SYN-ACK [2001:db8::1]:80 -> [2001:db8::2]:54321, traffic class 0x0b, flow label 0x12345. */
    static final String TCP6_SYN_ACK = "0242ac11000252540012345686dd"
            + "60b123450014064020010db800000000000000000000000120010db8000000000000000000000002"
            + "0050d431112233442a3b4c5e5012711053cc0000";
    /** Packet too big, MTU 1280, from 2001:db8::2 to 2001:db8::1, quoting an IPv6 header. */
    static final String ICMP6_PACKET_TOO_BIG = "0242ac11000252540012345686dd"
            + "6000000000303a4020010db800000000000000000000000220010db8000000000000000000000001"
            + "0200db5600000500"
            + "600000000014064020010db800000000000000000000000120010db8000000000000000000000002";

    static final long MAC_A = 0x5254_0012_3456L;
    static final long MAC_B = 0x0242_ac11_0002L;
    static final int IP_A = 0xc0a8010a;
    static final int IP_B = 0xc0a80101;
    static final long DOC_HI = 0x20010db8_00000000L;

    private Frames() {
    }

    static byte[] bytes(String hex) {
        final byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    static UnsafeBuffer buffer(String hex) {
        return new UnsafeBuffer(bytes(hex));
    }

    static byte[] built(FrameBuilder builder) {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[builder.frameLength()]);
        builder.build(out, 0);
        return out.byteArray();
    }

    static byte[] payload(int length, int seed) {
        final byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (seed + 31 * i);
        }
        return payload;
    }

    /** One valid frame of each kind the parser handles, by name; all parse OK with checksums verified. */
    static Map<String, byte[]> validFrames() {
        final Map<String, byte[]> frames = new LinkedHashMap<>();
        frames.put("tcp syn capture", bytes(TCP_SYN));
        frames.put("udp vlan capture", bytes(UDP_VLAN));
        frames.put("icmp echo capture", bytes(ICMP_ECHO));
        frames.put("arp capture", bytes(ARP_REQUEST));
        frames.put("tcp6 capture", bytes(TCP6_SYN_ACK));
        frames.put("icmp6 capture", bytes(ICMP6_PACKET_TOO_BIG));
        frames.put("tcp4 options vlan", built(new FrameBuilder().ethernet(MAC_A, MAC_B, 0x2005)
                .ipv4(IP_A, IP_B, IpProtocol.TCP, 64, 7, true)
                .ipv4Options(new byte[] {1, 1, 1, 0})
                .tcp(40000, 443, 1, 2, TcpFlyweight.ACK | TcpFlyweight.PSH, 501)
                .tcpOptions(new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2})
                .payload(payload(100, 1))));
        frames.put("udp4 small padded", built(new FrameBuilder().ethernet(MAC_A, MAC_B)
                .ipv4(IP_A, IP_B, IpProtocol.UDP, 64, 8, false).udp(5353, 5353).payload(payload(3, 2)).padTo(60)));
        frames.put("ipv4 first fragment", built(new FrameBuilder().ethernet(MAC_A, MAC_B)
                .ipv4(IP_A, IP_B, IpProtocol.UDP, 64, 9, false).ipv4Fragment(0, true)
                .udp(1000, 2000).payload(payload(48, 3))));
        frames.put("ipv4 later fragment", built(new FrameBuilder().ethernet(MAC_A, MAC_B)
                .ipv4(IP_A, IP_B, IpProtocol.UDP, 64, 9, false).ipv4Fragment(56, false).payload(payload(40, 4))));
        frames.put("ipv6 ext headers tcp", built(new FrameBuilder().ethernet(MAC_A, MAC_B, 7)
                .ipv6(DOC_HI, 1, DOC_HI, 2, IpProtocol.TCP, 64)
                .ipv6ExtensionHeader(IpProtocol.HOPOPTS, new byte[6])
                .ipv6ExtensionHeader(IpProtocol.DSTOPTS, new byte[14])
                .ipv6ExtensionHeader(IpProtocol.ROUTING, new byte[22])
                .ipv6ExtensionHeader(IpProtocol.DSTOPTS, new byte[6])
                .tcp(33000, 80, 5, 6, TcpFlyweight.SYN, 1000).payload(payload(30, 5))));
        frames.put("ipv6 ah udp", built(new FrameBuilder().ethernet(MAC_A, MAC_B)
                .ipv6(DOC_HI, 3, DOC_HI, 4, IpProtocol.UDP, 1)
                .ipv6ExtensionHeader(IpProtocol.AH, new byte[10])
                .udp(53, 53).payload(payload(21, 6))));
        frames.put("ipv6 first fragment", built(new FrameBuilder().ethernet(MAC_A, MAC_B)
                .ipv6(DOC_HI, 1, DOC_HI, 2, IpProtocol.UDP, 64)
                .ipv6ExtensionHeader(IpProtocol.HOPOPTS, new byte[6])
                .ipv6Fragment(0, true, 0xCAFEBABE).udp(4000, 5000).payload(payload(64, 7))));
        frames.put("ipv6 later fragment", built(new FrameBuilder().ethernet(MAC_A, MAC_B)
                .ipv6(DOC_HI, 1, DOC_HI, 2, IpProtocol.UDP, 64)
                .ipv6Fragment(72, false, 0xCAFEBABE).payload(payload(33, 8))));
        frames.put("icmp6 echo", built(new FrameBuilder().ethernet(MAC_A, MAC_B)
                .ipv6(DOC_HI, 5, DOC_HI, 6, IpProtocol.ICMPV6, 255)
                .icmp(IcmpFlyweight.V6_ECHO_REQUEST, 0, 0x00420007).payload(payload(56, 9))));
        frames.put("gre4 passthrough", built(new FrameBuilder().ethernet(MAC_A, MAC_B)
                .ipv4(IP_A, IP_B, IpProtocol.GRE, 64, 10, true).payload(payload(24, 10))));
        return frames;
    }
}
