package org.actorvs.conn;

import static org.actorvs.conn.TcpStateTable.TCP_ACK;
import static org.actorvs.conn.TcpStateTable.TCP_FIN;
import static org.actorvs.conn.TcpStateTable.TCP_RST;
import static org.actorvs.conn.TcpStateTable.TCP_SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class TcpStateTableTest {

    private static final Map<String, Integer> STATE = Map.ofEntries(
            Map.entry("sNO", TcpStates.NONE), Map.entry("sES", TcpStates.ESTABLISHED),
            Map.entry("sSS", TcpStates.SYN_SENT), Map.entry("sSR", TcpStates.SYN_RECV),
            Map.entry("sFW", TcpStates.FIN_WAIT), Map.entry("sTW", TcpStates.TIME_WAIT),
            Map.entry("sCL", TcpStates.CLOSE), Map.entry("sCW", TcpStates.CLOSE_WAIT),
            Map.entry("sLA", TcpStates.LAST_ACK), Map.entry("sLI", TcpStates.LISTEN),
            Map.entry("sSA", TcpStates.SYNACK));

    private static final String[] DIRECTIONS = {"INPUT", "OUTPUT", "INPUT_ONLY"};
    private static final String[] EVENTS = {"syn", "fin", "ack", "rst"};

    // Transcribed from tcp_states[] in net/netfilter/ipvs/ip_vs_proto_tcp.c (current mainline),
    // turned to one row per current state so that it checks the implementation's per-event rows
    // from the other side. Each row: state, then INPUT, OUTPUT, INPUT_ONLY, each as syn fin ack rst.
    private static final String[][] NORMAL = {
        {"sNO", "sSR sCL sES sCL", "sSS sTW sES sCL", "sSR sCL sES sCL"},
        {"sES", "sES sCW sES sCL", "sES sFW sES sCL", "sES sFW sES sCL"},
        {"sSS", "sES sSS sSS sCL", "sSS sSS sSS sSS", "sES sSS sSS sCL"},
        {"sSR", "sSR sTW sES sSR", "sSR sTW sES sCL", "sSR sTW sES sSR"},
        {"sFW", "sSR sTW sFW sCL", "sSS sFW sFW sCL", "sSR sFW sFW sCL"},
        {"sTW", "sSR sTW sTW sCL", "sSS sTW sTW sTW", "sSR sTW sTW sCL"},
        {"sCL", "sSR sCL sCL sCL", "sSS sCL sCL sCL", "sSR sCL sCL sCL"},
        {"sCW", "sSR sCW sCW sCL", "sSS sTW sCW sCL", "sSR sCW sCW sCL"},
        {"sLA", "sSR sLA sCL sLA", "sSS sLA sLA sCL", "sSR sLA sCL sLA"},
        {"sLI", "sSR sLI sLI sLI", "sLI sLI sES sCL", "sSR sLI sLI sLI"},
        {"sSA", "sSR sTW sES sSR", "sSR sTW sES sCL", "sSR sTW sES sCL"},
    };

    // Transcribed from tcp_states_dos[] in the same file, in the same orientation as NORMAL.
    private static final String[][] SECURE = {
        {"sNO", "sSR sCL sES sCL", "sSS sTW sES sCL", "sSA sCL sES sCL"},
        {"sES", "sES sCW sES sCL", "sES sFW sES sCL", "sES sFW sES sCL"},
        {"sSS", "sES sSS sSS sCL", "sSS sSS sSS sSS", "sES sSS sSS sCL"},
        {"sSR", "sSR sTW sSR sSR", "sSA sTW sES sCL", "sSR sTW sES sSR"},
        {"sFW", "sSR sTW sFW sCL", "sSS sFW sFW sCL", "sSA sFW sFW sCL"},
        {"sTW", "sSR sTW sTW sCL", "sSS sTW sTW sTW", "sSA sTW sTW sCL"},
        {"sCL", "sSR sCL sCL sCL", "sSS sCL sCL sCL", "sSA sCL sCL sCL"},
        {"sCW", "sSR sCW sCW sCL", "sSS sTW sCW sCL", "sSA sCW sCW sCL"},
        {"sLA", "sSR sLA sCL sLA", "sSS sLA sLA sCL", "sSA sLA sCL sLA"},
        {"sLI", "sSR sLI sLI sLI", "sLI sLI sES sCL", "sSA sLI sLI sLI"},
        {"sSA", "sSA sSA sSA sCL", "sSA sTW sES sCL", "sSA sTW sES sCL"},
    };

    @TestFactory
    List<DynamicTest> normalTableMatchesKernelInEveryCell() {
        return cells(NORMAL, false);
    }

    @TestFactory
    List<DynamicTest> secureTableMatchesKernelInEveryCell() {
        return cells(SECURE, true);
    }

    private static List<DynamicTest> cells(String[][] table, boolean secure) {
        assertEquals(TcpStates.COUNT, table.length);
        List<DynamicTest> tests = new ArrayList<>();
        for (String[] row : table) {
            int state = STATE.get(row[0]);
            for (int direction = 0; direction < DIRECTIONS.length; direction++) {
                String[] next = row[1 + direction].split(" ");
                for (int event = 0; event < EVENTS.length; event++) {
                    int expected = STATE.get(next[event]);
                    int d = direction;
                    int ev = event;
                    String name = DIRECTIONS[d] + " " + TcpStates.name(state) + " " + EVENTS[ev]
                            + " -> " + TcpStates.name(expected);
                    tests.add(DynamicTest.dynamicTest(name,
                            () -> assertEquals(expected, TcpStateTable.next(state, d, ev, secure))));
                }
            }
        }
        return tests;
    }

    @Test
    void rstOutranksEveryOtherFlag() {
        assertEquals(TcpStateTable.EVENT_RST, TcpStateTable.event(TCP_RST | TCP_SYN | TCP_FIN | TCP_ACK));
    }

    @Test
    void synOutranksFinAndAck() {
        assertEquals(TcpStateTable.EVENT_SYN, TcpStateTable.event(TCP_SYN | TCP_FIN | TCP_ACK));
    }

    @Test
    void finOutranksAck() {
        assertEquals(TcpStateTable.EVENT_FIN, TcpStateTable.event(TCP_FIN | TCP_ACK));
    }

    @Test
    void ackAloneIsTheAckEvent() {
        assertEquals(TcpStateTable.EVENT_ACK, TcpStateTable.event(TCP_ACK | 0x08));
    }

    @Test
    void segmentWithNoneOfTheFourFlagsHasNoEvent() {
        assertEquals(-1, TcpStateTable.event(0x08 | 0x20));
    }

    @Test
    void outOfRangeArgumentsGiveClose() {
        assertEquals(TcpStates.CLOSE, TcpStateTable.next(TcpStates.COUNT, TcpStateTable.INPUT, 0, false));
        assertEquals(TcpStates.CLOSE, TcpStateTable.next(TcpStates.NONE, 3, 0, false));
        assertEquals(TcpStates.CLOSE, TcpStateTable.next(TcpStates.NONE, TcpStateTable.INPUT, -1, false));
    }
}
