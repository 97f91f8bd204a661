package org.actorvs.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TcpStatesTest {

    // IP_VS_TCP_S_* numbers and tcp_state_name_table[] / tcp_state_active_table[] of ip_vs_proto_tcp.c.
    private static final Object[][] STATES = {
        {0, "NONE", false},
        {1, "ESTABLISHED", true},
        {2, "SYN_SENT", true},
        {3, "SYN_RECV", true},
        {4, "FIN_WAIT", false},
        {5, "TIME_WAIT", false},
        {6, "CLOSE", false},
        {7, "CLOSE_WAIT", false},
        {8, "LAST_ACK", false},
        {9, "LISTEN", false},
        {10, "SYNACK", true},
    };

    @Test
    void statesHaveTheKernelNumbersAndNames() {
        assertEquals(STATES.length, TcpStates.COUNT);
        for (Object[] s : STATES) {
            assertEquals(s[1], TcpStates.name((Integer) s[0]));
        }
        assertEquals(10, TcpStates.SYNACK);
        assertEquals(6, TcpStates.CLOSE);
    }

    @Test
    void establishedSynSentSynRecvAndSynackAreTheActiveStates() {
        for (Object[] s : STATES) {
            assertEquals(s[2], TcpStates.isActive((Integer) s[0]), (String) s[1]);
        }
    }

    @Test
    void outOfRangeStateIsNamedErrAndIsNotActive() {
        assertEquals("ERR!", TcpStates.name(TcpStates.COUNT));
        assertEquals(false, TcpStates.isActive(-1));
    }
}
