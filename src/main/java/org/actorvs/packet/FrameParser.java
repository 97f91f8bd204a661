package org.actorvs.packet;

import org.agrona.DirectBuffer;

/**
 * Classifies a frame: Ethernet (one optional 802.1Q tag), then ARP, IPv4 or IPv6 (extension
 * headers skipped), then TCP, UDP or ICMP. Returns a {@link DropReason} code, 0 when the frame
 * parsed, and fills a reused {@link ParsedFrame}. It never throws and never reads outside
 * {@code [offset, offset + length)}: every field is read only after the bytes under it were
 * shown to exist, so any byte sequence yields a reason code.
 *
 * <p>Fragments: a first fragment must carry the whole L4 header; a later one parses OK with
 * {@code firstFragment == false} and the L4 area pointing at its data. An IP packet of a
 * protocol other than TCP, UDP and the family's ICMP parses OK with only the protocol set.
 * L4 checksums are verified only when the whole datagram is in the frame.
 */
public final class FrameParser {
    /** Longest IPv6 extension-header chain followed; RFC 8200's recommended order has at most 6. */
    public static final int MAX_EXTENSION_HEADERS = 8;

    private static final int OK = DropReason.OK.code();
    private static final int TRUNCATED = DropReason.TRUNCATED.code();
    private static final int BAD_ETHERTYPE = DropReason.BAD_ETHERTYPE.code();
    private static final int BAD_IP_VERSION = DropReason.BAD_IP_VERSION.code();
    private static final int BAD_IP_HEADER_LENGTH = DropReason.BAD_IP_HEADER_LENGTH.code();
    private static final int BAD_IP_TOTAL_LENGTH = DropReason.BAD_IP_TOTAL_LENGTH.code();
    private static final int BAD_IPV4_CHECKSUM = DropReason.BAD_IPV4_CHECKSUM.code();
    private static final int BAD_L4_HEADER = DropReason.BAD_L4_HEADER.code();
    private static final int BAD_L4_CHECKSUM = DropReason.BAD_L4_CHECKSUM.code();
    private static final int BAD_EXTENSION_HEADER = DropReason.BAD_EXTENSION_HEADER.code();
    private static final int TOO_MANY_EXTENSION_HEADERS = DropReason.TOO_MANY_EXTENSION_HEADERS.code();
    private static final int UNSUPPORTED_PROTOCOL = DropReason.UNSUPPORTED_PROTOCOL.code();
    private static final int BAD_FRAGMENT = DropReason.BAD_FRAGMENT.code();
    private static final int BAD_ARP = DropReason.BAD_ARP.code();
    private static final int BAD_IP_OPTIONS = DropReason.BAD_IP_OPTIONS.code();

    private static final int IPV4_OPTION_END = 0;
    private static final int IPV4_OPTION_NOP = 1;
    /** RFC 1858 section 3.4: a TCP fragment at offset 8 bytes can overwrite the flags. */
    private static final int TINY_FRAGMENT_OFFSET = 8;

    private final boolean verifyChecksums;

    /** @param verifyChecksums drop frames whose IPv4 header or L4 checksum is wrong */
    public FrameParser(boolean verifyChecksums) {
        this.verifyChecksums = verifyChecksums;
    }

    /** Parses the Ethernet frame of {@code length} bytes at {@code offset}; returns a drop reason code. */
    public int parse(DirectBuffer buffer, int offset, int length, ParsedFrame out) {
        out.reset(offset, length);
        if (offset < 0 || length < EthernetFlyweight.HEADER_LENGTH || offset > buffer.capacity() - length) {
            return TRUNCATED;
        }
        final int end = offset + length;
        int etherType = EthernetFlyweight.etherType(buffer, offset);
        int l3 = offset + EthernetFlyweight.HEADER_LENGTH;
        if (etherType == EthernetFlyweight.VLAN_TPID) {
            if (length < EthernetFlyweight.VLAN_HEADER_LENGTH) {
                return TRUNCATED;
            }
            out.vlanTci = Wire.u16(buffer, offset + EthernetFlyweight.VLAN_TCI_OFFSET);
            etherType = Wire.u16(buffer, offset + EthernetFlyweight.VLAN_ETHER_TYPE_OFFSET);
            l3 = offset + EthernetFlyweight.VLAN_HEADER_LENGTH;
        }
        out.etherType = etherType;
        out.l3Offset = l3;
        switch (etherType) {
            case EthernetFlyweight.ETHER_TYPE_IPV4:
                return parseIpv4(buffer, l3, end, out, false);
            case EthernetFlyweight.ETHER_TYPE_IPV6:
                return parseIpv6(buffer, l3, end, out, false);
            case EthernetFlyweight.ETHER_TYPE_ARP:
                return parseArp(buffer, l3, end, out);
            default:
                return BAD_ETHERTYPE;
        }
    }

    /**
     * Parses the IP packet quoted in an ICMP error, as ip_vs_in_icmp() reads it: the header
     * must be complete, but the datagram may be cut short (RFC 792 quotes the header and 8
     * bytes), so {@code l3End} is the end of what is there. No checksum is verified. Of the L4
     * header only what the quote holds is read: TCP/UDP ports (4 bytes), the TCP sequence
     * number when 8 bytes are there, ICMP type, code and echo id (8 bytes); the payload fields
     * then cover the whole quoted L4 area.
     *
     * @param ipVersion the family of the ICMP message: 4 or 6
     */
    public int parseQuoted(DirectBuffer buffer, int offset, int length, int ipVersion, ParsedFrame out) {
        out.reset(offset, length);
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length) {
            return TRUNCATED;
        }
        out.l3Offset = offset;
        if (ipVersion == 4) {
            out.etherType = EthernetFlyweight.ETHER_TYPE_IPV4;
            return parseIpv4(buffer, offset, offset + length, out, true);
        }
        if (ipVersion == 6) {
            out.etherType = EthernetFlyweight.ETHER_TYPE_IPV6;
            return parseIpv6(buffer, offset, offset + length, out, true);
        }
        return BAD_IP_VERSION;
    }

    private int parseIpv4(DirectBuffer b, int l3, int end, ParsedFrame f, boolean quoted) {
        final int available = end - l3;
        if (available < Ipv4Flyweight.MIN_HEADER_LENGTH) {
            return TRUNCATED;
        }
        if (Ipv4Flyweight.version(b, l3) != Ipv4Flyweight.VERSION) {
            return BAD_IP_VERSION;
        }
        final int ihl = Ipv4Flyweight.ihl(b, l3);
        if (ihl < Ipv4Flyweight.MIN_HEADER_LENGTH) {
            return BAD_IP_HEADER_LENGTH;
        }
        if (ihl > available) {
            return TRUNCATED;
        }
        final int totalLength = Ipv4Flyweight.totalLength(b, l3);
        if (totalLength < ihl) {
            return BAD_IP_TOTAL_LENGTH;
        }
        final boolean cut = totalLength > available;
        if (cut && !quoted) {
            return TRUNCATED;
        }
        if (ihl > Ipv4Flyweight.MIN_HEADER_LENGTH && !ipv4OptionsWellFormed(b, l3, ihl)) {
            return BAD_IP_OPTIONS;
        }
        if (verifyChecksums && !quoted && !Checksum.isIpv4HeaderValid(b, l3, ihl)) {
            return BAD_IPV4_CHECKSUM;
        }
        final int flagsAndOffset = Ipv4Flyweight.flagsAndFragmentOffset(b, l3);
        final int fragmentOffset = (flagsAndOffset & Ipv4Flyweight.FRAGMENT_OFFSET_MASK) << 3;
        final int protocol = Ipv4Flyweight.protocol(b, l3);
        // ip_frag_reasm() refuses a reassembly longer than 65535 bytes; refuse the piece that would cause it.
        if (fragmentOffset + totalLength > Ipv4Flyweight.MAX_TOTAL_LENGTH
                || (fragmentOffset == TINY_FRAGMENT_OFFSET && protocol == IpProtocol.TCP)) {
            return BAD_FRAGMENT;
        }
        f.ipVersion = 4;
        f.l3HeaderLength = ihl;
        f.l3End = cut ? end : l3 + totalLength;
        f.tos = Wire.u8(b, l3 + Ipv4Flyweight.TOS_OFFSET);
        f.ttl = Ipv4Flyweight.ttl(b, l3);
        f.protocol = protocol;
        f.src4 = Ipv4Flyweight.src(b, l3);
        f.dst4 = Ipv4Flyweight.dst(b, l3);
        f.srcLo = f.src4 & 0xFFFF_FFFFL;
        f.dstLo = f.dst4 & 0xFFFF_FFFFL;
        f.fragmentOffset = fragmentOffset;
        f.moreFragments = (flagsAndOffset & Ipv4Flyweight.FLAG_MF) != 0;
        f.fragment = f.moreFragments || fragmentOffset != 0;
        f.firstFragment = fragmentOffset == 0;
        f.fragmentId = Wire.u16(b, l3 + Ipv4Flyweight.ID_OFFSET);
        if (protocol == IpProtocol.ICMPV6) {
            return UNSUPPORTED_PROTOCOL;
        }
        return parseL4(b, l3 + ihl, f, quoted);
    }

    /** The option walk of ip_options_compile(): EOL ends, NOP is one byte, others carry a length. */
    private static boolean ipv4OptionsWellFormed(DirectBuffer b, int l3, int ihl) {
        final int end = l3 + ihl;
        int i = l3 + Ipv4Flyweight.OPTIONS_OFFSET;
        while (i < end) {
            final int type = Wire.u8(b, i);
            if (type == IPV4_OPTION_END) {
                return true;
            }
            if (type == IPV4_OPTION_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return false;
            }
            final int optionLength = Wire.u8(b, i + 1);
            if (optionLength < 2 || optionLength > end - i) {
                return false;
            }
            i += optionLength;
        }
        return true;
    }

    private int parseIpv6(DirectBuffer b, int l3, int end, ParsedFrame f, boolean quoted) {
        final int available = end - l3;
        if (available < Ipv6Flyweight.HEADER_LENGTH) {
            return TRUNCATED;
        }
        if (Ipv6Flyweight.version(b, l3) != Ipv6Flyweight.VERSION) {
            return BAD_IP_VERSION;
        }
        final int datagramLength = Ipv6Flyweight.HEADER_LENGTH + Ipv6Flyweight.payloadLength(b, l3);
        final boolean cut = datagramLength > available;
        if (cut && !quoted) {
            return TRUNCATED;
        }
        final int l3End = cut ? end : l3 + datagramLength;
        f.ipVersion = 6;
        f.l3End = l3End;
        f.tos = (Wire.u16(b, l3) >>> 4) & 0xFF;
        f.ttl = Ipv6Flyweight.hopLimit(b, l3);
        f.srcHi = Ipv6Flyweight.srcHi(b, l3);
        f.srcLo = Ipv6Flyweight.srcLo(b, l3);
        f.dstHi = Ipv6Flyweight.dstHi(b, l3);
        f.dstLo = Ipv6Flyweight.dstLo(b, l3);
        f.firstFragment = true;

        // The walk of ipv6_skip_exthdr(), stopping after a non-first fragment's header:
        // what follows it is fragment data, not headers.
        int nextHeader = Ipv6Flyweight.nextHeader(b, l3);
        int cursor = l3 + Ipv6Flyweight.HEADER_LENGTH;
        int count = 0;
        while (IpProtocol.isIpv6ExtensionHeader(nextHeader) && f.firstFragment) {
            if (++count > MAX_EXTENSION_HEADERS) {
                return TOO_MANY_EXTENSION_HEADERS;
            }
            // RFC 8200 4.3: hop-by-hop only directly after the IPv6 header. The kernel parses
            // it only there (ipv6_rcv()); anywhere else ip6_protocol_deliver_rcu() finds no
            // handler for it and answers with a parameter problem.
            if (nextHeader == IpProtocol.HOPOPTS && count != 1) {
                return BAD_EXTENSION_HEADER;
            }
            if (cursor + Ipv6Flyweight.EXT_MIN_LENGTH > l3End) {
                return cut ? TRUNCATED : BAD_EXTENSION_HEADER;
            }
            final int headerLength = Ipv6Flyweight.extensionHeaderLength(
                    nextHeader, Wire.u8(b, cursor + Ipv6Flyweight.EXT_LENGTH_OFFSET));
            if (headerLength > l3End - cursor) {
                return cut ? TRUNCATED : BAD_EXTENSION_HEADER;
            }
            if (nextHeader == IpProtocol.FRAGMENT) {
                if (f.fragment) {
                    return BAD_EXTENSION_HEADER;
                }
                final int word = Wire.u16(b, cursor + Ipv6Flyweight.FRAGMENT_OFFSET_FLAGS_OFFSET);
                f.fragment = true;
                f.fragmentOffset = word & Ipv6Flyweight.FRAGMENT_OFFSET_MASK;
                f.moreFragments = (word & Ipv6Flyweight.FRAGMENT_MORE) != 0;
                f.firstFragment = f.fragmentOffset == 0;
                f.fragmentId = Wire.i32(b, cursor + Ipv6Flyweight.FRAGMENT_ID_OFFSET);
                // ip6_frag_queue() refuses a piece ending past IPV6_MAXPLEN.
                final int fragmentData = l3End - (cursor + Ipv6Flyweight.FRAGMENT_HEADER_LENGTH);
                if (!cut && f.fragmentOffset + fragmentData > Ipv6Flyweight.MAX_PAYLOAD_LENGTH) {
                    return BAD_FRAGMENT;
                }
            }
            nextHeader = Wire.u8(b, cursor + Ipv6Flyweight.EXT_NEXT_HEADER_OFFSET);
            cursor += headerLength;
        }
        f.protocol = nextHeader;
        f.l3HeaderLength = cursor - l3;
        if (nextHeader == IpProtocol.ICMP) {
            return UNSUPPORTED_PROTOCOL;
        }
        return parseL4(b, cursor, f, quoted);
    }

    private int parseL4(DirectBuffer b, int l4, ParsedFrame f, boolean quoted) {
        f.l4Offset = l4;
        f.l4Length = f.l3End - l4;
        f.payloadOffset = l4;
        f.payloadLength = f.l4Length;
        if (!f.firstFragment) {
            return OK;
        }
        if (quoted) {
            return parseQuotedL4(b, f);
        }
        switch (f.protocol) {
            case IpProtocol.TCP:
                return parseTcp(b, f);
            case IpProtocol.UDP:
                return parseUdp(b, f);
            case IpProtocol.ICMP:
            case IpProtocol.ICMPV6:
                return parseIcmp(b, f);
            default:
                return OK;
        }
    }

    private int parseTcp(DirectBuffer b, ParsedFrame f) {
        final int l4 = f.l4Offset;
        final int length = f.l4Length;
        if (length < TcpFlyweight.MIN_HEADER_LENGTH) {
            return BAD_L4_HEADER;
        }
        final int headerLength = TcpFlyweight.dataOffset(b, l4);
        if (headerLength < TcpFlyweight.MIN_HEADER_LENGTH || headerLength > length) {
            return BAD_L4_HEADER;
        }
        if (verifyChecksums && f.isWholeDatagram() && !isL4Valid(b, f, length)) {
            return BAD_L4_CHECKSUM;
        }
        f.srcPort = TcpFlyweight.srcPort(b, l4);
        f.dstPort = TcpFlyweight.dstPort(b, l4);
        f.tcpSeq = TcpFlyweight.seq(b, l4);
        f.tcpAck = TcpFlyweight.ack(b, l4);
        f.tcpFlags = TcpFlyweight.flags(b, l4);
        f.tcpHeaderLength = headerLength;
        f.payloadOffset = l4 + headerLength;
        f.payloadLength = length - headerLength;
        return OK;
    }

    private int parseUdp(DirectBuffer b, ParsedFrame f) {
        final int l4 = f.l4Offset;
        final int length = f.l4Length;
        if (length < UdpFlyweight.HEADER_LENGTH) {
            return BAD_L4_HEADER;
        }
        final int udpLength = UdpFlyweight.length(b, l4);
        if (udpLength < UdpFlyweight.HEADER_LENGTH) {
            return BAD_L4_HEADER;
        }
        if (f.isWholeDatagram()) {
            // __udp4_lib_rcv() drops a UDP length beyond the datagram and trims the datagram to it.
            if (udpLength > length) {
                return BAD_L4_HEADER;
            }
            if (verifyChecksums && !isL4Valid(b, f, udpLength)) {
                return BAD_L4_CHECKSUM;
            }
            f.payloadLength = udpLength - UdpFlyweight.HEADER_LENGTH;
        } else {
            // A first fragment: the UDP length counts the whole datagram, not this piece.
            f.payloadLength = length - UdpFlyweight.HEADER_LENGTH;
        }
        f.srcPort = UdpFlyweight.srcPort(b, l4);
        f.dstPort = UdpFlyweight.dstPort(b, l4);
        f.payloadOffset = l4 + UdpFlyweight.HEADER_LENGTH;
        return OK;
    }

    private int parseIcmp(DirectBuffer b, ParsedFrame f) {
        final int l4 = f.l4Offset;
        final int length = f.l4Length;
        if (length < IcmpFlyweight.HEADER_LENGTH) {
            return BAD_L4_HEADER;
        }
        if (verifyChecksums && f.isWholeDatagram() && !isL4Valid(b, f, length)) {
            return BAD_L4_CHECKSUM;
        }
        readIcmpHeader(b, f);
        f.payloadOffset = l4 + IcmpFlyweight.HEADER_LENGTH;
        f.payloadLength = length - IcmpFlyweight.HEADER_LENGTH;
        return OK;
    }

    private static int parseQuotedL4(DirectBuffer b, ParsedFrame f) {
        final int l4 = f.l4Offset;
        final int length = f.l4Length;
        switch (f.protocol) {
            case IpProtocol.TCP:
            case IpProtocol.UDP:
                if (length < 4) {
                    return TRUNCATED;
                }
                f.srcPort = TcpFlyweight.srcPort(b, l4);
                f.dstPort = TcpFlyweight.dstPort(b, l4);
                if (f.protocol == IpProtocol.TCP && length >= TcpFlyweight.ACK_OFFSET) {
                    f.tcpSeq = TcpFlyweight.seq(b, l4);
                }
                return OK;
            case IpProtocol.ICMP:
            case IpProtocol.ICMPV6:
                if (length < IcmpFlyweight.HEADER_LENGTH) {
                    return TRUNCATED;
                }
                readIcmpHeader(b, f);
                return OK;
            default:
                return OK;
        }
    }

    private static void readIcmpHeader(DirectBuffer b, ParsedFrame f) {
        final int l4 = f.l4Offset;
        f.icmpType = IcmpFlyweight.type(b, l4);
        f.icmpCode = IcmpFlyweight.code(b, l4);
        if (IcmpFlyweight.isEcho(f.ipVersion, f.icmpType)) {
            f.srcPort = IcmpFlyweight.id(b, l4);
            f.dstPort = f.srcPort;
        }
    }

    private static boolean isL4Valid(DirectBuffer b, ParsedFrame f, int length) {
        return f.ipVersion == 4
                ? Checksum.isL4Valid4(b, f.l4Offset, length, f.src4, f.dst4, f.protocol)
                : Checksum.isL4Valid6(b, f.l4Offset, length, f.srcHi, f.srcLo, f.dstHi, f.dstLo, f.protocol);
    }

    private static int parseArp(DirectBuffer b, int l3, int end, ParsedFrame f) {
        if (end - l3 < ArpFlyweight.HEADER_LENGTH) {
            return TRUNCATED;
        }
        if (Wire.u16(b, l3 + ArpFlyweight.HTYPE_OFFSET) != ArpFlyweight.HTYPE_ETHERNET
                || Wire.u16(b, l3 + ArpFlyweight.PTYPE_OFFSET) != ArpFlyweight.PTYPE_IPV4) {
            return UNSUPPORTED_PROTOCOL;
        }
        if (Wire.u8(b, l3 + ArpFlyweight.HLEN_OFFSET) != ArpFlyweight.HLEN_ETHERNET
                || Wire.u8(b, l3 + ArpFlyweight.PLEN_OFFSET) != ArpFlyweight.PLEN_IPV4) {
            return BAD_ARP;
        }
        f.arpOp = ArpFlyweight.op(b, l3);
        f.src4 = ArpFlyweight.senderIp(b, l3);
        f.dst4 = ArpFlyweight.targetIp(b, l3);
        f.srcLo = f.src4 & 0xFFFF_FFFFL;
        f.dstLo = f.dst4 & 0xFFFF_FFFFL;
        f.l3HeaderLength = ArpFlyweight.HEADER_LENGTH;
        f.l3End = l3 + ArpFlyweight.HEADER_LENGTH;
        f.l4Offset = f.l3End;
        f.payloadOffset = f.l3End;
        return OK;
    }
}
