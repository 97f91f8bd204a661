package org.actorvs.packet;

import java.util.ArrayList;
import java.util.List;

import org.agrona.MutableDirectBuffer;

/**
 * Cold-path frame builder for tests, ICMP error generation and simulated networks. Describe
 * the layers fluently, then {@link #build} writes the frame with every length and checksum
 * filled in. The description stays, so one builder can write the same frame again; calling a
 * layer method again replaces that layer ({@link #ipv6} also clears extension headers).
 * Without {@link #ethernet} the frame starts at the IP header.
 */
public final class FrameBuilder {
    private static final byte[] NONE = new byte[0];
    private static final int L3_NONE = 0;
    private static final int L3_IPV4 = 1;
    private static final int L3_IPV6 = 2;
    private static final int L3_ARP = 3;
    private static final int L4_NONE = 0;
    private static final int L4_TCP = 1;
    private static final int L4_UDP = 2;
    private static final int L4_ICMP = 3;
    private static final int MAX_OPTIONS_LENGTH = 40;

    private final EthernetFlyweight ethernetFlyweight = new EthernetFlyweight();
    private final ArpFlyweight arpFlyweight = new ArpFlyweight();
    private final Ipv4Flyweight ipv4Flyweight = new Ipv4Flyweight();
    private final Ipv6Flyweight ipv6Flyweight = new Ipv6Flyweight();
    private final TcpFlyweight tcpFlyweight = new TcpFlyweight();
    private final UdpFlyweight udpFlyweight = new UdpFlyweight();
    private final IcmpFlyweight icmpFlyweight = new IcmpFlyweight();

    private boolean ethernet;
    private long dstMac;
    private long srcMac;
    private int vlanTci = -1;
    private int etherTypeOverride = -1;

    private int l3 = L3_NONE;
    private int src4;
    private int dst4;
    private int protocol;
    private int ttl;
    private int ipId;
    private boolean dontFragment;
    private int fragmentOffset;
    private boolean moreFragments;
    private byte[] ipv4Options = NONE;
    private int trafficClass;
    private int flowLabel;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private final List<ExtensionHeader> extensionHeaders = new ArrayList<>();

    private int arpOp;
    private long arpSenderMac;
    private int arpSenderIp;
    private long arpTargetMac;
    private int arpTargetIp;

    private int l4 = L4_NONE;
    private int srcPort;
    private int dstPort;
    private int seq;
    private int ack;
    private int tcpFlags;
    private int window;
    private byte[] tcpOptions = NONE;
    private int icmpType;
    private int icmpCode;
    private int icmpRest;

    private byte[] payload = NONE;
    private int minFrameLength;

    private record ExtensionHeader(int type, byte[] body) {
        int length() {
            return 2 + body.length;
        }
    }

    public FrameBuilder ethernet(long dstMac, long srcMac) {
        return ethernet(dstMac, srcMac, -1);
    }

    /** @param vlanTci 802.1Q tag control information, or -1 for an untagged frame */
    public FrameBuilder ethernet(long dstMac, long srcMac, int vlanTci) {
        this.ethernet = true;
        this.dstMac = dstMac;
        this.srcMac = srcMac;
        this.vlanTci = vlanTci;
        return this;
    }

    /** Writes this EtherType instead of the one the L3 layer implies. */
    public FrameBuilder etherType(int etherType) {
        this.etherTypeOverride = etherType;
        return this;
    }

    /** @param protocol the Protocol field as written; the L4 layer decides what is built after it */
    public FrameBuilder ipv4(int src, int dst, int protocol, int ttl, int id, boolean df) {
        this.l3 = L3_IPV4;
        this.src4 = src;
        this.dst4 = dst;
        this.protocol = protocol;
        this.ttl = ttl;
        this.ipId = id;
        this.dontFragment = df;
        return this;
    }

    /** IPv4 options, already encoded and padded to a multiple of 4 bytes (at most 40). */
    public FrameBuilder ipv4Options(byte[] options) {
        if (options.length % 4 != 0 || options.length > MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("IPv4 options must be a multiple of 4 bytes, at most 40: " + options.length);
        }
        this.ipv4Options = options.clone();
        return this;
    }

    /** Makes the IPv4 packet a fragment; the L4 layer and payload given are this fragment's data. */
    public FrameBuilder ipv4Fragment(int offsetBytes, boolean moreFragments) {
        requireFragmentOffset(offsetBytes);
        this.fragmentOffset = offsetBytes;
        this.moreFragments = moreFragments;
        return this;
    }

    /** @param nextHeader the upper-layer protocol, written after any extension headers added next */
    public FrameBuilder ipv6(long srcHi, long srcLo, long dstHi, long dstLo, int nextHeader, int hopLimit) {
        this.l3 = L3_IPV6;
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        this.protocol = nextHeader;
        this.ttl = hopLimit;
        this.extensionHeaders.clear();
        return this;
    }

    /**
     * Appends an IPv6 extension header: {@code body} is everything after its Next Header and
     * length bytes, so that 2 + body.length is a multiple of 8 (of 4 for AH). Zero bytes are
     * Pad1 options, which makes a zero body a valid hop-by-hop or destination-options header.
     */
    public FrameBuilder ipv6ExtensionHeader(int type, byte[] body) {
        final int unit = type == IpProtocol.AH ? 4 : 8;
        final int length = 2 + body.length;
        final int lengthField = lengthField(type, length);
        if (length % unit != 0 || lengthField > 0xFF
                || Ipv6Flyweight.extensionHeaderLength(type, lengthField) != length) {
            throw new IllegalArgumentException("extension header " + type + " cannot be " + length + " bytes long");
        }
        extensionHeaders.add(new ExtensionHeader(type, body.clone()));
        return this;
    }

    /** Appends an IPv6 fragment header. */
    public FrameBuilder ipv6Fragment(int offsetBytes, boolean moreFragments, int identification) {
        requireFragmentOffset(offsetBytes);
        final byte[] body = new byte[Ipv6Flyweight.FRAGMENT_HEADER_LENGTH - 2];
        final int word = offsetBytes | (moreFragments ? Ipv6Flyweight.FRAGMENT_MORE : 0);
        body[0] = (byte) (word >>> 8);
        body[1] = (byte) word;
        for (int i = 0; i < 4; i++) {
            body[2 + i] = (byte) (identification >>> (24 - 8 * i));
        }
        extensionHeaders.add(new ExtensionHeader(IpProtocol.FRAGMENT, body));
        return this;
    }

    /** IPv4 TOS or IPv6 traffic class. */
    public FrameBuilder trafficClass(int trafficClass) {
        this.trafficClass = trafficClass;
        return this;
    }

    public FrameBuilder flowLabel(int flowLabel) {
        this.flowLabel = flowLabel;
        return this;
    }

    public FrameBuilder arp(int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        this.l3 = L3_ARP;
        this.arpOp = op;
        this.arpSenderMac = senderMac;
        this.arpSenderIp = senderIp;
        this.arpTargetMac = targetMac;
        this.arpTargetIp = targetIp;
        return this;
    }

    public FrameBuilder tcp(int srcPort, int dstPort, int seq, int ack, int flags, int window) {
        this.l4 = L4_TCP;
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.seq = seq;
        this.ack = ack;
        this.tcpFlags = flags;
        this.window = window;
        return this;
    }

    /** TCP options, already encoded and padded to a multiple of 4 bytes (at most 40). */
    public FrameBuilder tcpOptions(byte[] options) {
        if (options.length % 4 != 0 || options.length > MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("TCP options must be a multiple of 4 bytes, at most 40: " + options.length);
        }
        this.tcpOptions = options.clone();
        return this;
    }

    public FrameBuilder udp(int srcPort, int dstPort) {
        this.l4 = L4_UDP;
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        return this;
    }

    /** ICMPv4 over IPv4, ICMPv6 over IPv6; {@code restWord} is the 32-bit rest of the header. */
    public FrameBuilder icmp(int type, int code, int restWord) {
        this.l4 = L4_ICMP;
        this.icmpType = type;
        this.icmpCode = code;
        this.icmpRest = restWord;
        return this;
    }

    public FrameBuilder payload(byte[] payload) {
        this.payload = payload.clone();
        return this;
    }

    /** Pads the frame with zeros to at least this length, as a NIC pads to 60 bytes. */
    public FrameBuilder padTo(int minFrameLength) {
        this.minFrameLength = minFrameLength;
        return this;
    }

    /** The length {@link #build} will write. */
    public int frameLength() {
        return Math.max(l2Length() + l3Length() + l4HeaderLength() + payload.length, minFrameLength);
    }

    /** Writes the frame at {@code offset} and returns its length. */
    public int build(MutableDirectBuffer out, int offset) {
        final int l3Offset = offset + l2Length();
        final int l4Offset = l3Offset + l3Length();
        final int payloadOffset = l4Offset + l4HeaderLength();
        final int end = payloadOffset + payload.length;
        // Header setters keep neighbouring bits (flags, nibbles): start them from zeros, not from stale bytes.
        out.setMemory(offset, payloadOffset - offset, (byte) 0);
        if (ethernet) {
            writeEthernet(out, offset);
        }
        out.putBytes(payloadOffset, payload);
        writeL4(out, l4Offset, end);
        writeL3(out, l3Offset, l4Offset, end);
        final int length = end - offset;
        if (length < minFrameLength) {
            out.setMemory(end, minFrameLength - length, (byte) 0);
            return minFrameLength;
        }
        return length;
    }

    private void writeEthernet(MutableDirectBuffer out, int offset) {
        ethernetFlyweight.wrap(out, offset).dstMac(dstMac).srcMac(srcMac);
        if (vlanTci >= 0) {
            ethernetFlyweight.vlanTag(vlanTci);
        }
        ethernetFlyweight.payloadEtherType(etherType());
    }

    private int etherType() {
        if (etherTypeOverride >= 0) {
            return etherTypeOverride;
        }
        switch (l3) {
            case L3_IPV4:
                return EthernetFlyweight.ETHER_TYPE_IPV4;
            case L3_IPV6:
                return EthernetFlyweight.ETHER_TYPE_IPV6;
            case L3_ARP:
                return EthernetFlyweight.ETHER_TYPE_ARP;
            default:
                throw new IllegalStateException("an Ethernet frame without an L3 layer needs etherType(...)");
        }
    }

    private void writeL3(MutableDirectBuffer out, int l3Offset, int l4Offset, int end) {
        switch (l3) {
            case L3_IPV4:
                ipv4Flyweight.wrap(out, l3Offset)
                        .version(Ipv4Flyweight.VERSION).ihl(Ipv4Flyweight.MIN_HEADER_LENGTH + ipv4Options.length)
                        .tos(trafficClass).totalLength(end - l3Offset).id(ipId)
                        .dontFragment(dontFragment).moreFragments(moreFragments).fragmentOffset(fragmentOffset)
                        .ttl(ttl).protocol(protocol).src(src4).dst(dst4);
                out.putBytes(l3Offset + Ipv4Flyweight.OPTIONS_OFFSET, ipv4Options);
                ipv4Flyweight.updateChecksum();
                break;
            case L3_IPV6:
                writeIpv6(out, l3Offset, end);
                break;
            case L3_ARP:
                arpFlyweight.wrap(out, l3Offset).ethernetIpv4().op(arpOp)
                        .senderMac(arpSenderMac).senderIp(arpSenderIp).targetMac(arpTargetMac).targetIp(arpTargetIp);
                break;
            default:
                break;
        }
    }

    private void writeIpv6(MutableDirectBuffer out, int l3Offset, int end) {
        ipv6Flyweight.wrap(out, l3Offset).versionClassFlow(Ipv6Flyweight.VERSION, trafficClass, flowLabel)
                .payloadLength(end - l3Offset - Ipv6Flyweight.HEADER_LENGTH)
                .nextHeader(extensionHeaders.isEmpty() ? protocol : extensionHeaders.get(0).type())
                .hopLimit(ttl).src(srcHi, srcLo).dst(dstHi, dstLo);
        int p = l3Offset + Ipv6Flyweight.HEADER_LENGTH;
        for (int i = 0; i < extensionHeaders.size(); i++) {
            final ExtensionHeader header = extensionHeaders.get(i);
            final int next = i + 1 < extensionHeaders.size() ? extensionHeaders.get(i + 1).type() : protocol;
            Wire.putU8(out, p + Ipv6Flyweight.EXT_NEXT_HEADER_OFFSET, next);
            Wire.putU8(out, p + Ipv6Flyweight.EXT_LENGTH_OFFSET, lengthField(header.type(), header.length()));
            out.putBytes(p + 2, header.body());
            p += header.length();
        }
    }

    private void writeL4(MutableDirectBuffer out, int l4Offset, int end) {
        final int l4Protocol;
        switch (l4) {
            case L4_TCP:
                tcpFlyweight.wrap(out, l4Offset).srcPort(srcPort).dstPort(dstPort).seq(seq).ack(ack)
                        .dataOffset(TcpFlyweight.MIN_HEADER_LENGTH + tcpOptions.length).flags(tcpFlags)
                        .window(window);
                out.putBytes(l4Offset + TcpFlyweight.OPTIONS_OFFSET, tcpOptions);
                l4Protocol = IpProtocol.TCP;
                break;
            case L4_UDP:
                udpFlyweight.wrap(out, l4Offset).srcPort(srcPort).dstPort(dstPort).length(end - l4Offset);
                l4Protocol = IpProtocol.UDP;
                break;
            case L4_ICMP:
                icmpFlyweight.wrap(out, l4Offset).type(icmpType).code(icmpCode).restOfHeader(icmpRest);
                l4Protocol = l3 == L3_IPV6 ? IpProtocol.ICMPV6 : IpProtocol.ICMP;
                break;
            default:
                return;
        }
        final int length = end - l4Offset;
        final int checksum;
        if (l3 == L3_IPV4) {
            checksum = Checksum.l4Checksum4(out, l4Offset, length, src4, dst4, l4Protocol);
        } else if (l3 == L3_IPV6) {
            checksum = Checksum.l4Checksum6(out, l4Offset, length, srcHi, srcLo, dstHi, dstLo, l4Protocol);
        } else {
            throw new IllegalStateException("an L4 header needs an IPv4 or IPv6 layer for its checksum");
        }
        Wire.putU16(out, l4Offset + Checksum.checksumFieldOffset(l4Protocol), checksum);
    }

    private int l2Length() {
        if (!ethernet) {
            return 0;
        }
        return vlanTci >= 0 ? EthernetFlyweight.VLAN_HEADER_LENGTH : EthernetFlyweight.HEADER_LENGTH;
    }

    private int l3Length() {
        switch (l3) {
            case L3_IPV4:
                return Ipv4Flyweight.MIN_HEADER_LENGTH + ipv4Options.length;
            case L3_IPV6:
                int length = Ipv6Flyweight.HEADER_LENGTH;
                for (ExtensionHeader header : extensionHeaders) {
                    length += header.length();
                }
                return length;
            case L3_ARP:
                return ArpFlyweight.HEADER_LENGTH;
            default:
                return 0;
        }
    }

    private int l4HeaderLength() {
        switch (l4) {
            case L4_TCP:
                return TcpFlyweight.MIN_HEADER_LENGTH + tcpOptions.length;
            case L4_UDP:
                return UdpFlyweight.HEADER_LENGTH;
            case L4_ICMP:
                return IcmpFlyweight.HEADER_LENGTH;
            default:
                return 0;
        }
    }

    private static int lengthField(int type, int length) {
        return type == IpProtocol.AH ? length / 4 - 2 : length / 8 - 1;
    }

    private static void requireFragmentOffset(int offsetBytes) {
        if (offsetBytes < 0 || offsetBytes % 8 != 0 || offsetBytes > 0xFFF8) {
            throw new IllegalArgumentException("fragment offset must be a multiple of 8 in 0..65528: " + offsetBytes);
        }
    }
}
