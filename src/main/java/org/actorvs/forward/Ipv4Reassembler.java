package org.actorvs.forward;

import static java.nio.ByteOrder.BIG_ENDIAN;

import java.util.concurrent.ThreadLocalRandom;

import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.ParsedFrame;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * IPv4 reassembly for one shard, after the kernel's ip_defrag(): fragments are queued per
 * (src, dst, id, protocol) as ip_find() keys an ipq, and a datagram is rebuilt once its first
 * and last fragments are in and the bytes between them are all present.
 *
 * <p>Bounded: at most {@code maxDatagrams} datagrams in progress and {@code maxBytes} of
 * fragment data, preallocated here and reused, so offering a fragment allocates nothing. A
 * datagram lives at most {@code timeoutNanos} from its first fragment (ipfrag_time: the timer
 * is not pushed back by later fragments). Single-threaded: the owning shard is its only caller.
 *
 * <p>Rules, and where they come from:
 * <ul>
 * <li>Overlap: a fragment overlapping data already held discards the whole datagram, as
 * inet_frag_queue_insert() returns IPFRAG_OVERLAP since the FragmentSmack fix (RFC 5722 for
 * IPv6, applied to IPv4 too). A fragment lying wholly inside data already held is a
 * duplicate: it alone is dropped and the datagram kept (IPFRAG_DUP, RFC 5722 erratum 3089),
 * because networks do duplicate packets and one copy too many should not cost the datagram.
 * Unlike the kernel we do not require the covering data to be one "run" of fragments.</li>
 * <li>Length: a last fragment ending before data already held, or two last fragments
 * disagreeing, or data past a known end, discard the datagram (ip_frag_queue's discard_qp).</li>
 * <li>A non-last fragment whose data is not a multiple of 8 bytes cannot be placed by any
 * honest sender (RFC 791); it is dropped alone. The kernel instead trims it to a multiple of 8.</li>
 * <li>More than {@link #MAX_FRAGMENTS} fragments discard the datagram: tiny-fragment floods
 * would otherwise pin the memory bound with a few bytes per fragment.</li>
 * <li>A datagram longer than 65535 bytes is discarded as soon as that is known (ip_frag_reasm's
 * E2BIG, the "ping of death").</li>
 * <li>Memory: when a fragment does not fit, the least recently fed datagram is evicted, as the
 * lru list of the older kernels' ip_evictor() did. Current kernels instead refuse every new
 * fragment while above high_thresh (inet_frag_find()); that lets one flood stall all
 * reassembly for a whole timeout, where eviction lets datagrams that keep arriving finish.
 * Running out of datagram slots evicts the same way.</li>
 * <li>ECN: the fragments' ECN codepoints are combined as ip_frag_ecn_table (CE if any fragment
 * had CE; Not-ECT mixed with ECT or CE discards the datagram, RFC 3168 section 5.3).</li>
 * <li>DF: the reassembled header carries DF only when the largest fragment had it, as
 * ip_frag_reasm() sets IPSKB_FRAG_PMTU; {@link #lastMaxFragmentLength()} is that largest
 * fragment's length (IPCB frag_max_size), the size to refragment to before forwarding.</li>
 * </ul>
 */
public final class Ipv4Reassembler {
    /** The fragment is held; the datagram is not complete yet. */
    public static final int HELD = -1;
    /** A small fixed cap on fragments per datagram, against tiny-fragment floods. */
    public static final int MAX_FRAGMENTS = 64;
    /** Room kept for the first fragment's link-layer header (Ethernet, one or two 802.1Q tags). */
    public static final int MAX_L2_HEADER_LENGTH = 32;

    /** Why {@link #offer} refused a fragment. Codes are -2 and below, dense. */
    public enum Reason {
        /** Overlaps data already held: the datagram is discarded. */
        OVERLAP,
        /** Lies wholly inside data already held: only this fragment is dropped. */
        DUPLICATE,
        /** The datagram would be longer than 65535 bytes: it is discarded. */
        TOO_LONG,
        /** A non-last fragment whose data length is not a multiple of 8: only it is dropped. */
        NOT_MULTIPLE_OF_8,
        /** The datagram's end disagrees with another fragment's: the datagram is discarded. */
        LENGTH_MISMATCH,
        /** The datagram has {@link #MAX_FRAGMENTS} fragments already: it is discarded. */
        TOO_MANY_FRAGMENTS,
        /** This fragment does not fit even with every other datagram evicted: its datagram is discarded. */
        NO_MEMORY,
        /** Not-ECT fragments mixed with ECT or CE ones (ip_frag_ecn_table): the datagram is discarded. */
        ECN_MISMATCH,
        /** Not a fragment, no data, or an oversized link-layer header: only it is dropped. */
        MALFORMED,
        /** The output buffer cannot hold the reassembled frame: the datagram is discarded. */
        OUTPUT_TOO_SMALL;

        private static final Reason[] BY_INDEX = values();

        public int code() {
            return -2 - ordinal();
        }

        /** The reason for a code {@link #offer} returned, or null for a length or {@link #HELD}. */
        public static Reason of(int code) {
            final int index = -2 - code;
            return index >= 0 && index < BY_INDEX.length ? BY_INDEX[index] : null;
        }
    }

    private static final int NONE = -1;
    private static final int HEADER_ROOM = MAX_L2_HEADER_LENGTH + Ipv4Flyweight.MAX_HEADER_LENGTH;
    /** ip4_frag_ecn(): one bit per codepoint, Not-ECT = bit 0 ... CE = bit 3. */
    private static final int ECN_NOT_ECT = 1;
    private static final int ECN_CE = 1 << 3;
    private static final int ECN_MASK = 3;

    private final long timeoutNanos;
    private final FragBlockPool pool;
    private final FragKeyIndex index;
    /** Creation order, for expiry: the head is always the next datagram to time out. */
    private final FragList byAge;
    /** Order of the last fragment received, for eviction. */
    private final FragList byUse;
    private final int[] freeSlots;
    private int freeSlotCount;

    private final long[] createdNanos;
    private final int[] fragmentCount;
    /** Data bytes held (the kernel's "meat"). */
    private final int[] held;
    /** Data length once the last fragment is in, else NONE. */
    private final int[] dataLength;
    /** IHL of the offset-0 fragment once it is in, else NONE; its L2 + IP header is in headers. */
    private final int[] ipHeaderLength;
    private final int[] l2HeaderLength;
    private final int[] ecnSeen;
    private final int[] maxFragmentLength;
    private final int[] maxDfFragmentLength;
    /** Per slot, MAX_FRAGMENTS records sorted by start, never overlapping: [start, end) and the block chain. */
    private final int[] fragmentStart;
    private final int[] fragmentEnd;
    private final int[] fragmentBlocks;
    private final UnsafeBuffer headers;
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();

    private long reassembled;
    private long timedOut;
    private long evicted;
    private final long[] dropped = new long[Reason.BY_INDEX.length];
    private int lastMaxFragmentLength;

    /**
     * @param maxBytes fragment data held at once, counted in whole blocks of 128 bytes
     * @param timeoutNanos lifetime of a datagram from its first fragment (Linux: 30 s)
     * @param maxDatagrams datagrams in progress at once
     */
    public Ipv4Reassembler(int maxBytes, long timeoutNanos, int maxDatagrams) {
        if (maxBytes < FragBlockPool.BLOCK_SIZE || timeoutNanos <= 0 || maxDatagrams < 1) {
            throw new IllegalArgumentException("need maxBytes >= " + FragBlockPool.BLOCK_SIZE
                    + ", timeoutNanos > 0 and maxDatagrams >= 1: " + maxBytes + ", " + timeoutNanos + ", " + maxDatagrams);
        }
        this.timeoutNanos = timeoutNanos;
        pool = new FragBlockPool(maxBytes / FragBlockPool.BLOCK_SIZE);
        index = new FragKeyIndex(maxDatagrams, ThreadLocalRandom.current().nextLong());
        byAge = new FragList(maxDatagrams);
        byUse = new FragList(maxDatagrams);
        freeSlots = new int[maxDatagrams];
        for (int i = 0; i < maxDatagrams; i++) {
            freeSlots[i] = maxDatagrams - 1 - i;
        }
        freeSlotCount = maxDatagrams;
        createdNanos = new long[maxDatagrams];
        fragmentCount = new int[maxDatagrams];
        held = new int[maxDatagrams];
        dataLength = new int[maxDatagrams];
        ipHeaderLength = new int[maxDatagrams];
        l2HeaderLength = new int[maxDatagrams];
        ecnSeen = new int[maxDatagrams];
        maxFragmentLength = new int[maxDatagrams];
        maxDfFragmentLength = new int[maxDatagrams];
        fragmentStart = new int[maxDatagrams * MAX_FRAGMENTS];
        fragmentEnd = new int[maxDatagrams * MAX_FRAGMENTS];
        fragmentBlocks = new int[maxDatagrams * MAX_FRAGMENTS];
        headers = new UnsafeBuffer(new byte[maxDatagrams * HEADER_ROOM]);
    }

    /**
     * Takes one received IPv4 fragment: the whole Ethernet frame and its parse.
     *
     * @param out where a completed datagram is written as an Ethernet frame: the L2 header of the
     *            frame that carried offset 0 (802.1Q tag included), that fragment's IPv4 header
     *            with its options, then the data in order
     * @return the length of the frame written at out/outOffset when this fragment completed its
     *         datagram; {@link #HELD}; or a {@link Reason#code()}, for which the caller counts a drop
     */
    public int offer(DirectBuffer frame, int frameOffset, int frameLength, ParsedFrame parsed, long nowNanos,
            MutableDirectBuffer out, int outOffset) {
        expire(nowNanos);
        final int ipOffset = parsed.l3Offset;
        final int ihl = parsed.l3HeaderLength;
        final int l2Length = ipOffset - frameOffset;
        final int dataOffset = ipOffset + ihl;
        final int length = parsed.l3End - dataOffset;
        final int start = parsed.fragmentOffset;
        final int end = start + length;
        final boolean last = !parsed.moreFragments;
        if (!parsed.fragment || length <= 0 || l2Length < 0 || l2Length > MAX_L2_HEADER_LENGTH
                || parsed.l3End > frameOffset + frameLength) {
            return drop(Reason.MALFORMED);
        }
        if (!last && (length & 7) != 0) {
            return drop(Reason.NOT_MULTIPLE_OF_8);
        }

        final long addrs = FragKeyIndex.addrs(parsed.src4, parsed.dst4);
        final int idProto = FragKeyIndex.idProto(parsed.fragmentId, parsed.protocol);
        int slot = index.find(addrs, idProto);
        final int headerLength = start == 0 ? ihl
                : slot != NONE && ipHeaderLength[slot] != NONE ? ipHeaderLength[slot] : Ipv4Flyweight.MIN_HEADER_LENGTH;
        if (headerLength + Math.max(end, slot == NONE ? 0 : highestEnd(slot)) > Ipv4Flyweight.MAX_TOTAL_LENGTH) {
            return slot == NONE ? drop(Reason.TOO_LONG) : discard(slot, Reason.TOO_LONG);
        }
        if (slot == NONE) {
            slot = create(addrs, idProto, nowNanos);
        } else {
            byUse.moveToTail(slot);
        }

        if (last ? end < highestEnd(slot) || (dataLength[slot] != NONE && end != dataLength[slot])
                : dataLength[slot] != NONE && end > dataLength[slot]) {
            return discard(slot, Reason.LENGTH_MISMATCH);
        }

        final int base = slot * MAX_FRAGMENTS;
        final int count = fragmentCount[slot];
        // Walk back from the highest record: in-order arrival appends after a single comparison.
        int insertAt = count;
        while (insertAt > 0 && fragmentStart[base + insertAt - 1] >= end) {
            insertAt--;
        }
        int covered = 0;
        for (int i = insertAt; i > 0 && fragmentEnd[base + i - 1] > start; i--) {
            covered += Math.min(fragmentEnd[base + i - 1], end) - Math.max(fragmentStart[base + i - 1], start);
        }
        if (covered == length) {
            return drop(Reason.DUPLICATE);
        }
        if (covered > 0) {
            return discard(slot, Reason.OVERLAP);
        }
        if (count == MAX_FRAGMENTS) {
            return discard(slot, Reason.TOO_MANY_FRAGMENTS);
        }
        if (!makeRoom(slot, FragBlockPool.blocksFor(length))) {
            return discard(slot, Reason.NO_MEMORY);
        }

        System.arraycopy(fragmentStart, base + insertAt, fragmentStart, base + insertAt + 1, count - insertAt);
        System.arraycopy(fragmentEnd, base + insertAt, fragmentEnd, base + insertAt + 1, count - insertAt);
        System.arraycopy(fragmentBlocks, base + insertAt, fragmentBlocks, base + insertAt + 1, count - insertAt);
        fragmentStart[base + insertAt] = start;
        fragmentEnd[base + insertAt] = end;
        fragmentBlocks[base + insertAt] = pool.store(frame, dataOffset, length);
        fragmentCount[slot] = count + 1;
        held[slot] += length;
        if (last) {
            dataLength[slot] = end;
        }
        if (start == 0) {
            headers.putBytes(slot * HEADER_ROOM, frame, frameOffset, l2Length + ihl);
            l2HeaderLength[slot] = l2Length;
            ipHeaderLength[slot] = ihl;
        }
        ecnSeen[slot] |= 1 << (parsed.tos & ECN_MASK);
        final int fragmentLength = ihl + length;
        maxFragmentLength[slot] = Math.max(maxFragmentLength[slot], fragmentLength);
        if ((Ipv4Flyweight.flagsAndFragmentOffset(frame, ipOffset) & Ipv4Flyweight.FLAG_DF) != 0) {
            maxDfFragmentLength[slot] = Math.max(maxDfFragmentLength[slot], fragmentLength);
        }

        if (ipHeaderLength[slot] != NONE && held[slot] == dataLength[slot]) {
            // No overlaps are ever held, so held == end-of-last means every byte is present.
            return complete(slot, out, outOffset);
        }
        return HELD;
    }

    /** Drops every datagram whose first fragment arrived timeoutNanos or more ago (ip_expire); returns how many. */
    public int expire(long nowNanos) {
        int expired = 0;
        for (int slot = byAge.head(); slot != FragList.NIL && nowNanos - createdNanos[slot] >= timeoutNanos;
                slot = byAge.head()) {
            release(slot);
            expired++;
        }
        timedOut += expired;
        return expired;
    }

    public long reassembled() {
        return reassembled;
    }

    public long timedOut() {
        return timedOut;
    }

    /** Datagrams evicted to make room for fragments of others. */
    public long evicted() {
        return evicted;
    }

    /** How many times {@link #offer} returned this reason's code. */
    public long dropped(Reason reason) {
        return dropped[reason.ordinal()];
    }

    /** Fragment data held, in the whole blocks it occupies. */
    public int bytesHeld() {
        return pool.usedBlocks() * FragBlockPool.BLOCK_SIZE;
    }

    public int datagramsHeld() {
        return freeSlots.length - freeSlotCount;
    }

    /**
     * The longest fragment (IP header + data) of the datagram the last completing {@link #offer}
     * returned, as the kernel's IPCB frag_max_size: when that datagram carries DF and must be
     * forwarded over a smaller MTU, refragment it to at most this size, keeping DF
     * ({@link Ipv4Fragmenter#fragment(DirectBuffer, int, int, int, boolean, Ipv4Fragmenter.FragmentSink)}),
     * rather than answering "fragmentation needed" to a sender that already fragments.
     */
    public int lastMaxFragmentLength() {
        return lastMaxFragmentLength;
    }

    private int create(long addrs, int idProto, long nowNanos) {
        if (freeSlotCount == 0) {
            evict(byUse.head());
        }
        final int slot = freeSlots[--freeSlotCount];
        index.insert(slot, addrs, idProto);
        byAge.addTail(slot);
        byUse.addTail(slot);
        createdNanos[slot] = nowNanos;
        fragmentCount[slot] = 0;
        held[slot] = 0;
        dataLength[slot] = NONE;
        ipHeaderLength[slot] = NONE;
        ecnSeen[slot] = 0;
        maxFragmentLength[slot] = 0;
        maxDfFragmentLength[slot] = 0;
        return slot;
    }

    /** Evicts least recently fed datagrams other than slot until blocks are free; false if slot alone is too big. */
    private boolean makeRoom(int slot, int blocks) {
        while (pool.freeBlocks() < blocks) {
            final int victim = byUse.head();
            if (victim == slot) {
                return false;
            }
            evict(victim);
        }
        return true;
    }

    private void evict(int slot) {
        release(slot);
        evicted++;
    }

    private int highestEnd(int slot) {
        final int count = fragmentCount[slot];
        return count == 0 ? 0 : fragmentEnd[slot * MAX_FRAGMENTS + count - 1];
    }

    private int complete(int slot, MutableDirectBuffer out, int outOffset) {
        final int ecn = ecnSeen[slot];
        if ((ecn & ECN_NOT_ECT) != 0 && ecn != ECN_NOT_ECT) {
            return discard(slot, Reason.ECN_MISMATCH);
        }
        final int l2Length = l2HeaderLength[slot];
        final int ihl = ipHeaderLength[slot];
        final int totalLength = ihl + dataLength[slot];
        if (outOffset < 0 || outOffset + l2Length + totalLength > out.capacity()) {
            return discard(slot, Reason.OUTPUT_TOO_SMALL);
        }
        out.putBytes(outOffset, headers, slot * HEADER_ROOM, l2Length + ihl);
        final int ipOffset = outOffset + l2Length;
        final int dataOffset = ipOffset + ihl;
        final int base = slot * MAX_FRAGMENTS;
        for (int i = 0; i < fragmentCount[slot]; i++) {
            pool.load(fragmentBlocks[base + i], fragmentEnd[base + i] - fragmentStart[base + i],
                    out, dataOffset + fragmentStart[base + i]);
        }
        // As ip_frag_reasm(): the whole flags word becomes DF or 0, DF only if the largest piece had it.
        final boolean df = maxDfFragmentLength[slot] == maxFragmentLength[slot];
        out.putShort(ipOffset + Ipv4Flyweight.FLAGS_FRAGMENT_OFFSET, (short) (df ? Ipv4Flyweight.FLAG_DF : 0), BIG_ENDIAN);
        ipv4.wrap(out, ipOffset).totalLength(totalLength);
        if ((ecn & ECN_CE) != 0) {
            ipv4.tos(ipv4.tos() | ECN_MASK);
        }
        ipv4.updateChecksum();
        lastMaxFragmentLength = maxFragmentLength[slot];
        release(slot);
        reassembled++;
        return l2Length + totalLength;
    }

    private int discard(int slot, Reason reason) {
        release(slot);
        return drop(reason);
    }

    private int drop(Reason reason) {
        dropped[reason.ordinal()]++;
        return reason.code();
    }

    private void release(int slot) {
        final int base = slot * MAX_FRAGMENTS;
        for (int i = 0; i < fragmentCount[slot]; i++) {
            pool.release(fragmentBlocks[base + i]);
        }
        fragmentCount[slot] = 0;
        index.remove(slot);
        byAge.remove(slot);
        byUse.remove(slot);
        freeSlots[freeSlotCount++] = slot;
    }
}
