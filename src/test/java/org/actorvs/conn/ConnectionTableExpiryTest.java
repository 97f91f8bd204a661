package org.actorvs.conn;

import static org.actorvs.conn.ConnectionTable.NONE;
import static org.actorvs.conn.Fixtures.CLIENT;
import static org.actorvs.conn.Fixtures.SECOND;
import static org.actorvs.conn.Fixtures.TCP;
import static org.actorvs.conn.Fixtures.TICK;
import static org.actorvs.conn.Fixtures.VIP;
import static org.actorvs.conn.Fixtures.VPORT;
import static org.actorvs.conn.Fixtures.insert;
import static org.actorvs.conn.Fixtures.insertTemplate;
import static org.actorvs.conn.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ConnectionTableExpiryTest {

    private static final int ALL = Integer.MAX_VALUE;

    private final CountingDestinations counters = new CountingDestinations();
    private final ConnectionTable t = table(16, counters);
    private final List<Integer> expired = new ArrayList<>();
    private final ConnectionTable.ExpiryListener listener = (table, index) -> expired.add(index);

    @Test
    void newConnectionIsNoneWithAThreeSecondTimeout() {
        int e = insert(t, 40000, ConnFlags.INACTIVE, 0, NONE, 0);
        assertEquals(TcpStates.NONE, t.state(e));
        assertEquals(3, t.timeoutSeconds(e));
        assertEquals(3 * SECOND, t.remainingNanos(e, 0));
    }

    @Test
    void entryExpiresAtItsDeadlineAndNotBefore() {
        int e = insert(t, 40000, 0, 0, NONE, 0);
        assertEquals(0, t.poll(3 * SECOND - 1, listener, ALL));
        assertEquals(e, t.lookupIn(TCP, 4, 0, CLIENT, 40000, 0, VIP, VPORT));
        assertEquals(1, t.poll(3 * SECOND, listener, ALL));
        assertEquals(List.of(e), expired);
        assertEquals(NONE, t.lookupIn(TCP, 4, 0, CLIENT, 40000, 0, VIP, VPORT));
        assertEquals(0, t.size());
    }

    @Test
    void deadlineBetweenTicksExpiresWithinOneTickAfter() {
        long start = TICK / 2;
        insert(t, 40000, 0, 0, NONE, start);
        assertEquals(0, t.poll(start + 3 * SECOND - 1, listener, ALL));
        assertEquals(1, t.poll(start + 3 * SECOND + TICK, listener, ALL));
    }

    @Test
    void deadlineBetweenTicksOfANegativeClockIsRoundedUpToTheNextTick() {
        // System.nanoTime() may be negative: the deadline must still round up, never down.
        long start = -5 * SECOND - TICK / 2;
        int e = insert(t, 40000, 0, 0, NONE, start);
        assertEquals(3 * SECOND + TICK / 2, t.remainingNanos(e, start));
        assertEquals(0, t.poll(start + 3 * SECOND + TICK / 2 - 1, listener, ALL));
        assertEquals(1, t.poll(start + 3 * SECOND + TICK / 2, listener, ALL));
    }

    @Test
    void deadlineWithATickThatDoesNotDivideASecondIsRoundedUpToTheNextTick() {
        long tick = 7_000_000L;
        ConnectionTable sevens = new ConnectionTable(16, tick, counters);
        int e = insert(sevens, 40000, 0, 0, NONE, 0);
        // 3 s = 428.57 ticks of 7 ms: due at tick 429.
        assertEquals(429 * tick, sevens.remainingNanos(e, 0));
        assertEquals(0, sevens.poll(429 * tick - 1, listener, ALL));
        assertEquals(1, sevens.poll(429 * tick, listener, ALL));
    }

    @Test
    void refreshPostponesExpiry() {
        int e = insert(t, 40000, 0, 0, NONE, 0);
        t.setTimeout(e, 3, 2 * SECOND);
        assertExpiresAt(5 * SECOND);
    }

    @Test
    void shorterTimeoutBringsExpiryForward() {
        int e = insert(t, 40000, 0, 0, NONE, 0);
        t.setTimeout(e, 900, 0);
        t.setTimeout(e, 10, SECOND);
        assertExpiresAt(11 * SECOND);
    }

    @Test
    void deadlineSeveralWheelRoundsAheadIsMetWhilePollingEveryTick() {
        // A 16-entry table has a 64-slot wheel: 2 s is about 31 rounds of 1 ms ticks.
        int e = insert(t, 40000, 0, 0, NONE, 0);
        t.setTimeout(e, 2, 0);
        for (long now = 0; now < 2 * SECOND; now += TICK) {
            assertEquals(0, t.poll(now, listener, ALL));
        }
        assertEquals(1, t.poll(2 * SECOND, listener, ALL));
    }

    @Test
    void pollAfterLongIdleCatchesUpWithoutExpiringEarly() {
        int shortLived = insert(t, 1, 0, 0, NONE, 0);
        int longLived = insert(t, 2, 0, 0, NONE, 0);
        t.setTimeout(longLived, 100, 0);
        assertEquals(1, t.poll(50 * SECOND, listener, ALL));
        assertEquals(List.of(shortLived), expired);
        assertExpiresAt(100 * SECOND);
    }

    @Test
    void expireNowUnhashesAtOnceAndReleasesOnTheNextTick() {
        int e = insert(t, 40000, 0, 0, NONE, 0);
        t.expireNow(e);
        assertEquals(NONE, t.lookupIn(TCP, 4, 0, CLIENT, 40000, 0, VIP, VPORT));
        assertEquals(1, t.size());
        assertTrue(expired.isEmpty());
        assertEquals(1, t.poll(TICK, listener, ALL));
        assertEquals(List.of(e), expired);
        assertEquals(0, t.size());
    }

    @Test
    void releasedEntryIsReusedByTheNextInsert() {
        ConnectionTable one = table(1, DestinationCounters.NONE);
        int first = insert(one, 1, 0, 0, NONE, 0);
        one.expireNow(first);
        assertEquals(NONE, insert(one, 2, 0, 0, NONE, 0));
        one.poll(TICK, null, ALL);
        assertEquals(first, insert(one, 3, 0, 0, NONE, TICK));
        assertEquals(1, one.refusedFull());
    }

    @Test
    void controllerOutlivesWhatItControlsThenExpires() {
        int template = insertTemplate(t, 0, 0);
        t.setTimeout(template, 5, 0);
        int conn = insert(t, 40000, 0, 0, template, 0);
        t.setTimeout(conn, 20, 0);
        assertEquals(1, t.controlledCount(template));

        assertEquals(0, t.poll(5 * SECOND, listener, ALL));
        assertEquals(ConnectionTable.CONTROLLER_REARM_SECONDS, t.timeoutSeconds(template));
        assertEquals(template, t.lookupTemplate(TCP, 4, 0, CLIENT, 0, 0, VIP, VPORT));

        assertEquals(1, t.poll(20 * SECOND, listener, ALL));
        assertEquals(List.of(conn), expired);
        assertEquals(0, t.controlledCount(template));

        assertExpiresAt(65 * SECOND);
        assertEquals(List.of(conn, template), expired);
    }

    @Test
    void aControllerKeptAtItsExpiryIsToldToTheKeptListenerWithItsSixtySecondTimeout() {
        List<String> kept = new ArrayList<>();
        t.setKeptListener((index, now) -> kept.add(index + " " + t.timeoutSeconds(index) + "s at " + now));
        int template = insertTemplate(t, 0, 0);
        t.setTimeout(template, 5, 0);
        int conn = insert(t, 40000, 0, 0, template, 0);
        t.setTimeout(conn, 20, 0);

        t.poll(5 * SECOND, listener, ALL);
        assertEquals(List.of(template + " 60s at " + 5 * SECOND), kept);

        t.poll(65 * SECOND, listener, ALL);
        assertEquals(List.of(conn, template), expired);
        assertEquals(1, kept.size(), "entries released at their expiry are not kept");
    }

    @Test
    void listenerSeesEntryAfterItsControllerIsUnlinkedAndDestinationUnbound() {
        int template = insertTemplate(t, 1, 0);
        int conn = insert(t, 40000, ConnFlags.INACTIVE, 2, template, 0);
        assertEquals(1, counters.inactive[2]);
        List<String> seen = new ArrayList<>();
        t.poll(3 * SECOND, (table, index) -> {
            if (index == conn) {
                seen.add(table.control(index) + " " + table.controlledCount(template) + " "
                        + counters.inactive[2] + " " + table.cport(index));
            }
        }, ALL);
        assertEquals(List.of(NONE + " 0 0 40000"), seen);
    }

    @Test
    void pollStopsAtItsLimitAndTheRestExpireOnTheNextPoll() {
        for (int port = 1; port <= 5; port++) {
            insert(t, port, 0, 0, NONE, 0);
        }
        assertEquals(2, t.poll(3 * SECOND, listener, 2));
        assertEquals(3, t.size());
        assertEquals(3, t.poll(3 * SECOND, listener, 10));
        assertEquals(0, t.size());
    }

    @Test
    void deletingAControlledConnectionDropsItsUnassuredTemplateToo() {
        int template = insertTemplate(t, 0, 0);
        t.setTimeout(template, 300, 0);
        int conn = insert(t, 40000, 0, 0, template, 0);
        t.delete(conn);
        assertEquals(2, t.poll(TICK, listener, ALL));
        assertEquals(List.of(conn, template), expired);
        assertEquals(NONE, t.lookupTemplate(TCP, 4, 0, CLIENT, 0, 0, VIP, VPORT));
    }

    @Test
    void deletingAControlledConnectionKeepsAnAssuredTemplate() {
        int template = insertTemplate(t, 0, 0);
        t.setTimeout(template, 300, 0);
        t.setState(template, TemplateStates.ASSURED);
        int conn = insert(t, 40000, 0, 0, template, 0);
        t.delete(conn);
        assertEquals(1, t.poll(TICK, listener, ALL));
        assertEquals(template, t.lookupTemplate(TCP, 4, 0, CLIENT, 0, 0, VIP, VPORT));
    }

    @Test
    void expireNowOnAControllerKeepsItHashedAndRearmsIt() {
        int template = insertTemplate(t, 0, 0);
        int conn = insert(t, 40000, 0, 0, template, 0);
        t.setTimeout(conn, 100, 0);
        t.expireNow(template);
        assertEquals(0, t.poll(TICK, listener, ALL));
        assertEquals(template, t.lookupTemplate(TCP, 4, 0, CLIENT, 0, 0, VIP, VPORT));
        assertEquals(ConnectionTable.CONTROLLER_REARM_SECONDS, t.timeoutSeconds(template));
    }

    @Test
    void controlledCountsBeyondTheInlineRangeAreKept() {
        ConnectionTable big = table(10_001, DestinationCounters.NONE);
        int template = insertTemplate(big, 0, 0);
        int[] conns = new int[10_000];
        for (int i = 0; i < conns.length; i++) {
            conns[i] = insert(big, 1 + i, 0, 0, template, 0);
        }
        assertEquals(10_000, big.controlledCount(template));
        for (int i = 0; i < 5_000; i++) {
            big.clearControl(conns[i]);
        }
        assertEquals(5_000, big.controlledCount(template));
        for (int i = 0; i < 5_000; i++) {
            big.setControl(conns[i], template);
        }
        assertEquals(10_000, big.controlledCount(template));
        assertEquals(template, big.lookupTemplate(TCP, 4, 0, CLIENT, 0, 0, VIP, VPORT));
        assertEquals(ConnFlags.TEMPLATE | ConnFlags.HASHED, big.flags(template));
    }

    @Test
    void relinkingMovesTheCountToTheNewController() {
        int first = insertTemplate(t, 0, 0);
        int second = t.insert(TCP, 4, 0, CLIENT, 0, 0, VIP, 443, 0, Fixtures.RIP, 443,
                ConnFlags.TEMPLATE, 0, NONE, 0);
        int conn = insert(t, 40000, 0, 0, first, 0);
        t.setControl(conn, second);
        assertEquals(0, t.controlledCount(first));
        assertEquals(1, t.controlledCount(second));
        assertEquals(second, t.control(conn));
        assertNotEquals(first, second);
    }

    /** One entry expires exactly at {@code deadline}: not a nanosecond before. */
    private void assertExpiresAt(long deadline) {
        assertEquals(0, t.poll(deadline - 1, listener, ALL));
        assertEquals(1, t.poll(deadline, listener, ALL));
    }
}
