package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.SctpStates;
import org.actorvs.conn.TcpStates;
import org.actorvs.conn.Timeouts;
import org.actorvs.forward.Egress;
import org.actorvs.forward.IpvsSettings;
import org.actorvs.forward.PacketProcessor;
import org.actorvs.forward.Port;
import org.actorvs.forward.RouteTable;
import org.actorvs.forward.StaticNeighbours;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.sync.SyncApplier;
import org.actorvs.sync.SyncEntry;
import org.actorvs.sync.SyncLimits;
import org.actorvs.sync.SyncMessageDecoder;
import org.actorvs.sync.SyncMessageEncoder;
import org.actorvs.sync.SyncProtocols;
import org.actorvs.sync.SyncSettings;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** A shard as a sync master and as a sync backup, where the timer wheel and the listing meet sync. */
class ShardCoreSyncTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long CLIENT = 0x0A000001L;
    private static final long VIP = 0x0A000064L;
    private static final long REAL = 0x0A000015L;

    private final DestinationRegistry registry = new DestinationRegistry();
    private final ConnectionTable table = new ConnectionTable(64, 1_000_000L, registry);
    private final ShardCore core = new ShardCore(0, table,
            new PacketProcessor(table, registry, new Egress(new Port[0], RouteTable.of(List.of()),
                    new StaticNeighbours(), (port, buffer, offset, length) -> { }), new long[0],
                    IpvsSettings.defaults()),
            new SyncApplier(table, registry, new Timeouts(), null));
    /** What the master sent: one line per entry, "template|connection cport state timeout". */
    private final List<String> sent = new ArrayList<>();

    private void startMaster() {
        core.startSyncMaster(1, 0, SyncLimits.masterMaxLength(0, false), SyncSettings.kernelDefaults(),
                (message, firstEntryNanos, nowNanos) -> new SyncMessageDecoder(0).decode(new UnsafeBuffer(message),
                        0, message.length, e -> sent.add((e.template() ? "template " : "connection ") + e.cport()
                                + " " + e.state() + " " + e.timeoutSeconds() + "s")));
    }

    /** A persistence template expiring at 5 s, controlling a connection that lives until 100 s. */
    private int templateControllingALiveConnection() {
        int template = table.insert(SyncProtocols.TCP, 4, 0, CLIENT, 0, 0, VIP, 80, 0, REAL, 80,
                ConnFlags.TEMPLATE, -1, ConnectionTable.NONE, 0);
        table.setTimeout(template, 5, 0);
        int conn = table.insert(SyncProtocols.TCP, 4, 0, CLIENT, 40000, 0, VIP, 80, 0, REAL, 80, ConnFlags.MASQ, -1,
                template, 0);
        table.setState(conn, TcpStates.ESTABLISHED);
        table.setTimeout(conn, 100, 0);
        return template;
    }

    @Test
    void onAMasterATemplateStillControllingAConnectionIsKeptAtItsExpiryForSixtySecondsAndSentAgain() {
        startMaster();
        int template = templateControllingALiveConnection();

        assertEquals(0, core.tick(5 * SECOND));
        core.flushSync();

        assertEquals(template, table.lookupTemplate(SyncProtocols.TCP, 4, 0, CLIENT, 0, 0, VIP, 80));
        assertEquals(ConnectionTable.CONTROLLER_REARM_SECONDS, table.timeoutSeconds(template));
        assertEquals(60 * SECOND, table.remainingNanos(template, 5 * SECOND));
        assertEquals(List.of("template 0 0 60s"), sent);
    }

    @Test
    void withoutAMasterTheKeptTemplateIsSentNowhere() {
        startMaster();
        core.stopSyncMaster();
        int template = templateControllingALiveConnection();

        assertEquals(0, core.tick(5 * SECOND));
        core.flushSync();

        assertEquals(ConnectionTable.CONTROLLER_REARM_SECONDS, table.timeoutSeconds(template));
        assertEquals(List.of(), sent);
    }

    /** The ipvsadm -L -c -n row a backup lists for the one entry a master sent it. */
    private String listedAfterApplying(SyncEntry entry) {
        SyncMessageEncoder encoder = new SyncMessageEncoder(1, 0, SyncLimits.masterMaxLength(0, false));
        encoder.append(entry.client(0, CLIENT, entry.cport()).virtual(0, VIP, entry.vport())
                .destination(0, REAL, entry.vport()));
        byte[] message = new byte[encoder.length()];
        encoder.buffer().getBytes(0, message);
        core.applySync(message, 3, 0);
        List<ConnectionView> listed = core.connections(10);
        assertEquals(1, listed.size());
        return listed.get(0).ipvsadmRow();
    }

    @Test
    void anSctpConnectionIsListedWithTheKernelsStateNameAndLivesForThatStatesTimeout() {
        assertEquals("SCTP 15:00  ESTABLISHED 10.0.0.1:40000     10.0.0.100:3868    10.0.0.21:3868",
                listedAfterApplying(new SyncEntry().connection(4, SyncProtocols.SCTP, ConnFlags.MASQ,
                        SctpStates.ESTABLISHED).client(0, CLIENT, 40000).virtual(0, VIP, 3868)));
    }

    @Test
    void anSctpConnectionShuttingDownIsListedByItsShortName() {
        assertEquals("SCTP 01:01  S-ACK-SENT  10.0.0.1:40001     10.0.0.100:3868    10.0.0.21:3868",
                listedAfterApplying(new SyncEntry().connection(4, SyncProtocols.SCTP, ConnFlags.MASQ,
                        SctpStates.SHUTDOWN_ACK_SENT).client(0, CLIENT, 40001).virtual(0, VIP, 3868)));
    }

    @Test
    void aTemplateInAStateBeyondAssuredIsListedAsErr() {
        assertEquals("TCP 03:00  ERR!        10.0.0.1:0         10.0.0.100:80      10.0.0.21:80",
                listedAfterApplying(new SyncEntry().connection(4, SyncProtocols.TCP, ConnFlags.TEMPLATE, 0x0102)
                        .client(0, CLIENT, 0).virtual(0, VIP, 80)));
    }

    @Test
    void anAhConnectionIsListedUnderItsProtocolNumberWithoutAStateName() {
        assertEquals("IP_51 03:00  ERR!        10.0.0.1:500       10.0.0.100:500     10.0.0.21:500",
                listedAfterApplying(new SyncEntry().connection(4, SyncProtocols.AH, ConnFlags.MASQ, 0)
                        .client(0, CLIENT, 500).virtual(0, VIP, 500)));
    }
}
