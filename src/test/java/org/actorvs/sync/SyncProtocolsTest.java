package org.actorvs.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.SctpStates;
import org.actorvs.conn.TcpStates;
import org.actorvs.conn.TemplateStates;
import org.junit.jupiter.api.Test;

/** The state names of ip_vs_state_name(), which /proc/net/ip_vs_conn and ipvsadm -L -c show. */
class SyncProtocolsTest {

    @Test
    void aTemplateIsNamedNoneOrAssuredWhateverItsProtocolAndErrBeyond() {
        for (int protocol : new int[] {0, SyncProtocols.TCP, SyncProtocols.UDP, SyncProtocols.SCTP}) {
            assertEquals("NONE", SyncProtocols.stateName(protocol, ConnFlags.TEMPLATE, TemplateStates.NONE));
            assertEquals("ASSURED", SyncProtocols.stateName(protocol, ConnFlags.TEMPLATE, TemplateStates.ASSURED));
            assertEquals("ERR!", SyncProtocols.stateName(protocol, ConnFlags.TEMPLATE, SyncProtocols.TEMPLATE_STATES));
            assertEquals("ERR!", SyncProtocols.stateName(protocol, ConnFlags.TEMPLATE, 0x0103));
        }
    }

    @Test
    void sctpConnectionsHaveTheSctpProtocolsShortNames() {
        assertEquals("ESTABLISHED", SyncProtocols.stateName(SyncProtocols.SCTP, 0, SctpStates.ESTABLISHED));
        assertEquals("C-ECHOED", SyncProtocols.stateName(SyncProtocols.SCTP, 0, SctpStates.COOKIE_ECHOED));
        assertEquals("S-ACK-SENT", SyncProtocols.stateName(SyncProtocols.SCTP, 0, SctpStates.SHUTDOWN_ACK_SENT));
        assertEquals("ERR!", SyncProtocols.stateName(SyncProtocols.SCTP, 0, SctpStates.COUNT));
    }

    @Test
    void tcpAndUdpConnectionsHaveTheirProtocolsNames() {
        assertEquals("FIN_WAIT", SyncProtocols.stateName(SyncProtocols.TCP, 0, TcpStates.FIN_WAIT));
        assertEquals("UDP", SyncProtocols.stateName(SyncProtocols.UDP, 0, 0));
        assertEquals("ERR!", SyncProtocols.stateName(SyncProtocols.UDP, 0, 1));
    }

    @Test
    void ahAndEspHaveNoStateNamesSoTheirConnectionsAreErrAndProtocolZeroIsNone() {
        assertEquals("ERR!", SyncProtocols.stateName(SyncProtocols.AH, 0, 0));
        assertEquals("ERR!", SyncProtocols.stateName(SyncProtocols.ESP, 0, 0));
        assertEquals("NONE", SyncProtocols.stateName(0, 0, 0));
    }

    @Test
    void eachProtocolHasItsKernelNumberOfStatesAndAnUnbalancedOneNone() {
        assertEquals(TcpStates.COUNT, SyncProtocols.stateCount(SyncProtocols.TCP));
        assertEquals(1, SyncProtocols.stateCount(SyncProtocols.UDP));
        assertEquals(14, SyncProtocols.stateCount(SyncProtocols.SCTP));
        assertEquals(1, SyncProtocols.stateCount(SyncProtocols.AH));
        assertEquals(1, SyncProtocols.stateCount(SyncProtocols.ESP));
        assertEquals(0, SyncProtocols.stateCount(1));
    }
}
