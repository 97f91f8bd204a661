package org.actorvs.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.actorvs.service.Destination;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules every scheduler shares. */
class EligibilityTest {
    /** Schedulers that look up a static table and have no fallback: an unusable owner means no destination. */
    private static final List<String> NO_FALLBACK = List.of("dh", "sh", "mh");

    static Stream<Arguments> everyScheduler() {
        return Stream.concat(
            Schedulers.names().stream().map(name -> Arguments.of(name, 0)),
            Stream.of(Arguments.of("sh", Schedulers.SH_FALLBACK), Arguments.of("mh", Schedulers.MH_FALLBACK)));
    }

    @ParameterizedTest(name = "{0} flags {1}")
    @MethodSource("everyScheduler")
    void quiescentAndOverloadedDestinationsAreNeverChosen(final String name, final int flags) {
        final SchedFixture fx = new SchedFixture();
        final Destination quiescent = fx.dest(1, 0);
        final Destination overloaded = fx.overloaded(2, 5);
        final Destination good = fx.dest(3, 1);
        final Scheduler scheduler = Schedulers.create(name, flags, List.of(quiescent, overloaded, good));
        final boolean mayFindNone = flags == 0 && NO_FALLBACK.contains(name);
        final Random random = new Random(1);
        int chosen = 0;

        for (int i = 0; i < 200; i++) {
            final long client = random.nextInt() & 0xFFFF_FFFFL;
            final long dst = random.nextInt() & 0xFFFF_FFFFL;
            final Destination dest = scheduler.schedule(fx.flow.set(4, 6, 0L, client, 1024 + i, 0L, dst, 80));
            if (dest != null || !mayFindNone) {
                assertSame(good, dest);
                chosen++;
            }
        }
        assertTrue(chosen > 0, "the usable destination was never chosen");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyScheduler")
    void anEmptyServiceHasNoDestination(final String name, final int flags) {
        final SchedFixture fx = new SchedFixture();
        final Scheduler scheduler = Schedulers.create(name, flags, List.of());

        assertEquals(null, scheduler.schedule(fx.from(1, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyScheduler")
    void theListGivenToUpdateReplacesTheOldOne(final String name, final int flags) {
        final SchedFixture fx = new SchedFixture();
        final Scheduler scheduler = Schedulers.create(name, flags, List.of(fx.dest(1, 0)));
        final Destination added = fx.dest(2, 1);

        scheduler.update(List.of(added));

        assertSame(added, scheduler.schedule(fx.from(1, 1)));
        assertEquals(name, scheduler.name());
    }

    @Test
    void anUnknownNameIsRefusedWithTheValidOnes() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Schedulers.create("rrr", 0, List.of()));

        assertEquals("unknown scheduler 'rrr'; valid schedulers: "
            + "rr, wrr, lc, wlc, sed, nq, dh, sh, lblc, lblcr, mh, fo, ovf, twos", e.getMessage());
    }

    @Test
    void schedulersAreIndependentPerService() {
        final SchedFixture fx = new SchedFixture();
        final List<Destination> dests = List.of(fx.dest(1, 1), fx.dest(2, 1));

        assertNotSame(Schedulers.create("rr", 0, dests), Schedulers.create("rr", 0, dests));
        assertSame(dests.get(0), Schedulers.create("rr", 0, dests).schedule(fx.from(1, 1)));
    }
}
