package org.actorvs.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.actorvs.service.Destination;
import org.junit.jupiter.api.Test;

class RoundRobinSchedulerTest {
    private final SchedFixture fx = new SchedFixture();

    @Test
    void walksFromTheHeadAndWrapsAround() {
        final List<Destination> abc = List.of(fx.dest(1, 1), fx.dest(2, 1), fx.dest(3, 1));
        final Scheduler rr = Schedulers.create("rr", 0, abc);

        assertEquals("A B C A B C A", SchedFixture.sequence(rr, fx.from(1, 1), 7, abc));
    }

    @Test
    void skipsQuiescentAndOverloadedDestinations() {
        final List<Destination> dests = List.of(fx.dest(1, 1), fx.dest(2, 0), fx.overloaded(3, 1), fx.dest(4, 1));
        final Scheduler rr = Schedulers.create("rr", 0, dests);

        assertEquals("A D A D", SchedFixture.sequence(rr, fx.from(1, 1), 4, dests));
    }

    @Test
    void removingTheLastChosenDestinationContinuesWithTheOneAfterIt() {
        final Destination a = fx.dest(1, 1);
        final Destination b = fx.dest(2, 1);
        final Destination c = fx.dest(3, 1);
        final Destination d = fx.dest(4, 1);
        final List<Destination> all = List.of(a, b, c, d);
        final Scheduler rr = Schedulers.create("rr", 0, all);
        assertEquals("A B", SchedFixture.sequence(rr, fx.from(1, 1), 2, all));

        rr.update(List.of(a, c, d));

        assertEquals("C D A C", SchedFixture.sequence(rr, fx.from(1, 1), 4, all));
    }

    @Test
    void addingADestinationKeepsTheCursorOnTheLastChosenOne() {
        final Destination a = fx.dest(1, 1);
        final Destination b = fx.dest(2, 1);
        final Destination c = fx.dest(3, 1);
        final Destination n = fx.dest(4, 1);
        final Scheduler rr = Schedulers.create("rr", 0, List.of(a, b, c));
        final List<Destination> names = List.of(a, b, c, n);
        assertEquals("A B", SchedFixture.sequence(rr, fx.from(1, 1), 2, names));

        rr.update(List.of(n, a, b, c));

        assertEquals("C D A B", SchedFixture.sequence(rr, fx.from(1, 1), 4, names));
    }

    @Test
    void returnsNoDestinationWhenNoneIsUsable() {
        final Scheduler rr = Schedulers.create("rr", 0, List.of(fx.dest(1, 0), fx.overloaded(2, 1)));

        assertNull(rr.schedule(fx.from(1, 1)));
        assertNull(Schedulers.create("rr", 0, List.of()).schedule(fx.from(1, 1)));
    }
}
