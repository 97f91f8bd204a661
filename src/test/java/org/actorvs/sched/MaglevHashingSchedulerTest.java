package org.actorvs.sched;

import static org.actorvs.sched.SchedFixture.count;
import static org.actorvs.sched.SchedFixture.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.actorvs.service.Destination;
import org.actorvs.service.ForwardingMethod;
import org.junit.jupiter.api.Test;

/**
 * mh. The offsets, skips and slots below were worked out outside this code base with the kernel's
 * arithmetic (hsiphash = SipHash-1-3, keys 2654435761 and 2654446892, M = 4093):
 * 10.0.0.1:80 → offset 3167, skip 700; 10.0.0.2:80 → offset 1231, skip 3544;
 * client 192.168.0.1 → slot 1278; 192.168.0.17 → slot 2706, fallback probes 396, 3022, 3612, 2544.
 */
class MaglevHashingSchedulerTest {
    private static final int M = MaglevHashingScheduler.TAB_SIZE;

    private final SchedFixture fx = new SchedFixture();
    private final Destination a = fx.dest(1, 1);
    private final Destination b = fx.dest(2, 1);

    @Test
    void hsiphashMatchesTheKernelSelfTestVector() {
        // lib/test_siphash.c, 64-bit: hsiphash of bytes 00 01 02 03 under key 00..0f.
        assertEquals(0x88d38328, IpvsHash.hsiphash(0x03020100, 0x0706050403020100L, 0x0f0e0d0c0b0a0908L));
    }

    @Test
    void hsiphashMatchesAStraightforwardSipHash13() {
        final Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            final int value = random.nextInt();
            final long key = random.nextBoolean() ? MaglevHashingScheduler.HASH1_KEY : random.nextLong();
            final byte[] message = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
            assertEquals((int) sipHash(message, key, key, 1, 3), IpvsHash.hsiphash(value, key, key));
        }
    }

    @Test
    void eachDestinationClaimsItsOffsetThenSkipsAlongItsPermutation() {
        final Destination[] table = new MaglevHashingScheduler(0, List.of(a, b)).table();

        assertSame(a, table[3167]);
        assertSame(b, table[1231]);
        assertSame(a, table[(3167 + 700) % M]);
        assertSame(b, table[(1231 + 3544) % M]);
    }

    @Test
    void equalWeightsSplitTheTableAndAClientGoesToItsSlotsOwner() {
        final MaglevHashingScheduler mh = new MaglevHashingScheduler(0, List.of(a, b));

        // 4093 = 2 × 2046 + 1: A, first in the list, takes the odd slot.
        assertEquals(2047, count(mh.table(), a));
        assertEquals(2046, count(mh.table(), b));
        assertSame(b, mh.schedule(fx.from(ipv4(192, 168, 0, 1), 1111)));
        assertSame(b, mh.schedule(fx.from(ipv4(192, 168, 0, 1), 2222)));
    }

    @Test
    void weightsTwoToOneGiveTwoClaimsPerSweep() {
        a.setWeight(2);
        final MaglevHashingScheduler mh = new MaglevHashingScheduler(0, List.of(a, b));

        // 4093 = 3 × 1364 + 1.
        assertEquals(2729, count(mh.table(), a));
        assertEquals(1364, count(mh.table(), b));
        assertSame(a, mh.schedule(fx.from(ipv4(192, 168, 0, 1), 1111)));
    }

    @Test
    void largeWeightsAreShiftedDownToSixBitsOfTurns() {
        a.setWeight(1000);
        b.setWeight(10);
        // gcd 10, 100 has 7 bits: shift 1, so 50 turns against 1 (0 rounded up to 1).
        // 4093 = 80 × 51 + 13: 80 full sweeps, then 13 more claims by A.
        final Destination[] table = new MaglevHashingScheduler(0, List.of(a, b)).table();

        assertEquals(4013, count(table, a));
        assertEquals(80, count(table, b));
    }

    @Test
    void tableMatchesTheMaglevPaperFillWithWeightedTurns() {
        final int[] weights = {3, 1, 2, 1, 1, 5, 1, 2, 1, 4};
        final List<Destination> dests = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            dests.add(fx.dest(20 + i, weights[i]));
        }

        assertArrayEquals(paperFill(dests, weights), new MaglevHashingScheduler(0, dests).table());
    }

    @Test
    void mhPortAddsTheSourcePort() {
        final Scheduler mh = Schedulers.create("mh", Schedulers.MH_PORT, List.of(a, b));

        assertSame(a, mh.schedule(fx.from(ipv4(192, 168, 0, 1), 5000)));
        assertSame(b, mh.schedule(fx.from(ipv4(192, 168, 0, 1), 5001)));
    }

    @Test
    void quiescingKeepsTheTableSoOnlyThatDestinationsClientsAreAffected() {
        final Destination c = fx.dest(3, 1);
        final MaglevHashingScheduler mh = new MaglevHashingScheduler(0, List.of(a, b, c));
        final Destination[] before = mh.table();

        a.setWeight(0);
        mh.update(List.of(a, b, c));

        assertArrayEquals(before, mh.table());
        assertNull(mh.schedule(fx.from(ipv4(192, 168, 0, 17), 1)));  // slot 2706: A
    }

    @Test
    void fallbackRehashesWithAGrowingOffset() {
        final Destination c = fx.dest(3, 1);
        final List<Destination> dests = List.of(a, b, c);
        final Scheduler mh = Schedulers.create("mh", Schedulers.MH_FALLBACK, dests);
        a.setWeight(0);
        mh.update(dests);

        // Slot 2706 and the first probe (396) are A's; the second probe (3022) is B's.
        assertSame(b, mh.schedule(fx.from(ipv4(192, 168, 0, 17), 1)));
        b.setWeight(0);
        mh.update(dests);
        // Probe 3022 is B's, 3612 A's, 2544 C's.
        assertSame(c, mh.schedule(fx.from(ipv4(192, 168, 0, 17), 1)));
    }

    @Test
    void removingOneOfTenEqualDestinationsMovesLittleMoreThanItsShare() {
        final List<Destination> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(fx.dest(100 + i, 1));
        }
        final Scheduler mh = Schedulers.create("mh", 0, ten);
        final Random random = new Random(42);
        final long[] clients = new long[100_000];
        final Destination[] before = new Destination[clients.length];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = random.nextInt() & 0xFFFF_FFFFL;
            before[i] = mh.schedule(fx.from(clients[i], 1));
        }

        mh.update(ten.subList(1, 10));

        int moved = 0;
        for (int i = 0; i < clients.length; i++) {
            if (mh.schedule(fx.from(clients[i], 1)) != before[i]) {
                moved++;
            }
        }
        assertTrue(moved <= clients.length * (0.10 + 0.02), moved + " of 100000 clients moved");
    }

    @Test
    void equalWeightsShareTheSlotsWithinFivePercent() {
        final List<Destination> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(fx.dest(100 + i, 7));
        }
        final Destination[] table = new MaglevHashingScheduler(0, ten).table();
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (final Destination dest : ten) {
            final int n = count(table, dest);
            min = Math.min(min, n);
            max = Math.max(max, n);
        }

        assertTrue(max <= min * 1.05, "largest share " + max + ", smallest " + min);
    }

    @Test
    void withoutAnyWeightTheTableIsEmpty() {
        final MaglevHashingScheduler mh = new MaglevHashingScheduler(Schedulers.MH_FALLBACK,
            List.of(fx.dest(5, 0), fx.dest(6, 0)));

        assertEquals(M, count(mh.table(), null));
        assertNull(mh.schedule(fx.from(ipv4(192, 168, 0, 1), 1)));
    }

    @Test
    void moreDestinationsThanSlotsAreRefused() {
        final List<Destination> many = new ArrayList<>();
        for (int i = 0; i <= M; i++) {
            many.add(fx.registry.create(4, 0L, ipv4(10, 1, i >> 8, i & 0xFF), 80,
                ForwardingMethod.DROUTE, 1, 0, 0));
        }

        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Schedulers.create("mh", 0, many));
        assertTrue(e.getMessage().contains("4093"), e.getMessage());
    }

    /**
     * Maglev as the NSDI'16 paper writes it (Pseudocode 1): permutation[i][j] = (offset + j × skip) mod M,
     * destinations taking turns in list order, here {@code turns[i]} claims per round.
     */
    private static Destination[] paperFill(final List<Destination> dests, final int[] turns) {
        final int n = dests.size();
        final long[] offset = new long[n];
        final long[] skip = new long[n];
        for (int i = 0; i < n; i++) {
            final Destination d = dests.get(i);
            final int value = (int) d.addrLo() + d.port();
            final byte[] message = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
            offset[i] = (sipHash(message, MaglevHashingScheduler.HASH1_KEY, MaglevHashingScheduler.HASH1_KEY, 1, 3)
                & 0xFFFF_FFFFL) % M;
            skip[i] = (sipHash(message, MaglevHashingScheduler.HASH2_KEY, MaglevHashingScheduler.HASH2_KEY, 1, 3)
                & 0xFFFF_FFFFL) % (M - 1) + 1;
        }
        final long[] next = new long[n];
        final Destination[] entry = new Destination[M];
        int filled = 0;
        while (true) {
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < turns[i]; t++) {
                    int c;
                    do {
                        c = (int) ((offset[i] + next[i] * skip[i]) % M);
                        next[i]++;
                    } while (entry[c] != null);
                    entry[c] = dests.get(i);
                    if (++filled == M) {
                        return entry;
                    }
                }
            }
        }
    }

    /** SipHash-c-d over a byte message, written from the SipHash paper. */
    private static long sipHash(final byte[] message, final long k0, final long k1, final int c, final int d) {
        final long[] v = {0x736f6d6570736575L ^ k0, 0x646f72616e646f6dL ^ k1, 0x6c7967656e657261L ^ k0,
            0x7465646279746573L ^ k1};
        final int whole = message.length - message.length % 8;
        for (int i = 0; i < whole; i += 8) {
            long m = 0;
            for (int j = 7; j >= 0; j--) {
                m = (m << 8) | (message[i + j] & 0xFF);
            }
            v[3] ^= m;
            for (int r = 0; r < c; r++) {
                sipRound(v);
            }
            v[0] ^= m;
        }
        long last = (long) message.length << 56;
        for (int j = message.length - 1; j >= whole; j--) {
            last |= (long) (message[j] & 0xFF) << (8 * (j - whole));
        }
        v[3] ^= last;
        for (int r = 0; r < c; r++) {
            sipRound(v);
        }
        v[0] ^= last;
        v[2] ^= 0xFF;
        for (int r = 0; r < d; r++) {
            sipRound(v);
        }
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void sipRound(final long[] v) {
        v[0] += v[1];
        v[1] = Long.rotateLeft(v[1], 13) ^ v[0];
        v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3];
        v[3] = Long.rotateLeft(v[3], 16) ^ v[2];
        v[0] += v[3];
        v[3] = Long.rotateLeft(v[3], 21) ^ v[0];
        v[2] += v[1];
        v[1] = Long.rotateLeft(v[1], 17) ^ v[2];
        v[2] = Long.rotateLeft(v[2], 32);
    }
}
