package org.actorvs.sched;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.function.IntSupplier;

import org.actorvs.service.Destination;
import org.junit.jupiter.api.Test;

/** fo, ovf and twos. */
class PriorityAndRandomSchedulersTest {
    private final SchedFixture fx = new SchedFixture();

    @Test
    void foSendsEverythingToTheFirstHighestWeightDestination() {
        final Destination a = fx.dest(1, 2);
        final Destination b = fx.dest(2, 5);
        final Destination c = fx.dest(3, 5);
        fx.active(b, 1000);
        final Scheduler fo = Schedulers.create("fo", 0, List.of(a, b, c));

        assertSame(b, fo.schedule(fx.from(1, 1)));
        assertSame(b, fo.schedule(fx.from(2, 2)));
    }

    @Test
    void foFailsOverToTheNextWeightWhenTheTopOneIsOverloaded() {
        final Destination a = fx.dest(1, 2);
        final Destination b = fx.overloaded(2, 5);
        final Scheduler fo = Schedulers.create("fo", 0, List.of(a, b));

        assertSame(a, fo.schedule(fx.from(1, 1)));
    }

    @Test
    void ovfOverflowsWhenActiveConnectionsExceedTheWeight() {
        final Destination a = fx.dest(1, 3);
        final Destination b = fx.dest(2, 2);
        final Destination c = fx.dest(3, 2);
        fx.active(a, 3);
        fx.active(b, 2);
        final Scheduler ovf = Schedulers.create("ovf", 0, List.of(a, b, c));

        // A is at its weight, not above it.
        assertSame(a, ovf.schedule(fx.from(1, 1)));
        fx.active(a, 1);
        // B (2 active, weight 2) is first of the equal weights.
        assertSame(b, ovf.schedule(fx.from(1, 1)));
        fx.active(b, 1);
        assertSame(c, ovf.schedule(fx.from(1, 1)));
        fx.active(c, 3);
        assertNull(ovf.schedule(fx.from(1, 1)));
    }

    @Test
    void ovfIgnoresInactiveConnections() {
        final Destination a = fx.dest(1, 3);
        fx.inactive(a, 50);
        assertSame(a, Schedulers.create("ovf", 0, List.of(a, fx.dest(2, 1))).schedule(fx.from(1, 1)));
    }

    @Test
    void twosKeepsTheLessLoadedOfTwoWeightedRandomPicks() {
        final Destination a = fx.dest(1, 1);
        final Destination b = fx.dest(2, 2);
        final Destination c = fx.dest(3, 3);
        fx.active(a, 1);
        final List<Destination> dests = List.of(a, b, c);

        // Total weight 6, random values mod 7: 0 lands on A (0 - 1 <= 0), 6 on C (6 - 1 - 2 - 3 <= 0).
        // C: 0 / 3 beats A: 256 / 1.
        assertSame(c, new TwoChoiceScheduler(dests, randoms(0, 6)).schedule(fx.from(1, 1)));
        // The second pick wins only when strictly less loaded.
        assertSame(c, new TwoChoiceScheduler(dests, randoms(6, 0)).schedule(fx.from(1, 1)));
        assertSame(b, new TwoChoiceScheduler(dests, randoms(3, 6)).schedule(fx.from(1, 1)));
    }

    @Test
    void twosTakesTheRandomValueAsUnsigned() {
        final Destination a = fx.dest(1, 1);
        final Destination b = fx.dest(2, 2);
        final Destination c = fx.dest(3, 3);
        // 0xFFFFFFFF mod 7 = 3: A (3 - 1 = 2), then B (2 - 2 = 0).
        assertSame(b, new TwoChoiceScheduler(List.of(a, b, c), randoms(-1, -1)).schedule(fx.from(1, 1)));
    }

    @Test
    void twosSkipsOverloadedAndQuiescentDestinations() {
        final Destination a = fx.overloaded(1, 5);
        final Destination b = fx.dest(2, 0);
        final Destination c = fx.dest(3, 1);
        // Total weight 1: values mod 2; both picks can only be C.
        assertSame(c, new TwoChoiceScheduler(List.of(a, b, c), randoms(1, 0)).schedule(fx.from(1, 1)));
    }

    private static IntSupplier randoms(final int... values) {
        final int[] next = {0};
        return () -> values[next[0]++ % values.length];
    }
}
