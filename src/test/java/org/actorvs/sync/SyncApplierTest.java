package org.actorvs.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.SctpStates;
import org.actorvs.conn.TcpStates;
import org.actorvs.conn.TemplateStates;
import org.actorvs.conn.Timeouts;
import org.actorvs.service.Destination;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.ForwardingMethod;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceTable;
import org.actorvs.service.VirtualService;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ip_vs_proc_conn() on a backup's own table and services. */
class SyncApplierTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final long CLIENT = 0x0A000001L;
    private static final long VIP = 0x0A000064L;
    private static final long RS1 = 0x0A000015L;
    private static final long RS2 = 0x0A000016L;
    private static final int THRESHOLD = 3;

    private final DestinationRegistry registry = new DestinationRegistry();
    private final ConnectionTable table = new ConnectionTable(64, 100_000_000L, registry);
    private final SyncApplier applier = new SyncApplier(table, registry, new Timeouts(), null);
    private final SyncMessageDecoder decoder = new SyncMessageDecoder(0);
    private Destination rs1;
    private Destination rs2;

    @BeforeEach
    void services() {
        // the backup's own configuration: direct routing to RS1, NAT to RS2 (the master may say otherwise)
        VirtualService vs = new VirtualService(registry, 4, TCP, 0, VIP, 80, 0, "rr", 0);
        rs1 = vs.addDestination(4, 0, RS1, 80, ForwardingMethod.DROUTE, 1, 0, 0);
        rs2 = vs.addDestination(4, 0, RS2, 80, ForwardingMethod.MASQ, 1, 0, 0);
        applier.services(new ServiceTable(List.of(
                new Schedule(4, TCP, 0, VIP, 80, 0, 0, 0, 0, -1L, null, vs.scheduler(), vs.destinations()))));
    }

    private static SyncEntry tcp(int cport, long daddr, int flags, int state, long timeout) {
        return entry(TCP, cport, daddr, flags, state, timeout);
    }

    private static SyncEntry entry(int protocol, int cport, long daddr, int flags, int state, long timeout) {
        return new SyncEntry().connection(4, protocol, flags, state).client(0, CLIENT, cport).virtual(0, VIP, 80)
                .destination(0, daddr, 80).timeoutSeconds(timeout);
    }

    private int lookup(int cport) {
        return lookup(TCP, cport);
    }

    private int lookup(int protocol, int cport) {
        return table.lookupIn(protocol, 4, 0, CLIENT, cport, 0, VIP, 80);
    }

    /** The datagram through the backup's checks (ip_vs_process_message()) into the table; its status. */
    private int receive(int version, SyncEntry... entries) {
        byte[] m = Messages.encode(version, 0, entries);
        return decoder.decode(new UnsafeBuffer(m), 0, m.length, e -> applier.apply(e, THRESHOLD, SECOND));
    }

    @Test
    void aNewConnectionTakesTheBackupsForwardingMethodAndKeepsTheMastersActivity() {
        assertEquals(SyncApplier.CREATED,
                applier.apply(tcp(5000, RS1, ConnFlags.MASQ, TcpStates.ESTABLISHED, 900), THRESHOLD, SECOND));
        int cp = lookup(5000);
        assertEquals(ConnFlags.DROUTE | ConnFlags.NOOUTPUT | ConnFlags.SYNC | ConnFlags.HASHED, table.flags(cp));
        assertEquals(TcpStates.ESTABLISHED, table.state(cp));
        assertEquals(TcpStates.ESTABLISHED, table.oldState(cp));
        assertEquals(rs1.id(), table.destId(cp));
        assertEquals(1, rs1.activeConns());
        assertEquals(0, rs1.inactiveConns());
        assertEquals(THRESHOLD, table.inPkts(cp));
        assertEquals(900, table.timeoutSeconds(cp));
    }

    @Test
    void anInactiveNewConnectionCountsAsInactive() {
        applier.apply(tcp(5001, RS2, ConnFlags.MASQ | ConnFlags.INACTIVE, TcpStates.FIN_WAIT, 120), THRESHOLD, SECOND);
        assertEquals(0, rs2.activeConns());
        assertEquals(1, rs2.inactiveConns());
    }

    @Test
    void anExistingEntryTakesOnlyInactiveAndSeqBitsAndMovesTheCount() {
        applier.apply(tcp(5002, RS2, ConnFlags.MASQ, TcpStates.ESTABLISHED, 900), THRESHOLD, SECOND);
        int cp = lookup(5002);
        // the master now says FIN_WAIT, inactive, and (wrongly for this backup) tunnel and NO_CPORT
        int master = ConnFlags.TUNNEL | ConnFlags.INACTIVE | ConnFlags.NO_CPORT;
        assertEquals(SyncApplier.UPDATED,
                applier.apply(tcp(5002, RS2, master, TcpStates.FIN_WAIT, 120), THRESHOLD, 2 * SECOND));
        assertEquals(cp, lookup(5002));
        assertEquals(ConnFlags.MASQ | ConnFlags.INACTIVE | ConnFlags.SYNC | ConnFlags.HASHED, table.flags(cp));
        assertEquals(TcpStates.FIN_WAIT, table.state(cp));
        assertEquals(0, rs2.activeConns());
        assertEquals(1, rs2.inactiveConns());
        assertEquals(120, table.timeoutSeconds(cp));
    }

    @Test
    void anEntryWithoutTimeoutTakesTheProtocolTimeoutOfItsState() {
        applier.apply(tcp(5003, RS1, ConnFlags.MASQ, TcpStates.TIME_WAIT, 0), THRESHOLD, SECOND);
        assertEquals(120, table.timeoutSeconds(lookup(5003)));
    }

    @Test
    void aTemplateWithoutTimeoutLivesThreeMinutes() {
        SyncEntry t = new SyncEntry().connection(4, TCP, ConnFlags.TEMPLATE | ConnFlags.MASQ, TemplateStates.ASSURED)
                .client(0, CLIENT, 0).virtual(0, VIP, 80).destination(0, RS1, 80);
        assertEquals(SyncApplier.CREATED, applier.apply(t, THRESHOLD, SECOND));
        int ct = table.lookupTemplate(TCP, 4, 0, CLIENT, 0, 0, VIP, 80);
        assertEquals(SyncApplier.DEFAULT_TIMEOUT_SECONDS, table.timeoutSeconds(ct));
        assertEquals(TemplateStates.ASSURED, table.state(ct));
        assertEquals(1, rs1.persistentConns());
        // ip_vs_bind_dest() gives a template its destination's INACTIVE too
        assertEquals(ConnFlags.TEMPLATE | ConnFlags.DROUTE | ConnFlags.NOOUTPUT | ConnFlags.INACTIVE | ConnFlags.SYNC
                | ConnFlags.HASHED, table.flags(ct));
    }

    @Test
    void aTemplateWithEngineDataIsFoundByItsData() {
        byte[] callA = "call-a@host".getBytes(StandardCharsets.US_ASCII);
        byte[] callB = "call-b@host".getBytes(StandardCharsets.US_ASCII);
        for (byte[] call : new byte[][] {callA, callB}) {
            SyncEntry t = new SyncEntry().connection(4, UDP, ConnFlags.TEMPLATE, 0).client(0, CLIENT, 0)
                    .virtual(0, VIP, 5060).destination(0, RS1, 5060).timeoutSeconds(60)
                    .peData(new UnsafeBuffer(call), 0, call.length).peName("sip");
            assertEquals(SyncApplier.CREATED, applier.apply(t, THRESHOLD, SECOND));
        }
        int a = table.lookupTemplate(UDP, 4, 0, CLIENT, 0, 0, VIP, 5060, new UnsafeBuffer(callA), 0, callA.length);
        int b = table.lookupTemplate(UDP, 4, 0, CLIENT, 0, 0, VIP, 5060, new UnsafeBuffer(callB), 0, callB.length);
        assertNotEquals(ConnectionTable.NONE, a);
        assertNotEquals(ConnectionTable.NONE, b);
        assertNotEquals(a, b);
        assertEquals(callA.length, table.peDataLength(a));
    }

    @Test
    void anUnknownDestinationLeavesTheConnectionUnboundButThere() {
        applier.apply(tcp(5004, 0x0A0000FEL, ConnFlags.TUNNEL, TcpStates.ESTABLISHED, 900), THRESHOLD, SECOND);
        int cp = lookup(5004);
        assertNotEquals(ConnectionTable.NONE, cp);
        assertEquals(-1, table.destId(cp));
        assertEquals(ConnFlags.TUNNEL | ConnFlags.SYNC | ConnFlags.HASHED, table.flags(cp), "the master's method stays");
    }

    @Test
    void anotherDestinationReplacesTheConnectionUnlessTheEntryIsInactive() {
        applier.apply(tcp(5005, RS1, ConnFlags.MASQ, TcpStates.ESTABLISHED, 900), THRESHOLD, SECOND);
        int old = lookup(5005);
        assertEquals(SyncApplier.STALE, applier.apply(tcp(5005, RS2, ConnFlags.MASQ | ConnFlags.INACTIVE,
                TcpStates.CLOSE, 10), THRESHOLD, 2 * SECOND));
        assertEquals(old, lookup(5005));
        assertEquals(TcpStates.ESTABLISHED, table.state(old));
        assertEquals(SyncApplier.CREATED,
                applier.apply(tcp(5005, RS2, ConnFlags.MASQ, TcpStates.ESTABLISHED, 900), THRESHOLD, 3 * SECOND));
        assertEquals(RS2, table.daddrLo(lookup(5005)));
    }

    // ---- states the kernel's backup refuses, or does not

    @Test
    void aTemplateInAStateBeyondAssuredIsAppliedWithThatStateAsTheKernelOnlyLogsIt() {
        for (int version : new int[] {1, 0}) {
            int vport = 80 + version;
            SyncEntry template = tcp(0, RS1, ConnFlags.TEMPLATE | ConnFlags.MASQ, 0x0102, 300).virtual(0, VIP, vport);
            assertEquals(SyncStatus.OK.code(), receive(version, template, tcp(6000 + version, RS1, ConnFlags.MASQ,
                    TcpStates.ESTABLISHED, 900)));
            assertEquals(0, decoder.skipped(), "v" + version);
            int ct = table.lookupTemplate(TCP, 4, 0, CLIENT, 0, 0, VIP, vport);
            assertNotEquals(ConnectionTable.NONE, ct, "v" + version);
            assertEquals(0x0102, table.state(ct));
            assertEquals("ERR!", SyncProtocols.stateName(TCP, table.flags(ct), table.state(ct)));
            // v0 carries no timeout: a template then gets 3 minutes
            assertEquals(version == 1 ? 300 : SyncApplier.DEFAULT_TIMEOUT_SECONDS, table.timeoutSeconds(ct));
            assertNotEquals(ConnectionTable.NONE, lookup(6000 + version), "the entry after it, v" + version);
        }
    }

    @Test
    void aConnectionInAStateBeyondItsProtocolsIsSkippedLeavingItsEntryAsItWasWhileTheRestApplies() {
        applier.apply(tcp(5000, RS2, ConnFlags.MASQ, TcpStates.ESTABLISHED, 900), THRESHOLD, SECOND);
        int cp = lookup(5000);
        int flags = table.flags(cp);
        for (int version : new int[] {1, 0}) {
            SyncEntry beyond = tcp(5000, RS2, ConnFlags.MASQ | ConnFlags.INACTIVE, TcpStates.COUNT, 10);
            assertEquals(SyncStatus.OK.code(), receive(version, beyond,
                    tcp(5010 + version, RS2, ConnFlags.MASQ, TcpStates.ESTABLISHED, 900)));
            assertEquals(1, decoder.skipped(), "v" + version);
            assertEquals(cp, lookup(5000));
            assertEquals(TcpStates.ESTABLISHED, table.state(cp));
            assertEquals(flags, table.flags(cp));
            assertEquals(900, table.timeoutSeconds(cp));
            assertNotEquals(ConnectionTable.NONE, lookup(5010 + version), "the entry after it, v" + version);
        }
        assertEquals(3, rs2.activeConns());
        assertEquals(0, rs2.inactiveConns());
    }

    @Test
    void eachProtocolRefusesTheFirstStateNumberPastItsOwnStates() {
        int[][] lastAndFirstPast = {
            {TCP, TcpStates.COUNT - 1}, {UDP, 0}, {SyncProtocols.SCTP, SctpStates.COUNT - 1},
            {SyncProtocols.AH, 0}, {SyncProtocols.ESP, 0},
        };
        int cport = 7000;
        for (int[] p : lastAndFirstPast) {
            int protocol = p[0];
            receive(1, entry(protocol, cport, RS1, ConnFlags.MASQ, p[1], 60),
                    entry(protocol, cport + 1, RS1, ConnFlags.MASQ, p[1] + 1, 60));
            assertNotEquals(ConnectionTable.NONE, lookup(protocol, cport), "protocol " + protocol);
            assertEquals(ConnectionTable.NONE, lookup(protocol, cport + 1), "protocol " + protocol);
            assertEquals(1, decoder.skipped(), "protocol " + protocol);
            cport += 2;
        }
    }

    // ---- SCTP, which a backup takes from a master that balances it

    @Test
    void anSctpEntryWithoutTimeoutTakesTheKernelsSctpTimeoutOfItsStateNotThreeMinutes() {
        receive(0, entry(SyncProtocols.SCTP, 8000, RS1, ConnFlags.MASQ, SctpStates.ESTABLISHED, 0),
                entry(SyncProtocols.SCTP, 8001, RS1, ConnFlags.MASQ, SctpStates.INIT1, 0));
        receive(1, entry(SyncProtocols.SCTP, 8002, RS1, ConnFlags.MASQ, SctpStates.SHUTDOWN_SENT, 0));
        assertEquals(900, table.timeoutSeconds(lookup(SyncProtocols.SCTP, 8000)));
        assertEquals(4, table.timeoutSeconds(lookup(SyncProtocols.SCTP, 8001)));
        assertEquals(61, table.timeoutSeconds(lookup(SyncProtocols.SCTP, 8002)));
        assertEquals(SctpStates.SHUTDOWN_SENT, table.state(lookup(SyncProtocols.SCTP, 8002)));
    }

    @Test
    void anSctpEntryCarryingATimeoutKeepsIt() {
        receive(1, entry(SyncProtocols.SCTP, 8010, RS1, ConnFlags.MASQ, SctpStates.ESTABLISHED, 777));
        assertEquals(777, table.timeoutSeconds(lookup(SyncProtocols.SCTP, 8010)));
    }

    @Test
    void anAhEntryWithoutTimeoutLivesThreeMinutesForAhHasNoTimeoutTable() {
        receive(0, entry(SyncProtocols.AH, 8020, RS1, ConnFlags.MASQ, 0, 0));
        assertEquals(SyncApplier.DEFAULT_TIMEOUT_SECONDS, table.timeoutSeconds(lookup(SyncProtocols.AH, 8020)));
    }
}
