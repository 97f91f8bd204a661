package org.actorvs.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * A million random and mutated frames through VrrpInstance: nothing throws, and a frame the
 * validator rejects leaves the router exactly as it was and sends nothing.
 */
class VrrpFuzzTest {
    private static final int FRAMES = 1_000_000;
    private static final long MS = 1_000_000L;

    @Test
    void aMillionMutatedAdvertsNeverThrowAndRejectedOnesNeverTouchTheRouter() {
        final long[] sent = new long[1];
        final VrrpConfig config = Adverts.ours();
        final VrrpInstance instance = new VrrpInstance(Adverts.port(0, Adverts.OURS, Adverts.OUR_MAC), config,
                (p, b, o, l) -> sent[0]++);
        final VrrpRouter router = instance.router();
        final SplittableRandom random = new SplittableRandom(5798);
        final byte[][] seeds = {Adverts.peer(150), Adverts.peer(50), Adverts.peer(0),
            Adverts.from(Adverts.peerConfig(config.withVersion(3, 100)), 150),
            Adverts.from(Adverts.peerConfig(config.withPassword("pw")), 150)};
        final byte[] buffer = new byte[128];
        final UnsafeBuffer view = new UnsafeBuffer(buffer);
        long now = 1_000_000 * MS;
        instance.startup(now);
        long accepted = 0;
        long rejected = 0;
        for (int i = 0; i < FRAMES; i++) {
            final int length = mutate(random, seeds[random.nextInt(seeds.length)], buffer);
            final VrrpRouter.State state = router.state();
            final long deadline = router.deadline();
            final long interval = router.masterAdverIntervalNanos();
            final long sentBefore = sent[0];
            final long okBefore = instance.validator().count(VrrpValidator.OK);
            instance.onFrame(view, 0, length, now);
            if (instance.validator().count(VrrpValidator.OK) == okBefore) {
                rejected++;
                assertEquals(state, router.state(), "frame " + i);
                assertEquals(deadline, router.deadline(), "frame " + i);
                assertEquals(interval, router.masterAdverIntervalNanos(), "frame " + i);
                assertEquals(sentBefore, sent[0], "frame " + i);
            } else {
                accepted++;
            }
            if ((i & 1023) == 0) {
                now += 700 * MS;
                instance.onTimer(now);
            }
        }
        long counted = 0;
        for (int r = 0; r < VrrpValidator.REASONS; r++) {
            counted += instance.validator().count(r);
        }
        assertEquals(FRAMES, counted, "every frame has exactly one reason");
        assertEquals(FRAMES, accepted + rejected);
        assertTrue(accepted > 10_000, "the mutations also reach the router: " + accepted);
        assertTrue(rejected > FRAMES / 2, "most mutations are rejected: " + rejected);
    }

    /** One of: bit flips, a field set at random and the checksums fixed, a cut, padding, pure noise. */
    private static int mutate(SplittableRandom random, byte[] seed, byte[] out) {
        System.arraycopy(seed, 0, out, 0, seed.length);
        int length = seed.length;
        switch (random.nextInt(6)) {
            case 0 -> {
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    out[random.nextInt(length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> {
                // A VRRP field at random, sealed: reaches the semantic checks and the router.
                out[Adverts.VRRP + random.nextInt(8)] = (byte) random.nextInt(256);
                reseal(out, length);
            }
            case 2 -> length = random.nextInt(length + 1);
            case 3 -> {
                length = Math.min(out.length, length + random.nextInt(out.length - length + 1));
                for (int i = seed.length; i < length; i++) {
                    out[i] = (byte) random.nextInt(256);
                }
            }
            case 4 -> {
                length = random.nextInt(out.length + 1);
                for (int i = 0; i < length; i++) {
                    out[i] = (byte) random.nextInt(256);
                }
            }
            default -> {
                // Untouched or re-prioritised valid adverts keep the router moving between states.
                out[Adverts.VRRP + VrrpFlyweight.PRIORITY_OFFSET] = (byte) random.nextInt(256);
                reseal(out, length);
            }
        }
        return length;
    }

    private static void reseal(byte[] frame, int length) {
        System.arraycopy(Adverts.reseal(java.util.Arrays.copyOf(frame, length)), 0, frame, 0, length);
    }
}
