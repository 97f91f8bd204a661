package org.actorvs.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SctpStatesTest {

    // IP_VS_SCTP_S_* numbers and sctp_state_name_table[] of ip_vs_proto_sctp.c.
    private static final Object[][] STATES = {
        {SctpStates.NONE, 0, "NONE"},
        {SctpStates.INIT1, 1, "INIT1"},
        {SctpStates.INIT, 2, "INIT"},
        {SctpStates.COOKIE_SENT, 3, "C-SENT"},
        {SctpStates.COOKIE_REPLIED, 4, "C-REPLIED"},
        {SctpStates.COOKIE_WAIT, 5, "C-WAIT"},
        {SctpStates.COOKIE, 6, "COOKIE"},
        {SctpStates.COOKIE_ECHOED, 7, "C-ECHOED"},
        {SctpStates.ESTABLISHED, 8, "ESTABLISHED"},
        {SctpStates.SHUTDOWN_SENT, 9, "S-SENT"},
        {SctpStates.SHUTDOWN_RECEIVED, 10, "S-RECEIVED"},
        {SctpStates.SHUTDOWN_ACK_SENT, 11, "S-ACK-SENT"},
        {SctpStates.REJECTED, 12, "REJECTED"},
        {SctpStates.CLOSED, 13, "CLOSED"},
    };

    @Test
    void statesHaveTheKernelNumbersAndTheShortNamesIpvsadmPrints() {
        assertEquals(STATES.length, SctpStates.COUNT);
        for (Object[] s : STATES) {
            assertEquals(s[1], s[0], (String) s[2]);
            assertEquals(s[2], SctpStates.name((Integer) s[0]));
        }
    }

    @Test
    void aStateFromIpVsSctpSLastOnIsNamedErr() {
        assertEquals("ERR!", SctpStates.name(SctpStates.COUNT));
        assertEquals("ERR!", SctpStates.name(-1));
    }
}
