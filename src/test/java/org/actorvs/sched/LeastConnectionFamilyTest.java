package org.actorvs.sched;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.actorvs.service.Destination;
import org.junit.jupiter.api.Test;

/** lc, wlc, sed and nq on crafted connection counts. Overhead = active × 256 + inactive. */
class LeastConnectionFamilyTest {
    private final SchedFixture fx = new SchedFixture();

    @Test
    void lcPicksTheLowestOverheadAndKeepsTheFirstOnATie() {
        final Destination a = fx.dest(1, 1);
        final Destination b = fx.dest(2, 1);
        final Destination c = fx.dest(3, 1);
        fx.active(a, 1);      // 256
        fx.inactive(b, 300);  // 300
        fx.inactive(c, 256);  // 256, ties with A
        final Scheduler lc = Schedulers.create("lc", 0, List.of(a, b, c));

        assertSame(a, lc.schedule(fx.from(1, 1)));

        fx.inactive(a, 1);    // 257
        assertSame(c, lc.schedule(fx.from(1, 1)));
    }

    @Test
    void lcIgnoresWeightsOtherThanZero() {
        final Destination heavy = fx.dest(1, 100);
        final Destination light = fx.dest(2, 1);
        final Destination quiescent = fx.dest(3, 0);
        fx.active(heavy, 2);
        fx.active(light, 1);
        final Scheduler lc = Schedulers.create("lc", 0, List.of(heavy, light, quiescent));

        assertSame(light, lc.schedule(fx.from(1, 1)));
    }

    @Test
    void wlcPicksTheLowestOverheadPerWeight() {
        final Destination a = fx.dest(1, 1);
        final Destination b = fx.dest(2, 2);
        final Destination c = fx.dest(3, 3);
        fx.active(a, 2);  // 512 / 1
        fx.active(b, 4);  // 1024 / 2 = 512, ties with A: A stays
        fx.active(c, 5);  // 1280 / 3 = 426.7
        final Scheduler wlc = Schedulers.create("wlc", 0, List.of(a, b, c));

        assertSame(c, wlc.schedule(fx.from(1, 1)));
    }

    @Test
    void wlcKeepsTheEarlierDestinationOnATie() {
        final Destination a = fx.dest(1, 1);
        final Destination b = fx.dest(2, 2);
        fx.active(a, 1);  // 256 / 1
        fx.active(b, 2);  // 512 / 2
        assertSame(a, Schedulers.create("wlc", 0, List.of(a, b)).schedule(fx.from(1, 1)));
        assertSame(b, Schedulers.create("wlc", 0, List.of(b, a)).schedule(fx.from(1, 1)));
    }

    @Test
    void wlcCountsInactiveConnectionsAsOne256thOfAnActiveOne() {
        final Destination a = fx.dest(1, 1);
        final Destination b = fx.dest(2, 1);
        fx.inactive(a, 255);
        fx.active(b, 1);
        final Scheduler wlc = Schedulers.create("wlc", 0, List.of(b, a));

        assertSame(a, wlc.schedule(fx.from(1, 1)));
    }

    @Test
    void sedCountsTheIncomingConnectionSoTheFastServerWinsOverAnIdleSlowOne() {
        final Destination slow = fx.dest(1, 1);
        final Destination fast = fx.dest(2, 3);
        fx.active(fast, 1);
        final List<Destination> dests = List.of(slow, fast);

        // sed: (0 + 1) / 1 against (1 + 1) / 3; wlc: 0 / 1 against 256 / 3.
        assertSame(fast, Schedulers.create("sed", 0, dests).schedule(fx.from(1, 1)));
        assertSame(slow, Schedulers.create("wlc", 0, dests).schedule(fx.from(1, 1)));
    }

    @Test
    void sedIgnoresInactiveConnections() {
        final Destination a = fx.dest(1, 1);
        final Destination b = fx.dest(2, 1);
        fx.inactive(a, 1000);
        fx.active(b, 1);
        assertSame(a, Schedulers.create("sed", 0, List.of(b, a)).schedule(fx.from(1, 1)));
    }

    @Test
    void nqSendsToTheFirstIdleServerEvenIfSlow() {
        final Destination busyFast = fx.dest(1, 3);
        final Destination idleSlow = fx.dest(2, 1);
        final Destination idleFast = fx.dest(3, 5);
        fx.active(busyFast, 1);
        final Scheduler nq = Schedulers.create("nq", 0, List.of(busyFast, idleSlow, idleFast));

        assertSame(idleSlow, nq.schedule(fx.from(1, 1)));
    }

    @Test
    void nqFallsBackToShortestExpectedDelayWhenNoServerIsIdleKeepingTheFirstOnATie() {
        final Destination a = fx.dest(1, 1);
        final Destination b = fx.dest(2, 3);
        final Destination c = fx.dest(3, 2);
        fx.active(a, 1);  // 2 / 1
        fx.active(b, 2);  // 3 / 3 = 1
        fx.active(c, 1);  // 2 / 2 = 1, ties with B
        assertSame(b, Schedulers.create("nq", 0, List.of(a, b, c)).schedule(fx.from(1, 1)));
        assertSame(c, Schedulers.create("nq", 0, List.of(a, c, b)).schedule(fx.from(1, 1)));
    }
}
