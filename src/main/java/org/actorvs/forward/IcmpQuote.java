package org.actorvs.forward;

import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.Ipv6Flyweight;
import org.agrona.DirectBuffer;

/**
 * The packet an ICMP error quotes: its IP header and, when present, the first four bytes of its
 * transport header (the ports). Quotes are truncated by design, so this reads leniently where the
 * frame parser is strict — as ip_vs_fill_iph_skb_icmp() does. Mutable and reused per shard.
 */
final class IcmpQuote {
    private static final int MAX_EXTENSION_HEADERS = 8;

    int af;
    int ipOffset;
    int headerLength;
    int protocol;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    /** The quoted packet is a fragment other than the first: no transport header to read. */
    boolean laterFragment;
    boolean dontFragment;
    boolean hasPorts;
    int srcPort;
    int dstPort;
    /** Offset of the quoted transport header (where the ports are). */
    int l4Offset;

    /** Reads the quote at {@code offset} up to {@code end}; false when not even an IP header fits. */
    boolean read(DirectBuffer b, int offset, int end, int expectedAf) {
        ipOffset = offset;
        hasPorts = false;
        laterFragment = false;
        dontFragment = false;
        if (expectedAf == 4) {
            if (end - offset < Ipv4Flyweight.MIN_HEADER_LENGTH || Ipv4Flyweight.version(b, offset) != 4) {
                return false;
            }
            int ihl = Ipv4Flyweight.ihl(b, offset);
            if (ihl < Ipv4Flyweight.MIN_HEADER_LENGTH || offset + ihl > end) {
                return false;
            }
            af = 4;
            headerLength = ihl;
            protocol = Ipv4Flyweight.protocol(b, offset);
            srcHi = 0;
            dstHi = 0;
            srcLo = Ipv4Flyweight.src(b, offset) & 0xFFFF_FFFFL;
            dstLo = Ipv4Flyweight.dst(b, offset) & 0xFFFF_FFFFL;
            int frag = Ipv4Flyweight.flagsAndFragmentOffset(b, offset);
            laterFragment = (frag & Ipv4Flyweight.FRAGMENT_OFFSET_MASK) != 0;
            dontFragment = (frag & Ipv4Flyweight.FLAG_DF) != 0;
            l4Offset = offset + ihl;
        } else {
            if (end - offset < Ipv6Flyweight.HEADER_LENGTH || Ipv6Flyweight.version(b, offset) != 6) {
                return false;
            }
            af = 6;
            srcHi = Ipv6Flyweight.srcHi(b, offset);
            srcLo = Ipv6Flyweight.srcLo(b, offset);
            dstHi = Ipv6Flyweight.dstHi(b, offset);
            dstLo = Ipv6Flyweight.dstLo(b, offset);
            int next = Ipv6Flyweight.nextHeader(b, offset);
            int at = offset + Ipv6Flyweight.HEADER_LENGTH;
            for (int i = 0; i < MAX_EXTENSION_HEADERS
                    && (next == IpProtocol.HOPOPTS || next == IpProtocol.ROUTING || next == IpProtocol.FRAGMENT
                    || next == IpProtocol.DSTOPTS); i++) {
                if (at + 8 > end) {
                    return false;
                }
                if (next == IpProtocol.FRAGMENT) {
                    int offsetFlags = b.getShort(at + Ipv6Flyweight.FRAGMENT_OFFSET_FLAGS_OFFSET, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
                    laterFragment = (offsetFlags & Ipv6Flyweight.FRAGMENT_OFFSET_MASK) != 0;
                    next = b.getByte(at) & 0xFF;
                    at += Ipv6Flyweight.FRAGMENT_HEADER_LENGTH;
                } else {
                    int len = Ipv6Flyweight.extensionHeaderLength(next, b.getByte(at + 1) & 0xFF);
                    next = b.getByte(at) & 0xFF;
                    at += len;
                }
            }
            if (at > end) {
                return false;
            }
            protocol = next;
            headerLength = at - offset;
            l4Offset = at;
        }
        if (!laterFragment && l4Offset + 4 <= end
                && (protocol == IpProtocol.TCP || protocol == IpProtocol.UDP)) {
            hasPorts = true;
            srcPort = b.getShort(l4Offset, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
            dstPort = b.getShort(l4Offset + 2, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        return true;
    }
}
