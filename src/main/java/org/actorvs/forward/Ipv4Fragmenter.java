package org.actorvs.forward;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.actorvs.packet.Ipv4Flyweight;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Splits an IPv4 packet into fragments that fit an MTU, as the slow path of ip_do_fragment():
 * every fragment carries the packet's header with its total length, offset, MF and checksum
 * rewritten; all fragments but the last carry a multiple of 8 data bytes; offsets continue the
 * input's own offset and MF stays set on the last piece of an input that was itself a non-last
 * fragment. Options: the first fragment keeps them all; later ones keep the header length but
 * have every option without the copied flag overwritten with NOPs (ip_options_fragment()).
 *
 * <p>Fragments are written one at a time into a scratch buffer owned by this fragmenter and
 * handed to a {@link FragmentSink}, which must consume each before returning. Single-threaded,
 * allocation-free after construction.
 */
public final class Ipv4Fragmenter {
    /** Receives each fragment in turn; {@code buf} is reused for the next one. */
    public interface FragmentSink {
        /** {@code buf} has {@link #HEADROOM} bytes free before ipOffset, for the caller's L2 header. */
        void fragment(MutableDirectBuffer buf, int ipOffset, int ipLength);
    }

    /** Bytes before each fragment's IP header: an Ethernet header with one 802.1Q tag (18) fits. */
    public static final int HEADROOM = 32;

    /** DF is set: the caller answers ICMP "fragmentation needed" instead (ip_fragment()). */
    public static final int DONT_FRAGMENT = -1;
    /** The MTU leaves fewer than 8 data bytes after the header. */
    public static final int MTU_TOO_SMALL = -2;
    /** Not IPv4, a header longer than the packet, a total length other than ipLength, or data past 65535. */
    public static final int MALFORMED = -3;

    private static final int IPOPT_END = 0;
    private static final int IPOPT_NOOP = 1;
    private static final int IPOPT_COPIED = 0x80;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[HEADROOM + Ipv4Flyweight.MAX_TOTAL_LENGTH]);
    /** The header later fragments start from: the input's, with non-copied options NOP'd once the first is out. */
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[Ipv4Flyweight.MAX_HEADER_LENGTH]);
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();

    /**
     * Fragments a packet whose DF bit is clear; with DF set returns {@link #DONT_FRAGMENT}.
     * A packet that already fits the MTU is passed to the sink whole, as one fragment.
     *
     * @return the number of fragments given to the sink, or a negative code
     */
    public int fragment(DirectBuffer packet, int ipOffset, int ipLength, int mtu, FragmentSink sink) {
        return fragment(packet, ipOffset, ipLength, mtu, false, sink);
    }

    /**
     * As {@link #fragment(DirectBuffer, int, int, int, FragmentSink)}; with {@code keepDf} a DF
     * packet is fragmented too and every fragment keeps DF, as ip_do_fragment() does for a
     * reassembled datagram marked IPSKB_FRAG_PMTU (pass an MTU no larger than
     * {@link Ipv4Reassembler#lastMaxFragmentLength()} then, as ip_finish_output() does).
     */
    public int fragment(DirectBuffer packet, int ipOffset, int ipLength, int mtu, boolean keepDf, FragmentSink sink) {
        final int ihl = Ipv4Flyweight.ihl(packet, ipOffset);
        if (ipLength < Ipv4Flyweight.MIN_HEADER_LENGTH || Ipv4Flyweight.version(packet, ipOffset) != Ipv4Flyweight.VERSION
                || ihl < Ipv4Flyweight.MIN_HEADER_LENGTH || ihl > ipLength
                || Ipv4Flyweight.totalLength(packet, ipOffset) != ipLength) {
            return MALFORMED;
        }
        if (ipLength <= mtu) {
            scratch.putBytes(HEADROOM, packet, ipOffset, ipLength);
            sink.fragment(scratch, HEADROOM, ipLength);
            return 1;
        }
        final int flags = Ipv4Flyweight.flagsAndFragmentOffset(packet, ipOffset);
        final boolean df = (flags & Ipv4Flyweight.FLAG_DF) != 0;
        if (df && !keepDf) {
            return DONT_FRAGMENT;
        }
        final int room = mtu - ihl;
        if (room < 8) {
            return MTU_TOO_SMALL;
        }
        int offset = (flags & Ipv4Flyweight.FRAGMENT_OFFSET_MASK) << 3;
        int left = ipLength - ihl;
        if (offset + left > Ipv4Flyweight.MAX_TOTAL_LENGTH) {
            return MALFORMED;
        }
        final boolean notLastFragment = (flags & Ipv4Flyweight.FLAG_MF) != 0;
        header.putBytes(0, packet, ipOffset, ihl);
        // ip_frag_ipcb(): options are fixed once, after the first fragment of the datagram is out.
        boolean optionsToFix = offset == 0;
        int from = ipOffset + ihl;
        int fragments = 0;
        while (left > 0) {
            int length = Math.min(left, room);
            if (length < left) {
                length &= ~7;
            }
            left -= length;
            scratch.putBytes(HEADROOM, header, 0, ihl);
            scratch.putBytes(HEADROOM + ihl, packet, from, length);
            // The whole flags word is rewritten, as ip_frag_next() does: only DF and MF survive.
            final int word = (offset >>> 3) | (df ? Ipv4Flyweight.FLAG_DF : 0)
                    | (left > 0 || notLastFragment ? Ipv4Flyweight.FLAG_MF : 0);
            scratch.putShort(HEADROOM + Ipv4Flyweight.FLAGS_FRAGMENT_OFFSET, (short) word, BIG_ENDIAN);
            ipv4.wrap(scratch, HEADROOM).totalLength(ihl + length).updateChecksum();
            sink.fragment(scratch, HEADROOM, ihl + length);
            if (optionsToFix) {
                nopNonCopiedOptions(header, ihl);
                optionsToFix = false;
            }
            from += length;
            offset += length;
            fragments++;
        }
        return fragments;
    }

    /**
     * As ip_options_fragment(): walks the options and overwrites each one whose copied flag
     * (0x80) is clear with NOPs of its length, so later fragments keep the header length. The
     * walk stops at End of Options or at a length that does not fit, leaving the rest alone.
     */
    static void nopNonCopiedOptions(MutableDirectBuffer header, int ihl) {
        int i = Ipv4Flyweight.OPTIONS_OFFSET;
        while (i < ihl) {
            final int type = header.getByte(i) & 0xFF;
            if (type == IPOPT_END) {
                return;
            }
            if (type == IPOPT_NOOP) {
                i++;
                continue;
            }
            final int left = ihl - i;
            final int length = left < 2 ? 0 : header.getByte(i + 1) & 0xFF;
            if (length < 2 || length > left) {
                return;
            }
            if ((type & IPOPT_COPIED) == 0) {
                header.setMemory(i, length, (byte) IPOPT_NOOP);
            }
            i += length;
        }
    }
}
