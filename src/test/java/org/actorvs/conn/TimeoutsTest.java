package org.actorvs.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimeoutsTest {

    // tcp_timeouts[] of ip_vs_proto_tcp.c, in seconds, indexed by state number.
    private static final int[] KERNEL_TCP = {2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120};

    @Test
    void defaultTcpTimeoutsAreTheKernels() {
        Timeouts timeouts = new Timeouts();
        for (int state = 0; state < TcpStates.COUNT; state++) {
            assertEquals(KERNEL_TCP[state], timeouts.tcp(state), TcpStates.name(state));
        }
    }

    @Test
    void sctpTimeoutsAreTheKernelsTableWithMaxRtoForTheHandshakeAndShutdownStates() {
        // sctp_timeouts[] of ip_vs_proto_sctp.c, in seconds: IP_VS_SCTP_MAX_RTO is (60 + 1) * HZ
        int[] kernel = {2, 4, 61, 61, 61, 61, 61, 61, 900, 61, 61, 61, 4, 61};
        Timeouts timeouts = new Timeouts();
        for (int state = 0; state < SctpStates.COUNT; state++) {
            assertEquals(kernel[state], timeouts.sctp(state), SctpStates.name(state));
        }
        assertEquals(2, timeouts.sctp(SctpStates.COUNT), "sctp_timeouts[IP_VS_SCTP_S_LAST]");
    }

    @Test
    void defaultUdpTimeoutIsFiveMinutes() {
        assertEquals(300, new Timeouts().udp());
    }

    @Test
    void setWritesEstablishedFinWaitAndUdp() {
        Timeouts timeouts = new Timeouts();
        assertTrue(timeouts.set(3600, 30, 60));
        assertEquals(3600, timeouts.tcp(TcpStates.ESTABLISHED));
        assertEquals(30, timeouts.tcp(TcpStates.FIN_WAIT));
        assertEquals(60, timeouts.udp());
        assertEquals(120, timeouts.tcp(TcpStates.TIME_WAIT));
    }

    @Test
    void zeroLeavesATimeoutUnchanged() {
        Timeouts timeouts = new Timeouts();
        assertTrue(timeouts.set(0, 45, 0));
        assertEquals(900, timeouts.tcpEstablished());
        assertEquals(45, timeouts.tcpFin());
        assertEquals(300, timeouts.udp());
    }

    @Test
    void negativeOrTooLargeValueIsRefusedAndChangesNothing() {
        Timeouts timeouts = new Timeouts();
        assertFalse(timeouts.set(100, -1, 100));
        assertFalse(timeouts.set(100, 100, Timeouts.MAX_SECONDS + 1));
        assertEquals(900, timeouts.tcpEstablished());
        assertEquals(300, timeouts.udp());
    }
}
