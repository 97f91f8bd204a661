package org.actorvs.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.DestinationCounters;
import org.actorvs.conn.TcpStates;
import org.junit.jupiter.api.Test;

/** ip_vs_sync_conn_needed(), cell by cell. */
class SyncPolicyTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private final ConnectionTable table = new ConnectionTable(64, 100_000_000L, DestinationCounters.NONE);
    private int port = 1000;

    private int connection(int protocol, int state, int timeoutSeconds) {
        int cp = table.insert(protocol, 4, 0, 0x0A000001L, port++, 0, 0x0A000064L, 80, 0, 0x0A000015L, 80,
                ConnFlags.MASQ, -1, ConnectionTable.NONE, 0);
        table.setState(cp, state);
        table.setTimeout(cp, timeoutSeconds, 0);
        return cp;
    }

    private static SyncPolicy policy(int threshold, int period, int refresh, int retries, boolean persist) {
        return new SyncPolicy(new SyncSettings(threshold, period, refresh, retries, persist, 100, SyncSettings.FLUSH_NANOS),
                64);
    }

    private static List<Integer> syncedPackets(SyncPolicy p, ConnectionTable t, int cp, int upTo) {
        List<Integer> out = new ArrayList<>();
        for (int pkts = 1; pkts <= upTo; pkts++) {
            if (p.needed(t, cp, pkts, pkts * SECOND)) {
                out.add(pkts);
            }
        }
        return out;
    }

    @Test
    void establishedTcpGoesOutOnThe3rd53rdAnd103rdPacket() {
        int cp = connection(TCP, TcpStates.ESTABLISHED, 900);
        table.setOldState(cp, TcpStates.ESTABLISHED);
        assertEquals(List.of(3, 53, 103), syncedPackets(policy(3, 50, 0, 0, false), table, cp, 120));
    }

    @Test
    void udpGoesOutOnThe3rd53rdAnd103rdPacket() {
        int cp = connection(UDP, 0, 300);
        assertEquals(List.of(3, 53, 103), syncedPackets(policy(3, 50, 0, 0, false), table, cp, 120));
    }

    @Test
    void tcpInSynRecvIsNeverSent() {
        int cp = connection(TCP, TcpStates.SYN_RECV, 60);
        assertEquals(List.of(), syncedPackets(policy(3, 50, 0, 0, false), table, cp, 60));
    }

    @Test
    void tcpInLastAckIsNeverSentEvenOnAStateChange() {
        int cp = connection(TCP, TcpStates.LAST_ACK, 30);
        table.setOldState(cp, TcpStates.ESTABLISHED);
        assertFalse(policy(3, 50, 0, 0, false).needed(table, cp, 3, SECOND));
    }

    @Test
    void aChangeIntoFinWaitGoesOutAtOnceWhateverTheCount() {
        SyncPolicy p = policy(3, 50, 0, 0, false);
        int cp = connection(TCP, TcpStates.FIN_WAIT, 120);
        table.setOldState(cp, TcpStates.ESTABLISHED);
        assertTrue(p.needed(table, cp, 7, SECOND));
        assertEquals(TcpStates.FIN_WAIT, table.oldState(cp), "old_state records what was sent");
        assertFalse(p.needed(table, cp, 8, 2 * SECOND), "no change since: the count rules again");
    }

    @Test
    void eachClosingStateIsSentOnItsChange() {
        SyncPolicy p = policy(3, 50, 0, 0, false);
        for (int state : new int[] {TcpStates.CLOSE, TcpStates.CLOSE_WAIT, TcpStates.TIME_WAIT}) {
            int cp = connection(TCP, state, 10);
            table.setOldState(cp, TcpStates.ESTABLISHED);
            assertTrue(p.needed(table, cp, 9, SECOND), TcpStates.name(state));
        }
    }

    @Test
    void aChangeIntoEstablishedStillWaitsForTheThreshold() {
        SyncPolicy p = policy(3, 50, 0, 0, false);
        int cp = connection(TCP, TcpStates.ESTABLISHED, 900);
        table.setOldState(cp, TcpStates.SYN_RECV);
        assertFalse(p.needed(table, cp, 2, SECOND));
        assertTrue(p.needed(table, cp, 3, 2 * SECOND));
    }

    @Test
    void withPeriodZeroAConnectionIsSentOnlyOnceAtTheThreshold() {
        int cp = connection(UDP, 0, 300);
        assertEquals(List.of(3), syncedPackets(policy(3, 0, 0, 0, false), table, cp, 200));
    }

    @Test
    void aTemplateSkipsThePeriodTest() {
        int ct = table.insert(TCP, 4, 0, 0x0A000001L, 0, 0, 0x0A000064L, 443, 0, 0x0A000015L, 443,
                ConnFlags.TEMPLATE, -1, ConnectionTable.NONE, 0);
        table.setTimeout(ct, 300, 0);
        assertEquals(List.of(1, 2, 3, 4), syncedPackets(policy(3, 50, 0, 0, false), table, ct, 4));
    }

    @Test
    void persistModeKeepsConnectionsUnderATemplateBack() {
        int ct = table.insert(UDP, 4, 0, 0x0A000001L, 0, 0, 0x0A000064L, 53, 0, 0x0A000015L, 53, ConnFlags.TEMPLATE,
                -1, ConnectionTable.NONE, 0);
        int cp = connection(UDP, 0, 300);
        table.setControl(cp, ct);
        assertFalse(policy(3, 50, 0, 0, true).needed(table, cp, 3, SECOND));
        assertTrue(policy(3, 50, 0, 0, false).needed(table, cp, 3, SECOND));
        assertTrue(policy(3, 50, 0, 0, true).needed(table, ct, 1, SECOND), "the template itself still goes");
    }

    @Test
    void refreshPeriodSendsWhenTheExpiryMovedEnough() {
        // R = 100 s, timeout 300 s: the window is min(100, max(150, 10)) = 100 s; no period, so every packet asks
        SyncPolicy p = policy(3, 0, 100, 0, false);
        int cp = connection(UDP, 0, 300);
        assertTrue(p.needed(table, cp, 1, 1000 * SECOND), "first report");
        assertFalse(p.needed(table, cp, 2, 1050 * SECOND), "expiry moved 50 s");
        assertTrue(p.needed(table, cp, 3, 1101 * SECOND), "expiry moved 101 s");
    }

    @Test
    void refreshRetriesResendAfterAnEighthOfThePeriod() {
        // R = 80 s, one retry: within the window a resend is allowed once, from R/8 = 10 s after the last report
        SyncPolicy p = policy(3, 0, 80, 1, false);
        int cp = connection(UDP, 0, 300);
        assertTrue(p.needed(table, cp, 1, 1000 * SECOND));
        assertFalse(p.needed(table, cp, 2, 1005 * SECOND), "before R/8");
        assertTrue(p.needed(table, cp, 3, 1011 * SECOND), "the one retry");
        assertFalse(p.needed(table, cp, 4, 1030 * SECOND), "retries used up while the expiry stays put");
    }
}
