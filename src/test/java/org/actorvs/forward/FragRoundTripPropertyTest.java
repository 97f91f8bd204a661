package org.actorvs.forward;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.actorvs.packet.Ipv4Flyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Fragmenting then reassembling, in any arrival order, gives back the frame that went in. */
class FragRoundTripPropertyTest {
    private static final int ROUNDS = 3000;
    private static final long TIMEOUT = 30_000_000_000L;
    /** Option lists of every length 0..40, a mix of copied and non-copied options. */
    private static final byte[][] OPTION_CHOICES = {
        new byte[0],
        {0x01, 0x01, 0x01, 0x00},
        FragFrames.OPTIONS,
        {(byte) 0x94, 4, 0, 0},
        {0x44, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x82, 11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x00},
        {0x07, 39, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0x00},
    };

    @Test
    void fragmentShuffleReassembleIsTheIdentity() {
        final Random random = new Random(20_240_601L);
        final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter();
        final FragFrames.Feeder feeder = new FragFrames.Feeder(new Ipv4Reassembler(1 << 20, TIMEOUT, 16));
        int id = 0;
        int fragmented = 0;
        for (int round = 0; round < ROUNDS; round++) {
            // A few datagrams at once, their fragments interleaved, so keys are kept apart too.
            final Map<Integer, byte[]> originals = new HashMap<>();
            final List<byte[]> arrivals = new ArrayList<>();
            final int datagrams = 1 + random.nextInt(3);
            for (int d = 0; d < datagrams; d++) {
                final byte[] options = OPTION_CHOICES[random.nextInt(OPTION_CHOICES.length)];
                final int payloadLength = random.nextInt(10) == 0 ? random.nextInt(30_000) : random.nextInt(6000);
                final int vlanTci = random.nextBoolean() ? -1 : random.nextInt(0x10000);
                id = (id + 1) & 0xFFFF;
                final byte[] original = FragFrames.udpDatagram(id, options, vlanTci,
                        FragFrames.randomBytes(random, payloadLength));
                final int mtu = mtuFor(random, original);
                final List<byte[]> fragments = FragFrames.fragmentFrame(fragmenter, original, mtu);
                final int ipLength = original.length - FragFrames.l2Length(original);
                if (ipLength <= mtu) {
                    assertEquals(1, fragments.size());
                    assertArrayEquals(original, fragments.get(0));
                    continue;
                }
                for (byte[] fragment : fragments) {
                    assertTrue(fragment.length - FragFrames.l2Length(fragment) <= mtu);
                }
                originals.put(id, original);
                arrivals.addAll(fragments);
                fragmented++;
            }
            Collections.shuffle(arrivals, random);
            for (byte[] fragment : arrivals) {
                final int result = feeder.offer(fragment, round);
                if (result == Ipv4Reassembler.HELD) {
                    continue;
                }
                final byte[] output = feeder.output();
                assertEquals(result, output.length, "round " + round);
                final int outputId = new UnsafeBuffer(output)
                        .getShort(FragFrames.l2Length(output) + Ipv4Flyweight.ID_OFFSET, BIG_ENDIAN) & 0xFFFF;
                assertArrayEquals(originals.remove(outputId), output, "round " + round);
            }
            assertTrue(originals.isEmpty(), "round " + round + " left " + originals.keySet());
            assertEquals(0, feeder.reassembler.datagramsHeld());
            assertEquals(0, feeder.reassembler.bytesHeld());
            assertEquals(fragmented, feeder.reassembler.reassembled());
        }
        assertTrue(fragmented > ROUNDS, "most datagrams needed fragmenting: " + fragmented);
    }

    /**
     * An MTU from 68 up, but large enough that the datagram needs at most MAX_FRAGMENTS pieces,
     * and now and then one the datagram already fits.
     */
    private static int mtuFor(Random random, byte[] frame) {
        final int ipLength = frame.length - FragFrames.l2Length(frame);
        final int ihl = Ipv4Flyweight.ihl(new UnsafeBuffer(frame), FragFrames.l2Length(frame));
        final int data = ipLength - ihl;
        final int minRoom = (data / Ipv4Reassembler.MAX_FRAGMENTS + 8) & ~7;
        final int minMtu = Math.max(68, ihl + minRoom);
        return random.nextInt(20) == 0 ? ipLength + random.nextInt(100) : minMtu + random.nextInt(random.nextBoolean() ? 1500 : 9000);
    }
}
