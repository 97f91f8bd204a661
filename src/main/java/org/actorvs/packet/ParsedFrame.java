package org.actorvs.packet;

/**
 * What {@link FrameParser} found in one frame. Mutable and reused: a shard owns one and the
 * parser overwrites every field on each call, so nothing from the previous frame survives.
 * Offsets are absolute indexes into the parsed buffer.
 */
public final class ParsedFrame {
    public int frameOffset;
    public int frameLength;
    /** 802.1Q Tag Control Information, or -1 when untagged. */
    public int vlanTci;
    /** The EtherType after the VLAN tag. */
    public int etherType;
    public int l3Offset;
    /** 4, 6, or 0 for ARP. */
    public int ipVersion;
    /** IPv4: IHL in bytes. IPv6: 40 plus the extension headers skipped to reach the L4 header. ARP: 28. */
    public int l3HeaderLength;
    /** Just past the IP datagram per its length field; Ethernet padding is excluded. */
    public int l3End;
    /** IPv4 TOS or IPv6 traffic class. */
    public int tos;
    /** TTL or hop limit. */
    public int ttl;
    /** Upper-layer protocol, after any IPv6 extension headers. */
    public int protocol;
    /** IPv4 addresses; for ARP the sender and target protocol addresses. */
    public int src4;
    public int dst4;
    /** Both families in the (hi, lo) convention: IPv4 is hi 0, lo the unsigned address. */
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    /** IPv4 MF or a non-zero offset, or an IPv6 fragment header present. */
    public boolean fragment;
    /**
     * Fragment offset 0, so the L4 header is here: true for every unfragmented packet too.
     * When false the L4 fields are zero and l4Offset points at the fragment data.
     */
    public boolean firstFragment;
    /** Bytes. */
    public int fragmentOffset;
    public boolean moreFragments;
    /** IPv4 identification or IPv6 fragment identification. */
    public int fragmentId;
    public int l4Offset;
    /** l3End - l4Offset. */
    public int l4Length;
    /** TCP/UDP ports; for an ICMP echo both hold the echo id. */
    public int srcPort;
    public int dstPort;
    public int tcpFlags;
    public int tcpSeq;
    public int tcpAck;
    public int tcpHeaderLength;
    public int icmpType;
    public int icmpCode;
    /**
     * L4 payload: TCP data, UDP data per the UDP length (trailing bytes excluded), ICMP after
     * the 8-byte header, the whole L4 area otherwise (other protocols, later fragments).
     */
    public int payloadOffset;
    public int payloadLength;
    public int arpOp;

    /** Clears every field for a frame of {@code length} bytes at {@code offset}. */
    public void reset(int offset, int length) {
        frameOffset = offset;
        frameLength = length;
        vlanTci = -1;
        etherType = 0;
        l3Offset = 0;
        ipVersion = 0;
        l3HeaderLength = 0;
        l3End = 0;
        tos = 0;
        ttl = 0;
        protocol = 0;
        src4 = 0;
        dst4 = 0;
        srcHi = 0;
        srcLo = 0;
        dstHi = 0;
        dstLo = 0;
        fragment = false;
        firstFragment = false;
        fragmentOffset = 0;
        moreFragments = false;
        fragmentId = 0;
        l4Offset = 0;
        l4Length = 0;
        srcPort = 0;
        dstPort = 0;
        tcpFlags = 0;
        tcpSeq = 0;
        tcpAck = 0;
        tcpHeaderLength = 0;
        icmpType = 0;
        icmpCode = 0;
        payloadOffset = 0;
        payloadLength = 0;
        arpOp = 0;
    }

    /** The whole datagram is in this frame: not a fragment, or an atomic one (offset 0, no MF). */
    public boolean isWholeDatagram() {
        return fragmentOffset == 0 && !moreFragments;
    }

    @Override
    public String toString() {
        return "ParsedFrame{vlanTci=" + vlanTci + ", etherType=0x" + Integer.toHexString(etherType)
                + ", ipVersion=" + ipVersion + ", l3Offset=" + l3Offset + ", l3HeaderLength=" + l3HeaderLength
                + ", l3End=" + l3End + ", protocol=" + protocol
                + ", src=" + InetAddresses.format(ipVersion == 6 ? 6 : 4, srcHi, srcLo)
                + ", dst=" + InetAddresses.format(ipVersion == 6 ? 6 : 4, dstHi, dstLo)
                + ", fragment=" + fragment + "/" + firstFragment + "/" + fragmentOffset + "/" + moreFragments
                + ", l4Offset=" + l4Offset + ", l4Length=" + l4Length + ", ports=" + srcPort + "->" + dstPort
                + ", tcpFlags=0x" + Integer.toHexString(tcpFlags) + ", icmp=" + icmpType + "/" + icmpCode
                + ", payload=" + payloadOffset + "+" + payloadLength + ", arpOp=" + arpOp + '}';
    }
}
