package org.actorvs.conn;

import static org.actorvs.conn.ConnectionTable.NONE;
import static org.actorvs.conn.Fixtures.CLIENT;
import static org.actorvs.conn.Fixtures.RIP;
import static org.actorvs.conn.Fixtures.SECOND;
import static org.actorvs.conn.Fixtures.UDP;
import static org.actorvs.conn.Fixtures.VIP;
import static org.actorvs.conn.Fixtures.insert;
import static org.actorvs.conn.Fixtures.insertTemplate;
import static org.actorvs.conn.TcpStateTable.INPUT;
import static org.actorvs.conn.TcpStateTable.OUTPUT;
import static org.actorvs.conn.TcpStateTable.TCP_ACK;
import static org.actorvs.conn.TcpStateTable.TCP_FIN;
import static org.actorvs.conn.TcpStateTable.TCP_SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConnectionTableStateTest {

    private static final int DEST = 1;
    private static final int NAT = ConnFlags.MASQ | ConnFlags.INACTIVE;
    private static final int DR = ConnFlags.DROUTE | ConnFlags.NOOUTPUT | ConnFlags.INACTIVE;

    private final CountingDestinations counters = new CountingDestinations();
    private final Timeouts timeouts = new Timeouts();
    private final ConnectionTable t = new ConnectionTable(16, Fixtures.TICK, counters, timeouts, 3);

    @Test
    void newConnectionIsCountedInactive() {
        insert(t, 40000, NAT, DEST, NONE, 0);
        assertEquals(1, counters.inactive[DEST]);
        assertEquals(0, counters.active[DEST]);
    }

    @Test
    void newTemplateIsCountedPersistent() {
        insertTemplate(t, DEST, 0);
        assertEquals(1, counters.persistent[DEST]);
        assertEquals(0, counters.inactive[DEST]);
    }

    @Test
    void clientSynMakesTheConnectionActive() {
        int e = insert(t, 40000, NAT, DEST, NONE, 0);
        assertEquals(TcpStates.SYN_RECV, t.tcpTransition(e, INPUT, TCP_SYN, false, 0));
        assertEquals(1, counters.active[DEST]);
        assertEquals(0, counters.inactive[DEST]);
        assertEquals(0, t.flags(e) & ConnFlags.INACTIVE);
    }

    @Test
    void clientFinMakesAnEstablishedConnectionInactive() {
        int e = established(NAT);
        assertEquals(TcpStates.CLOSE_WAIT, t.tcpTransition(e, INPUT, TCP_FIN | TCP_ACK, false, 0));
        assertEquals(0, counters.active[DEST]);
        assertEquals(1, counters.inactive[DEST]);
        assertEquals(ConnFlags.INACTIVE, t.flags(e) & ConnFlags.INACTIVE);
    }

    @Test
    void movingBetweenActiveStatesLeavesTheCountersAlone() {
        int e = insert(t, 40000, NAT, DEST, NONE, 0);
        t.tcpTransition(e, INPUT, TCP_SYN, false, 0);
        int calls = counters.calls;
        assertEquals(TcpStates.ESTABLISHED, t.tcpTransition(e, INPUT, TCP_ACK, false, 0));
        assertEquals(calls, counters.calls);
    }

    @Test
    void segmentWithoutFlagsClosesTheConnection() {
        int e = established(NAT);
        assertEquals(TcpStates.CLOSE, t.tcpTransition(e, INPUT, 0x08, false, 0));
        assertEquals(1, counters.inactive[DEST]);
    }

    @Test
    void timeoutFollowsTheNewState() {
        int e = insert(t, 40000, NAT, DEST, NONE, 0);
        t.tcpTransition(e, INPUT, TCP_SYN, false, 0);
        assertEquals(60, t.timeoutSeconds(e));
        t.tcpTransition(e, INPUT, TCP_ACK, false, 0);
        assertEquals(900, t.timeoutSeconds(e));
        assertEquals(900 * SECOND, t.remainingNanos(e, 0));
    }

    @Test
    void stayingInTheSameStateStillRearmsTheTimer() {
        int e = established(NAT);
        t.tcpTransition(e, INPUT, TCP_ACK, false, 100 * SECOND);
        assertEquals(900 * SECOND, t.remainingNanos(e, 100 * SECOND));
    }

    @Test
    void changedTimeoutsApplyFromTheNextTransition() {
        int e = established(NAT);
        timeouts.set(3600, 0, 0);
        t.tcpTransition(e, INPUT, TCP_ACK, false, 0);
        assertEquals(3600, t.timeoutSeconds(e));
    }

    @Test
    void noOutputConnectionUsesTheInputOnlyRow() {
        int e = insert(t, 40000, DR, DEST, NONE, 0);
        t.tcpTransition(e, INPUT, TCP_SYN, false, 0);
        t.tcpTransition(e, INPUT, TCP_ACK, false, 0);
        // INPUT would give CLOSE_WAIT; INPUT_ONLY gives FIN_WAIT.
        assertEquals(TcpStates.FIN_WAIT, t.tcpTransition(e, INPUT, TCP_FIN | TCP_ACK, false, 0));
    }

    @Test
    void anOutputSegmentClearsNoOutput() {
        int e = insert(t, 40000, DR, DEST, NONE, 0);
        t.tcpTransition(e, INPUT, TCP_SYN, false, 0);
        t.tcpTransition(e, OUTPUT, TCP_SYN | TCP_ACK, false, 0);
        assertEquals(0, t.flags(e) & ConnFlags.NOOUTPUT);
        t.tcpTransition(e, INPUT, TCP_ACK, false, 0);
        assertEquals(TcpStates.CLOSE_WAIT, t.tcpTransition(e, INPUT, TCP_FIN, false, 0));
    }

    @Test
    void secureTableSendsADirectRoutingSynToSynack() {
        int e = insert(t, 40000, DR, DEST, NONE, 0);
        assertEquals(TcpStates.SYNACK, t.tcpTransition(e, INPUT, TCP_SYN, true, 0));
        assertEquals(1, counters.active[DEST]);
        assertEquals(120, t.timeoutSeconds(e));
    }

    @Test
    void reachingEstablishedAssuresTheControllingTemplate() {
        int template = insertTemplate(t, DEST, 0);
        int e = insert(t, 40000, NAT, DEST, template, 0);
        t.tcpTransition(e, INPUT, TCP_SYN, false, 0);
        assertEquals(TemplateStates.NONE, t.state(template));
        t.tcpTransition(e, INPUT, TCP_ACK, false, 0);
        assertEquals(TemplateStates.ASSURED, t.state(template));
    }

    @Test
    void udpReplyAssuresTheTemplateButAClientPacketDoesNot() {
        int template = insertTemplate(t, DEST, 0);
        int e = t.insert(UDP, 4, 0, CLIENT, 5353, 0, VIP, 53, 0, RIP, 53, NAT, DEST, template, 0);
        t.udpTouch(e, 0);
        assertEquals(TemplateStates.NONE, t.state(template));
        t.udpTransition(e, OUTPUT, 0);
        assertEquals(TemplateStates.ASSURED, t.state(template));
    }

    @Test
    void udpPacketRearmsWithTheUdpTimeoutAndStaysInactive() {
        int e = t.insert(UDP, 4, 0, CLIENT, 5353, 0, VIP, 53, 0, RIP, 53, NAT, DEST, NONE, 0);
        t.udpTouch(e, 10 * SECOND);
        assertEquals(300, t.timeoutSeconds(e));
        assertEquals(300 * SECOND, t.remainingNanos(e, 10 * SECOND));
        assertEquals(1, counters.inactive[DEST]);
    }

    @Test
    void expiryUnbindsFromTheCounterMatchingTheConnectionsActivity() {
        int e = established(NAT);
        assertEquals(1, counters.active[DEST]);
        t.expireNow(e);
        t.poll(SECOND, null, Integer.MAX_VALUE);
        assertEquals(0, counters.active[DEST]);
        assertEquals(0, counters.inactive[DEST]);
    }

    @Test
    void connectionWithoutDestinationCallsNoCounters() {
        int e = insert(t, 40000, NAT, -1, NONE, 0);
        t.tcpTransition(e, INPUT, TCP_SYN, false, 0);
        t.expireNow(e);
        t.poll(SECOND, null, Integer.MAX_VALUE);
        assertEquals(0, counters.calls);
    }

    @Test
    void aTemplateKeepsTheWholeSixteenBitStateItIsGivenAsTheKernelsU16() {
        int ct = insertTemplate(t, DEST, 0);
        t.setState(ct, 0x0102);
        assertEquals(0x0102, t.state(ct));
        t.setState(ct, 0x1_0015);
        assertEquals(0x0015, t.state(ct));
        t.setState(ct, TemplateStates.ASSURED);
        assertEquals(TemplateStates.ASSURED, t.state(ct));
    }

    @Test
    void onlyTheAssuredBitOfATemplateStateBeyondAssuredKeepsItWhenItsConnectionIsDeleted() {
        // ip_vs_conn_expire() tests ct->state & IP_VS_CTPL_S_ASSURED, whatever the other bits say
        int unassured = insertTemplate(t, DEST, 0);
        t.setState(unassured, 0x0102);
        t.delete(insert(t, 40000, NAT, DEST, unassured, 0));
        t.poll(SECOND, null, Integer.MAX_VALUE);
        assertEquals(0, t.size());

        int assured = insertTemplate(t, DEST, SECOND);
        t.setState(assured, 0x0103);
        t.delete(insert(t, 40001, NAT, DEST, assured, SECOND));
        t.poll(2 * SECOND, null, Integer.MAX_VALUE);
        assertEquals(1, t.size());
        assertEquals(assured, t.lookupTemplate(Fixtures.TCP, 4, 0, CLIENT, 0, 0, VIP, Fixtures.VPORT));
        assertEquals(0x0103, t.state(assured));
    }

    @Test
    void anEntryMadeInTheSlotOfATemplateWithAWideStateStartsInStateNone() {
        int ct = insertTemplate(t, DEST, 0);
        t.setState(ct, 0x0200);
        t.expireNow(ct);
        t.poll(SECOND, null, Integer.MAX_VALUE);
        int again = insertTemplate(t, DEST, SECOND);
        assertEquals(ct, again);
        assertEquals(TemplateStates.NONE, t.state(again));
    }

    private int established(int flags) {
        int e = insert(t, 40000, flags, DEST, NONE, 0);
        t.tcpTransition(e, INPUT, TCP_SYN, false, 0);
        t.tcpTransition(e, INPUT, TCP_ACK, false, 0);
        return e;
    }
}
