package org.actorvs.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        final VrrpFuzzFrames frames = new VrrpFuzzFrames(config, 5798);
        long now = 1_000_000 * MS;
        instance.startup(now);
        long accepted = 0;
        long rejected = 0;
        for (int i = 0; i < FRAMES; i++) {
            final int length = frames.next();
            final VrrpRouter.State state = router.state();
            final long deadline = router.deadline();
            final long interval = router.masterAdverIntervalNanos();
            final long sentBefore = sent[0];
            final long okBefore = instance.validator().count(VrrpValidator.OK);
            instance.onFrame(frames.buffer(), 0, length, now);
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
}
