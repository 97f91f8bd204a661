package org.actorvs.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.actorvs.service.Destination;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinSchedulerTest {
    private final SchedFixture fx = new SchedFixture();

    @Test
    void weightsFourThreeTwoGiveTheKernelSequence() {
        final List<Destination> abc = List.of(fx.dest(1, 4), fx.dest(2, 3), fx.dest(3, 2));
        final Scheduler wrr = Schedulers.create("wrr", 0, abc);

        assertEquals("A A B A B C A B C A A B A B C A B C", SchedFixture.sequence(wrr, fx.from(1, 1), 18, abc));
    }

    @Test
    void aZeroWeightDestinationAmongThemIsNeverPicked() {
        final List<Destination> dests = List.of(fx.dest(1, 4), fx.dest(2, 0), fx.dest(3, 3), fx.dest(4, 2));
        final Scheduler wrr = Schedulers.create("wrr", 0, dests);

        assertEquals("A A C A C D A C D A", SchedFixture.sequence(wrr, fx.from(1, 1), 10, dests));
    }

    @Test
    void levelsStepByTheGreatestCommonDivisorOfTheWeights() {
        // gcd 2: levels 3 and 1 (mw = 4 - (2 - 1)), so A is picked at both and C at the second only.
        final List<Destination> dests = List.of(fx.dest(1, 4), fx.dest(2, 0), fx.dest(3, 2));
        final Scheduler wrr = Schedulers.create("wrr", 0, dests);

        assertEquals("A A C A A C", SchedFixture.sequence(wrr, fx.from(1, 1), 6, dests));
    }

    @Test
    void anUpdateMidCycleRestartsAtTheHeadAtTheCurrentLevel() {
        final Destination a = fx.dest(1, 4);
        final Destination b = fx.dest(2, 3);
        final Destination c = fx.dest(3, 2);
        final Destination d = fx.dest(4, 6);
        final List<Destination> names = List.of(a, b, c, d);
        final Scheduler wrr = Schedulers.create("wrr", 0, List.of(a, b, c));
        // Four picks leave the level at 2.
        assertEquals("A A B A", SchedFixture.sequence(wrr, fx.from(1, 1), 4, names));

        wrr.update(List.of(d, a, b, c));

        // Level 2 then 1 cover all four; only then the new top level 6 (D alone) starts.
        assertEquals("D A B C D A B C D D", SchedFixture.sequence(wrr, fx.from(1, 1), 10, names));
    }

    @Test
    void anUpdateRoundsTheLevelToAMultipleOfTheNewGcdPlusOne() {
        final Destination a = fx.dest(1, 4);
        final Destination b = fx.dest(2, 2);
        final Destination c = fx.dest(3, 1);
        final List<Destination> names = List.of(a, b, c);
        final Scheduler wrr = Schedulers.create("wrr", 0, names);
        // Level 2 after these.
        assertEquals("A A A B", SchedFixture.sequence(wrr, fx.from(1, 1), 4, names));

        // Without C the gcd is 2 and mw 3: level 2 becomes (2 / 2) * 2 + 1 = 3.
        wrr.update(List.of(a, b));

        assertEquals("A A B A A B", SchedFixture.sequence(wrr, fx.from(1, 1), 6, names));
    }

    @Test
    void returnsNoDestinationWhenAllAreOverloadedOrQuiescent() {
        final Scheduler wrr = Schedulers.create("wrr", 0, List.of(fx.overloaded(1, 3), fx.overloaded(2, 1)));
        assertNull(wrr.schedule(fx.from(1, 1)));
        assertNull(wrr.schedule(fx.from(1, 1)));

        final Scheduler quiescent = Schedulers.create("wrr", 0, List.of(fx.dest(3, 0)));
        assertNull(quiescent.schedule(fx.from(1, 1)));
    }
}
