package org.actorvs.forward;

import static org.actorvs.forward.FragFrames.OPTIONS;
import static org.actorvs.forward.FragFrames.cut;
import static org.actorvs.forward.FragFrames.fragment;
import static org.actorvs.forward.FragFrames.fragmentFrame;
import static org.actorvs.forward.FragFrames.randomBytes;
import static org.actorvs.forward.FragFrames.udpDatagram;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.actorvs.forward.Ipv4Reassembler.Reason;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.FrameParser;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.ParsedFrame;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class Ipv4ReassemblerTest {
    private static final long TIMEOUT = 30_000_000_000L;
    private static final byte[] NO_OPTIONS = new byte[0];
    private static final int UNTAGGED = -1;

    private final Random random = new Random(7);
    private final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter();
    private final FragFrames.Feeder feeder = new FragFrames.Feeder(new Ipv4Reassembler(256 * 1024, TIMEOUT, 64));
    private final Ipv4Reassembler reassembler = feeder.reassembler;

    private byte[] datagram(int id, int payloadLength) {
        return udpDatagram(id, NO_OPTIONS, UNTAGGED, randomBytes(random, payloadLength));
    }

    private void assertReassemblesTo(byte[] original, List<byte[]> fragments) {
        assertEquals(original.length, feeder.offerAll(fragments));
        assertArrayEquals(original, feeder.output());
        assertEquals(1, reassembler.reassembled());
        assertEquals(0, reassembler.datagramsHeld());
        assertEquals(0, reassembler.bytesHeld());
    }

    @Test
    void inOrderFragmentsReassembleToTheOriginalFrame() {
        final byte[] original = datagram(1, 4000);
        final List<byte[]> fragments = fragmentFrame(fragmenter, original, 1500);
        assertEquals(3, fragments.size());
        assertReassemblesTo(original, fragments);
    }

    @Test
    void reverseOrderFragmentsReassembleToTheOriginalFrame() {
        final byte[] original = datagram(2, 4000);
        final List<byte[]> fragments = fragmentFrame(fragmenter, original, 1500);
        Collections.reverse(fragments);
        assertReassemblesTo(original, fragments);
    }

    @Test
    void shuffledFragmentsReassembleToTheOriginalFrame() {
        final byte[] original = datagram(3, 9000);
        final List<byte[]> fragments = fragmentFrame(fragmenter, original, 576);
        Collections.shuffle(fragments, random);
        assertReassemblesTo(original, fragments);
    }

    @Test
    void handBuiltFragmentsOfUnequalSizesReassembleToTheOriginalFrame() {
        final byte[] original = datagram(4, 1500);
        final List<byte[]> fragments = cut(original, 4, NO_OPTIONS, UNTAGGED, 0, 24, 32, 1000, 1496);
        Collections.swap(fragments, 0, 3);
        assertReassemblesTo(original, fragments);
    }

    @Test
    void firstFragmentsOptionsAreKeptInTheReassembledHeader() {
        final byte[] original = udpDatagram(5, OPTIONS, UNTAGGED, randomBytes(random, 600));
        final List<byte[]> fragments = cut(original, 5, NO_OPTIONS, UNTAGGED, 0, 200, 400);
        // Only the offset-0 fragment carries the options; the header comes from it whatever the others hold.
        fragments.set(0, cut(original, 5, OPTIONS, UNTAGGED, 0, 200, 400).get(0));
        Collections.reverse(fragments);
        assertReassemblesTo(original, fragments);
    }

    @Test
    void vlanTaggedFirstFragmentKeepsItsTag() {
        final int tci = (5 << 13) | 42;
        final byte[] original = udpDatagram(6, NO_OPTIONS, tci, randomBytes(random, 3000));
        final List<byte[]> fragments = fragmentFrame(fragmenter, original, 1500);
        // Later fragments arrive untagged: the L2 header of the offset-0 frame is the one kept.
        final List<byte[]> untagged = cut(original, 6, NO_OPTIONS, UNTAGGED, 0, 1480, 2960);
        fragments.set(1, untagged.get(1));
        fragments.set(2, untagged.get(2));
        Collections.reverse(fragments);
        assertReassemblesTo(original, fragments);
    }

    @Test
    void fragmentsOfDatagramsWithDifferentKeysAreKeptApart() {
        final byte[] first = datagram(7, 2000);
        final byte[] second = tcpDatagram(7, 2000);
        final List<byte[]> a = fragmentFrame(fragmenter, first, 1000);
        final List<byte[]> b = fragmentFrame(fragmenter, second, 1000);
        assertEquals(Ipv4Reassembler.HELD, feeder.offer(a.get(0), 0));
        assertEquals(Ipv4Reassembler.HELD, feeder.offer(b.get(0), 0));
        assertEquals(Ipv4Reassembler.HELD, feeder.offer(a.get(1), 0));
        assertEquals(Ipv4Reassembler.HELD, feeder.offer(b.get(1), 0));
        assertEquals(2, reassembler.datagramsHeld());
        assertEquals(second.length, feeder.offer(b.get(2), 0));
        assertArrayEquals(second, feeder.output());
        assertEquals(first.length, feeder.offer(a.get(2), 0));
        assertArrayEquals(first, feeder.output());
    }

    /** Same addresses and id as {@link #datagram}, but TCP: another reassembly key. */
    private byte[] tcpDatagram(int id, int payloadLength) {
        return FragFrames.build(new FrameBuilder().ethernet(FragFrames.DST_MAC, FragFrames.SRC_MAC)
                .ipv4(FragFrames.CLIENT, FragFrames.VIP, IpProtocol.TCP, FragFrames.TTL, id, false)
                .tcp(80, 40000, 1, 2, 0x10, 1000).payload(randomBytes(random, payloadLength)));
    }

    @Test
    void overlappingFragmentDiscardsTheWholeDatagram() {
        final byte[] original = datagram(8, 100);
        final byte[] data = FragFrames.ipData(original);
        assertEquals(Ipv4Reassembler.HELD, offerPiece(8, data, 0, 16, true));
        assertEquals(Reason.OVERLAP.code(), offerPiece(8, data, 8, 24, true));
        assertEquals(0, reassembler.datagramsHeld());
        assertEquals(0, reassembler.bytesHeld());
        // The rest arrives into a fresh queue that lacks the first piece, so nothing completes.
        assertEquals(Ipv4Reassembler.HELD, offerPiece(8, data, 16, data.length, false));
        assertEquals(1, reassembler.dropped(Reason.OVERLAP));
        assertEquals(0, reassembler.reassembled());
    }

    @Test
    void duplicateFragmentIsDroppedAloneAndTheDatagramStillCompletes() {
        final byte[] original = datagram(9, 3000);
        final List<byte[]> fragments = fragmentFrame(fragmenter, original, 1500);
        assertEquals(Ipv4Reassembler.HELD, feeder.offer(fragments.get(0), 0));
        assertEquals(Ipv4Reassembler.HELD, feeder.offer(fragments.get(1), 0));
        assertEquals(Reason.DUPLICATE.code(), feeder.offer(fragments.get(1), 0));
        // A piece spanning two held fragments is a duplicate too: every byte of it is already here.
        final byte[] data = FragFrames.ipData(original);
        assertEquals(Reason.DUPLICATE.code(), offerPiece(9, data, 1472, 1496, true));
        assertEquals(original.length, feeder.offer(fragments.get(2), 0));
        assertArrayEquals(original, feeder.output());
        assertEquals(2, reassembler.dropped(Reason.DUPLICATE));
    }

    @Test
    void datagramExpiresTimeoutAfterItsFirstFragmentWhateverArrivesLater() {
        final List<byte[]> fragments = fragmentFrame(fragmenter, datagram(10, 4000), 1500);
        assertEquals(Ipv4Reassembler.HELD, feeder.offer(fragments.get(0), 0));
        assertEquals(Ipv4Reassembler.HELD, feeder.offer(fragments.get(1), TIMEOUT - 1));
        assertEquals(0, reassembler.expire(TIMEOUT - 1));
        assertEquals(1, reassembler.expire(TIMEOUT));
        assertEquals(1, reassembler.timedOut());
        assertEquals(0, reassembler.datagramsHeld());
        assertEquals(0, reassembler.bytesHeld());
    }

    @Test
    void fragmentArrivingAfterTheTimeoutFindsItsDatagramExpired() {
        final List<byte[]> fragments = fragmentFrame(fragmenter, datagram(11, 2000), 1500);
        assertEquals(Ipv4Reassembler.HELD, feeder.offer(fragments.get(0), 0));
        assertEquals(Ipv4Reassembler.HELD, feeder.offer(fragments.get(1), TIMEOUT));
        assertEquals(1, reassembler.timedOut());
        assertEquals(0, reassembler.reassembled());
        assertEquals(1, reassembler.datagramsHeld());
    }

    @Test
    void memoryBoundEvictsTheLeastRecentlyFedDatagram() {
        // Room for 23 blocks of 128 bytes: a 1480-byte fragment takes 12, so two do not fit.
        final FragFrames.Feeder small = new FragFrames.Feeder(new Ipv4Reassembler(3000, TIMEOUT, 8));
        final List<byte[]> a = fragmentFrame(fragmenter, datagram(12, 2000), 1500);
        final byte[] second = datagram(13, 2000);
        final List<byte[]> b = fragmentFrame(fragmenter, second, 1500);
        assertEquals(Ipv4Reassembler.HELD, small.offer(a.get(0), 0));
        assertEquals(1536, small.reassembler.bytesHeld());
        assertEquals(Ipv4Reassembler.HELD, small.offer(b.get(0), 1));
        assertEquals(1, small.reassembler.evicted());
        assertEquals(1, small.reassembler.datagramsHeld());
        assertEquals(Ipv4Reassembler.HELD, small.offer(a.get(1), 2));
        assertEquals(second.length, small.offer(b.get(1), 3));
        assertArrayEquals(second, small.output());
    }

    @Test
    void fragmentLargerThanTheWholeMemoryBoundIsRefused() {
        final FragFrames.Feeder tiny = new FragFrames.Feeder(new Ipv4Reassembler(1024, TIMEOUT, 8));
        final List<byte[]> fragments = fragmentFrame(fragmenter, datagram(14, 2000), 1500);
        assertEquals(Reason.NO_MEMORY.code(), tiny.offer(fragments.get(0), 0));
        assertEquals(0, tiny.reassembler.datagramsHeld());
        assertEquals(0, tiny.reassembler.evicted());
    }

    @Test
    void datagramSlotsRunningOutEvictsTheLeastRecentlyFed() {
        final FragFrames.Feeder two = new FragFrames.Feeder(new Ipv4Reassembler(256 * 1024, TIMEOUT, 2));
        final byte[] first = datagram(15, 4000);
        final List<byte[]> a = fragmentFrame(fragmenter, first, 1500);
        final List<byte[]> b = fragmentFrame(fragmenter, datagram(16, 4000), 1500);
        final List<byte[]> c = fragmentFrame(fragmenter, datagram(17, 4000), 1500);
        assertEquals(Ipv4Reassembler.HELD, two.offer(a.get(0), 0));
        assertEquals(Ipv4Reassembler.HELD, two.offer(b.get(0), 1));
        assertEquals(Ipv4Reassembler.HELD, two.offer(a.get(1), 2));
        // b, older in use than a though younger in age, gives its slot to c.
        assertEquals(Ipv4Reassembler.HELD, two.offer(c.get(0), 3));
        assertEquals(1, two.reassembler.evicted());
        assertEquals(first.length, two.offer(a.get(2), 4));
        assertArrayEquals(first, two.output());
    }

    @Test
    void moreThanMaxFragmentsDiscardTheDatagram() {
        final byte[] data = FragFrames.ipData(datagram(18, 8 * 70 - 8));
        for (int i = 0; i < Ipv4Reassembler.MAX_FRAGMENTS; i++) {
            assertEquals(Ipv4Reassembler.HELD, offerPiece(18, data, 8 * i, 8 * i + 8, true));
        }
        final int next = 8 * Ipv4Reassembler.MAX_FRAGMENTS;
        assertEquals(Reason.TOO_MANY_FRAGMENTS.code(), offerPiece(18, data, next, next + 8, true));
        assertEquals(0, reassembler.datagramsHeld());
        assertEquals(0, reassembler.bytesHeld());
    }

    @Test
    void datagramOfExactlyMaxFragmentsReassembles() {
        final byte[] original = datagram(19, 8 * Ipv4Reassembler.MAX_FRAGMENTS - 8);
        final int[] offsets = new int[Ipv4Reassembler.MAX_FRAGMENTS];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = 8 * i;
        }
        final List<byte[]> fragments = cut(original, 19, NO_OPTIONS, UNTAGGED, offsets);
        Collections.shuffle(fragments, random);
        assertReassemblesTo(original, fragments);
    }

    @Test
    void nonLastFragmentWhoseDataIsNotAMultipleOf8IsRefused() {
        final byte[] data = FragFrames.ipData(datagram(20, 100));
        assertEquals(Reason.NOT_MULTIPLE_OF_8.code(), offerPiece(20, data, 0, 12, true));
        assertEquals(0, reassembler.datagramsHeld());
        assertEquals(1, reassembler.dropped(Reason.NOT_MULTIPLE_OF_8));
    }

    @Test
    void lastFragmentDisagreeingOnTheLengthDiscardsTheDatagram() {
        final byte[] data = FragFrames.ipData(datagram(21, 100));
        assertEquals(Ipv4Reassembler.HELD, offerPiece(21, data, 16, 100, false));
        assertEquals(Reason.LENGTH_MISMATCH.code(), offerPiece(21, data, 16, 60, false));
        assertEquals(0, reassembler.datagramsHeld());
    }

    @Test
    void fragmentPastTheKnownEndDiscardsTheDatagram() {
        final byte[] data = FragFrames.ipData(datagram(22, 100));
        assertEquals(Ipv4Reassembler.HELD, offerPiece(22, data, 16, 40, false));
        assertEquals(Reason.LENGTH_MISMATCH.code(), offerPiece(22, data, 40, 56, true));
        assertEquals(0, reassembler.datagramsHeld());
    }

    @Test
    void datagramLongerThan65535BytesIsDiscarded() {
        // The parser passes each piece (offset + its own length <= 65535); only the first one's
        // 36-byte header makes the whole too long.
        final byte[] data = new byte[16];
        data[5] = 16;
        assertEquals(Ipv4Reassembler.HELD, feeder.offer(fragment(23, OPTIONS, UNTAGGED, 0, true, data), 0));
        assertEquals(Reason.TOO_LONG.code(),
                feeder.offer(fragment(23, NO_OPTIONS, UNTAGGED, 65504, false, slice(data, 0, 11)), 0));
        assertEquals(0, reassembler.datagramsHeld());
    }

    @Test
    void congestionMarkOnAnyFragmentMarksTheReassembledDatagram() {
        final byte[] original = withTos(datagram(24, 2000), 0x02);
        final List<byte[]> fragments = fragmentFrame(fragmenter, original, 1500);
        fragments.set(1, withTos(fragments.get(1), 0x03));
        assertEquals(original.length, feeder.offerAll(fragments));
        assertArrayEquals(withTos(original, 0x03), feeder.output());
    }

    @Test
    void notEctFragmentMixedWithEctOnesDiscardsTheDatagram() {
        final List<byte[]> fragments = fragmentFrame(fragmenter, withTos(datagram(25, 2000), 0x02), 1500);
        fragments.set(1, withTos(fragments.get(1), 0x00));
        assertEquals(Reason.ECN_MISMATCH.code(), feeder.offerAll(fragments));
        assertEquals(0, reassembler.datagramsHeld());
    }

    @Test
    void reassembledHeaderKeepsDfOnlyWhenTheLargestFragmentHadIt() {
        final byte[] original = datagram(26, 2000);
        final List<byte[]> fragments = fragmentFrame(fragmenter, original, 1500);
        fragments.set(0, withDf(fragments.get(0)));
        assertEquals(original.length, feeder.offerAll(fragments));
        assertArrayEquals(withDf(original), feeder.output());
        assertEquals(1500, reassembler.lastMaxFragmentLength());

        final List<byte[]> smallDf = fragmentFrame(fragmenter, datagram(27, 2000), 1500);
        smallDf.set(1, withDf(smallDf.get(1)));
        feeder.offerAll(smallDf);
        assertEquals(0, Ipv4Flyweight.flagsAndFragmentOffset(new UnsafeBuffer(feeder.output()), FragFrames.ETHERNET));
    }

    @Test
    void steadyStateReassemblyAllocatesNothing() {
        final List<byte[]> frames = new ArrayList<>();
        for (int id = 0; id < 50; id++) {
            frames.addAll(fragmentFrame(fragmenter, datagram(1000 + id, 3000), 1000));
        }
        final UnsafeBuffer[] buffers = frames.stream().map(UnsafeBuffer::new).toArray(UnsafeBuffer[]::new);
        final FrameParser parser = new FrameParser(true);
        final ParsedFrame parsed = new ParsedFrame();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[70_000]);
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = 0;
        int completed = 0;
        for (int round = 0; round < 20; round++) {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (UnsafeBuffer buffer : buffers) {
                parser.parse(buffer, 0, buffer.capacity(), parsed);
                if (reassembler.offer(buffer, 0, buffer.capacity(), parsed, round, out, 0) > 0) {
                    completed++;
                }
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(20 * 50, completed);
        assertEquals(0, allocated, "bytes allocated in the last round");
    }

    /** Offers, at time 0, a hand-built fragment holding data[from, to) at offset from. */
    private int offerPiece(int id, byte[] data, int from, int to, boolean more) {
        return feeder.offer(fragment(id, NO_OPTIONS, UNTAGGED, from, more, slice(data, from, to)), 0);
    }

    private static byte[] slice(byte[] data, int from, int to) {
        return Arrays.copyOfRange(data, from, to);
    }

    private static byte[] withTos(byte[] frame, int tos) {
        final byte[] copy = frame.clone();
        final UnsafeBuffer buffer = new UnsafeBuffer(copy);
        new Ipv4Flyweight().wrap(buffer, FragFrames.l2Length(copy)).tos(tos).updateChecksum();
        return copy;
    }

    private static byte[] withDf(byte[] frame) {
        final byte[] copy = frame.clone();
        new Ipv4Flyweight().wrap(new UnsafeBuffer(copy), FragFrames.l2Length(copy)).dontFragment(true).updateChecksum();
        return copy;
    }
}
