package org.actorvs.sched;

import static org.actorvs.sched.SchedFixture.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.actorvs.service.Destination;
import org.junit.jupiter.api.Test;

/** lblc and lblcr, with a hand-driven clock. */
class LocalitySchedulersTest {
    private static final long MINUTE = 60_000_000_000L;
    private static final long X = ipv4(203, 0, 113, 10);
    private static final long Y = ipv4(203, 0, 113, 20);

    private final SchedFixture fx = new SchedFixture();
    private final Destination a = fx.dest(1, 1);
    private final Destination b = fx.dest(2, 1);
    private long now = 1_000 * MINUTE;

    private LocalityBasedLeastConnectionScheduler lblc(final List<Destination> dests) {
        return new LocalityBasedLeastConnectionScheduler(dests, () -> now, LocalityTable.DEFAULT_EXPIRATION);
    }

    private LocalityBasedLeastConnectionReplicationScheduler lblcr(final List<Destination> dests, final long expiration) {
        return new LocalityBasedLeastConnectionReplicationScheduler(dests, () -> now, expiration);
    }

    @Test
    void lblcKeepsServingADestinationAddressFromItsFirstChoice() {
        final LocalityBasedLeastConnectionScheduler lblc = lblc(List.of(a, b));

        assertSame(a, lblc.schedule(fx.to(X)));  // wlc tie: the first
        fx.active(a, 1);
        assertSame(a, lblc.schedule(fx.to(X)));  // mapped, though B is now less loaded
        assertSame(b, lblc.schedule(fx.to(Y)));  // a new address goes by wlc
        assertSame(a, lblc.mapped(4, 0L, X));
        assertSame(b, lblc.mapped(4, 0L, Y));
        assertEquals(2, lblc.mappings());
    }

    @Test
    void lblcRemapsWhenTheMappedDestinationIsOverloadedAndAnotherHasSpareCapacity() {
        final Destination spare = fx.dest(3, 4);
        final LocalityBasedLeastConnectionScheduler lblc = lblc(List.of(a, spare));
        assertSame(a, lblc.schedule(fx.to(X)));

        // A: 2 active > weight 1; spare: 0 × 2 < 4.
        fx.active(a, 2);

        assertSame(spare, lblc.schedule(fx.to(X)));
        assertSame(spare, lblc.mapped(4, 0L, X));
        assertEquals(1, lblc.mappings());
    }

    @Test
    void lblcKeepsAnOverloadedMappingWhileNoDestinationHasSpareCapacity() {
        final LocalityBasedLeastConnectionScheduler lblc = lblc(List.of(a, b));
        assertSame(a, lblc.schedule(fx.to(X)));
        fx.active(a, 5);
        fx.active(b, 1);  // 1 × 2 is not below weight 1

        assertSame(a, lblc.schedule(fx.to(X)));
    }

    @Test
    void lblcRemapsWhenTheMappedDestinationIsQuiesced() {
        final LocalityBasedLeastConnectionScheduler lblc = lblc(List.of(a, b));
        assertSame(a, lblc.schedule(fx.to(X)));

        a.setWeight(0);

        assertSame(b, lblc.schedule(fx.to(X)));
        assertSame(b, lblc.mapped(4, 0L, X));
    }

    @Test
    void lblcForgetsMappingsIdleLongerThanTheExpirationAtTheHalfHourlyFullCheck() {
        final LocalityBasedLeastConnectionScheduler lblc =
            new LocalityBasedLeastConnectionScheduler(List.of(a, b), () -> now, 10 * MINUTE);
        final long start = now;
        lblc.schedule(fx.to(X));

        now = start + 29 * MINUTE;  // 29 timer runs: no full check yet
        lblc.schedule(fx.to(Y));
        assertEquals(2, lblc.mappings());

        now = start + 30 * MINUTE;  // the 30th run checks everything: X idle 30 min, Y 1 min
        lblc.schedule(fx.to(Y));
        assertNull(lblc.mapped(4, 0L, X));
        assertSame(a, lblc.mapped(4, 0L, Y));
        assertEquals(1, lblc.mappings());
    }

    @Test
    void thousandsOfAddressesStayMappedAsTheTablesGrow() {
        final LocalityBasedLeastConnectionScheduler lblc = lblc(List.of(a, b));
        final LocalityBasedLeastConnectionReplicationScheduler lblcr = lblcr(List.of(a, b), 10 * MINUTE);
        for (int i = 0; i < 5000; i++) {
            fx.active(i % 2 == 0 ? a : b, 1);  // alternate the wlc choice
            final Destination first = lblc.schedule(fx.to(X + i));
            assertSame(first, lblcr.schedule(fx.to(X + i)));
        }

        for (int i = 0; i < 5000; i++) {
            final Destination expected = i % 2 == 0 ? b : a;
            assertSame(expected, lblc.mapped(4, 0L, X + i), "address " + i);
            assertArrayEquals(new Destination[] {expected}, lblcr.members(4, 0L, X + i), "address " + i);
        }
        assertEquals(5000, lblc.mappings());
        assertEquals(5000, lblcr.mappings());
    }

    @Test
    void aTableAboveItsMaximumSizeLosesFourThirdsOfTheExcessAmongEntriesIdleForSixMinutes() {
        final LocalityBasedLeastConnectionScheduler lblc = lblc(List.of(a, b));
        final int excess = 300;
        for (int i = 0; i < LocalityTable.MAX_SIZE + excess; i++) {
            lblc.schedule(fx.to(X + i));
        }
        final long recent = ipv4(198, 18, 0, 1);
        now += 2 * MINUTE;
        lblc.schedule(fx.to(recent));  // two timer runs: above the maximum, but nothing idle 6 minutes yet

        assertEquals(LocalityTable.MAX_SIZE + excess + 1, lblc.mappings());

        now += 5 * MINUTE;  // the old entries are now 7 minutes idle, the recent one 5
        lblc.schedule(fx.to(recent));

        // One run deletes whole buckets until 400 = 300 × 4 / 3 are gone; then the table is small enough.
        final int left = lblc.mappings();
        assertTrue(left <= LocalityTable.MAX_SIZE + excess + 1 - 400, left + " left");
        assertTrue(left > LocalityTable.MAX_SIZE + excess + 1 - 400 - 64, left + " left");
        assertSame(a, lblc.mapped(4, 0L, recent));
    }

    @Test
    void lblcrStartsASetWithTheWlcChoice() {
        final LocalityBasedLeastConnectionReplicationScheduler lblcr = lblcr(List.of(a, b), 10 * MINUTE);

        assertSame(a, lblcr.schedule(fx.to(X)));
        assertArrayEquals(new Destination[] {a}, lblcr.members(4, 0L, X));
    }

    @Test
    void lblcrReplicatesOntoALessLoadedDestinationWhenTheMemberIsOverloaded() {
        final Destination spare = fx.dest(3, 4);
        final LocalityBasedLeastConnectionReplicationScheduler lblcr = lblcr(List.of(a, spare), 10 * MINUTE);
        assertSame(a, lblcr.schedule(fx.to(X)));
        fx.active(a, 2);

        assertSame(spare, lblcr.schedule(fx.to(X)));
        assertArrayEquals(new Destination[] {spare, a}, lblcr.members(4, 0L, X));
    }

    @Test
    void lblcrServesTheLeastLoadedUsableMember() {
        final Destination spare = fx.dest(3, 4);
        final LocalityBasedLeastConnectionReplicationScheduler lblcr = lblcr(List.of(a, spare), 10 * MINUTE);
        lblcr.schedule(fx.to(X));
        fx.active(a, 2);
        lblcr.schedule(fx.to(X));  // set {spare, a}
        fx.active(spare, 3);       // 768 / 4 = 192 against A's 512 / 1

        assertSame(spare, lblcr.schedule(fx.to(X)));
        // Quiesced, spare leaves A as the only usable member; A has 2 active for weight 1, but no
        // destination has spare capacity, so A serves.
        spare.setWeight(0);
        assertSame(a, lblcr.schedule(fx.to(X)));
    }

    @Test
    void lblcrDropsTheMostLoadedMemberOfASetUnchangedForTheExpiration() {
        final Destination spare = fx.dest(3, 4);
        final LocalityBasedLeastConnectionReplicationScheduler lblcr = lblcr(List.of(a, spare), 10 * MINUTE);
        lblcr.schedule(fx.to(X));
        fx.active(a, 2);
        lblcr.schedule(fx.to(X));  // set {spare, a}, modified now

        now += 10 * MINUTE;        // not yet after the expiration
        lblcr.schedule(fx.to(X));
        assertEquals(2, lblcr.members(4, 0L, X).length);

        now += 1;
        assertSame(spare, lblcr.schedule(fx.to(X)));
        assertArrayEquals(new Destination[] {spare}, lblcr.members(4, 0L, X));
    }
}
