package org.actorvs.forward;

import static org.actorvs.forward.FragFrames.OPTIONS;
import static org.actorvs.forward.FragFrames.OPTIONS_IN_LATER_FRAGMENTS;
import static org.actorvs.forward.FragFrames.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.actorvs.packet.Checksum;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv4Flyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class Ipv4FragmenterTest {
    private static final byte[] NO_OPTIONS = new byte[0];
    private static final int ID = 0x1234;

    private final Random random = new Random(11);
    private final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter();
    private final int[] result = new int[1];

    /** A UDP packet (no L2 header) of payloadLength random bytes. */
    private byte[] packet(byte[] options, int payloadLength, boolean df) {
        return FragFrames.build(new FrameBuilder()
                .ipv4(FragFrames.CLIENT, FragFrames.VIP, IpProtocol.UDP, FragFrames.TTL, ID, df).ipv4Options(options)
                .trafficClass(0x28).udp(40000, 53).payload(randomBytes(random, payloadLength)));
    }

    /** A hand-built fragment of a {@link #packet}: its header with these options, offset and MF, and this data. */
    private static byte[] expectedFragment(byte[] options, int offset, boolean more, byte[] data) {
        return FragFrames.build(new FrameBuilder()
                .ipv4(FragFrames.CLIENT, FragFrames.VIP, IpProtocol.UDP, FragFrames.TTL, ID, false).ipv4Options(options)
                .trafficClass(0x28).ipv4Fragment(offset, more).payload(data));
    }

    private List<byte[]> fragment(byte[] packet, int mtu) {
        return FragFrames.fragmentPacket(fragmenter, packet, mtu, false, result);
    }

    private static UnsafeBuffer wrap(byte[] bytes) {
        return new UnsafeBuffer(bytes);
    }

    @Test
    void fragmentsAreByteForByteTheHandBuiltOnes() {
        final byte[] packet = packet(NO_OPTIONS, 3000, false);
        final byte[] data = Arrays.copyOfRange(packet, 20, packet.length);
        final List<byte[]> fragments = fragment(packet, 1500);
        assertEquals(3, result[0]);
        assertArrayEquals(expectedFragment(NO_OPTIONS, 0, true, Arrays.copyOfRange(data, 0, 1480)), fragments.get(0));
        assertArrayEquals(expectedFragment(NO_OPTIONS, 1480, true, Arrays.copyOfRange(data, 1480, 2960)), fragments.get(1));
        assertArrayEquals(expectedFragment(NO_OPTIONS, 2960, false, Arrays.copyOfRange(data, 2960, 3008)), fragments.get(2));
    }

    @Test
    void everyFragmentFitsTheMtuAndAllButTheLastCarryMultiplesOf8() {
        final int mtu = 1006;
        final List<byte[]> fragments = fragment(packet(NO_OPTIONS, 5000, false), mtu);
        for (int i = 0; i < fragments.size(); i++) {
            final byte[] fragment = fragments.get(i);
            assertTrue(fragment.length <= mtu, "fragment " + i + " is " + fragment.length);
            if (i + 1 < fragments.size()) {
                assertEquals(0, (fragment.length - 20) % 8, "fragment " + i);
            }
        }
    }

    @Test
    void lastFragmentMayFillTheMtuWithoutRoundingDown() {
        // 980 data bytes of room: earlier pieces round down to 976, the last takes all 980 (ip_frag_next).
        final List<byte[]> fragments = fragment(packet(NO_OPTIONS, 976 + 980 - 8, false), 1000);
        assertEquals(2, fragments.size());
        assertEquals(996, fragments.get(0).length);
        assertEquals(1000, fragments.get(1).length);
    }

    @Test
    void offsetsAndMoreFragmentsFlagDescribeContiguousPieces() {
        final byte[] packet = packet(NO_OPTIONS, 7000, false);
        final List<byte[]> fragments = fragment(packet, 1500);
        int expectedOffset = 0;
        for (int i = 0; i < fragments.size(); i++) {
            final UnsafeBuffer fragment = wrap(fragments.get(i));
            final int word = Ipv4Flyweight.flagsAndFragmentOffset(fragment, 0);
            assertEquals(expectedOffset, (word & Ipv4Flyweight.FRAGMENT_OFFSET_MASK) << 3, "offset of " + i);
            assertEquals(i + 1 < fragments.size() ? Ipv4Flyweight.FLAG_MF : 0, word & ~Ipv4Flyweight.FRAGMENT_OFFSET_MASK);
            assertEquals(fragments.get(i).length, Ipv4Flyweight.totalLength(fragment, 0));
            expectedOffset += fragments.get(i).length - 20;
        }
        assertEquals(packet.length - 20, expectedOffset);
    }

    @Test
    void everyFragmentHasAValidHeaderChecksum() {
        for (byte[] fragment : fragment(packet(OPTIONS, 7000, false), 1500)) {
            final UnsafeBuffer buffer = wrap(fragment);
            assertTrue(Checksum.isIpv4HeaderValid(buffer, 0, Ipv4Flyweight.ihl(buffer, 0)));
        }
    }

    @Test
    void laterFragmentsKeepOnlyCopiedOptionsTheRestBecomeNops() {
        final byte[] packet = packet(OPTIONS, 3000, false);
        final byte[] data = Arrays.copyOfRange(packet, 36, packet.length);
        final List<byte[]> fragments = fragment(packet, 1500);
        assertEquals(3, fragments.size());
        assertArrayEquals(expectedFragment(OPTIONS, 0, true, Arrays.copyOfRange(data, 0, 1464)), fragments.get(0));
        assertArrayEquals(expectedFragment(OPTIONS_IN_LATER_FRAGMENTS, 1464, true, Arrays.copyOfRange(data, 1464, 2928)),
                fragments.get(1));
        assertArrayEquals(expectedFragment(OPTIONS_IN_LATER_FRAGMENTS, 2928, false, Arrays.copyOfRange(data, 2928, 3008)),
                fragments.get(2));
    }

    @Test
    void optionWalkStopsAtEndOfOptionsAndAtABadLength() {
        final byte[] header = new byte[40];
        final byte[] options = {0x44, 8, 5, 0, 0, 0, 0, 0, 0x00, 0x07, 3, 4, 0x07, 9, 4, 0, 0, 0, 0, 0};
        System.arraycopy(options, 0, header, 20, options.length);
        final byte[] expected = header.clone();
        Arrays.fill(expected, 20, 28, (byte) 1);
        Ipv4Fragmenter.nopNonCopiedOptions(wrap(header), 40);
        assertArrayEquals(expected, header);

        final byte[] badLength = new byte[28];
        final byte[] truncated = {0x07, 3, 4, 0x07, 9, 4, 0, 0};
        System.arraycopy(truncated, 0, badLength, 20, truncated.length);
        final byte[] expectedBad = badLength.clone();
        Arrays.fill(expectedBad, 20, 23, (byte) 1);
        Ipv4Fragmenter.nopNonCopiedOptions(wrap(badLength), 28);
        assertArrayEquals(expectedBad, badLength);
    }

    @Test
    void packetWithDontFragmentIsRefused() {
        final List<byte[]> fragments = fragment(packet(NO_OPTIONS, 3000, true), 1500);
        assertEquals(Ipv4Fragmenter.DONT_FRAGMENT, result[0]);
        assertEquals(0, fragments.size());
    }

    @Test
    void dontFragmentIsKeptOnEveryFragmentWhenAskedTo() {
        final List<byte[]> fragments = FragFrames.fragmentPacket(fragmenter, packet(NO_OPTIONS, 3000, true), 1500, true, result);
        assertEquals(3, result[0]);
        for (byte[] fragment : fragments) {
            assertTrue((Ipv4Flyweight.flagsAndFragmentOffset(wrap(fragment), 0) & Ipv4Flyweight.FLAG_DF) != 0);
        }
    }

    @Test
    void fragmentOfANonLastFragmentContinuesItsOffsetAndKeepsMoreFragmentsOnEveryPiece() {
        final byte[] data = randomBytes(random, 2000);
        final byte[] input = expectedFragment(OPTIONS, 1480, true, data);
        final List<byte[]> fragments = fragment(input, 1036);
        assertEquals(2, fragments.size());
        // Not the datagram's first piece: its options are already what later fragments carry, untouched.
        assertArrayEquals(expectedFragment(OPTIONS, 1480, true, Arrays.copyOfRange(data, 0, 1000)), fragments.get(0));
        assertArrayEquals(expectedFragment(OPTIONS, 2480, true, Arrays.copyOfRange(data, 1000, 2000)), fragments.get(1));
    }

    @Test
    void packetThatFitsTheMtuIsPassedWhole() {
        final byte[] packet = packet(NO_OPTIONS, 1000, true);
        final List<byte[]> fragments = fragment(packet, 1500);
        assertEquals(1, result[0]);
        assertArrayEquals(packet, fragments.get(0));
    }

    @Test
    void mtuLeavingLessThan8DataBytesIsRefused() {
        fragment(packet(OPTIONS, 100, false), 36 + 7);
        assertEquals(Ipv4Fragmenter.MTU_TOO_SMALL, result[0]);
    }

    @Test
    void totalLengthDisagreeingWithThePacketLengthIsRefused() {
        final byte[] packet = packet(NO_OPTIONS, 3000, false);
        assertEquals(Ipv4Fragmenter.MALFORMED,
                fragmenter.fragment(wrap(packet), 0, packet.length - 1, 1500, (buf, ipOffset, ipLength) -> { }));
    }
}
