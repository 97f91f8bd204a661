package org.actorvs.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.actorvs.health.HealthState.Transition;
import org.actorvs.health.HealthState.Verdict;
import org.junit.jupiter.api.Test;

/** keepalived's checker rule on a clock the test drives. */
class HealthStateTest {
    private static final long SECOND = 1_000_000_000L;

    private static HealthPolicy policy(int retries, boolean alpha) {
        return new HealthPolicy(Duration.ofSeconds(10), Duration.ofSeconds(1), retries, Duration.ofSeconds(2),
                HealthPolicy.OnFailure.INHIBIT, alpha);
    }

    /** A state past its first, settled, successful round at time 0. */
    private static HealthState settledUp(int retries) {
        HealthState s = new HealthState(policy(retries, false));
        assertEquals(Transition.NONE, s.record(true, 0).transition());
        return s;
    }

    @Test
    void anUpServerGoesDownAfterRetriesPlusOneConsecutiveFailures() {
        HealthState s = settledUp(2);
        assertEquals(new Verdict(Transition.NONE, 12 * SECOND), s.record(false, 10 * SECOND));
        assertEquals(new Verdict(Transition.NONE, 14 * SECOND), s.record(false, 12 * SECOND));
        assertTrue(s.up(), "still up after two failures with retry 2");
        assertEquals(new Verdict(Transition.WENT_DOWN, 24 * SECOND), s.record(false, 14 * SECOND));
        assertFalse(s.up());
        assertEquals(1, s.wentDown());
        assertEquals(3, s.failures());
    }

    @Test
    void aSuccessBetweenRetriesStartsTheCountAgain() {
        HealthState s = settledUp(1);
        s.record(false, 10 * SECOND);
        assertEquals(new Verdict(Transition.NONE, 22 * SECOND), s.record(true, 12 * SECOND));
        assertEquals(Transition.NONE, s.record(false, 22 * SECOND).transition());
        assertTrue(s.up(), "one failure after a success is only a retry");
    }

    @Test
    void aDownServerComesUpAfterOneSuccess() {
        HealthState s = settledUp(0);
        assertEquals(Transition.WENT_DOWN, s.record(false, 10 * SECOND).transition());
        assertEquals(new Verdict(Transition.WENT_UP, 30 * SECOND), s.record(true, 20 * SECOND));
        assertTrue(s.up());
        assertEquals(1, s.wentUp());
    }

    @Test
    void aDownServerKeepsRetryingWithoutTransitions() {
        HealthState s = settledUp(1);
        s.record(false, 10 * SECOND);
        s.record(false, 12 * SECOND);
        assertEquals(new Verdict(Transition.NONE, 24 * SECOND), s.record(false, 22 * SECOND));
        assertEquals(new Verdict(Transition.NONE, 34 * SECOND), s.record(false, 24 * SECOND));
        assertEquals(1, s.wentDown());
    }

    @Test
    void withoutAlphaTheFirstFailureTakesTheServerDownAtOnce() {
        HealthState s = new HealthState(policy(3, false));
        assertTrue(s.up(), "starts up");
        assertEquals(new Verdict(Transition.WENT_DOWN, 10 * SECOND), s.record(false, 0));
    }

    @Test
    void withAlphaTheServerStartsDownUntilItsFirstSuccess() {
        HealthState s = new HealthState(policy(1, true));
        assertFalse(s.up(), "starts down");
        assertEquals(new Verdict(Transition.NONE, 10 * SECOND), s.record(false, 0));
        assertEquals(new Verdict(Transition.WENT_UP, 20 * SECOND), s.record(true, 10 * SECOND));
    }
}
