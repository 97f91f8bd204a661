package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.conn.ConnFlags;
import org.actorvs.forward.Port;
import org.actorvs.io.PcapFileIo;
import org.actorvs.packet.IpAddress;
import org.actorvs.sync.BulkConfig;
import org.actorvs.sync.BulkResult;
import org.actorvs.sync.BulkServer;
import org.actorvs.sync.BulkTransfer;
import org.actorvs.sync.FakeBulkPeer;
import org.actorvs.sync.SyncSettings;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failback without loss, in one process: a director replays the real kernel run and serves its
 * table; a second, empty director with three shards to its two pulls it at start, and then holds
 * every connection (protocol, addresses, state, destination) in the shard that owns its client.
 */
class BulkSyncTest {
    private static final Path CAPTURE = Path.of("src/test/resources/replay/v1-run.traffic.pcap");
    private static final Path CONFIG = Path.of("src/test/resources/replay/kernel-v1.conf");
    private static final int PULLER_SHARDS = 3;
    private static final byte[] KEY = "a shared key of more than sixteen bytes".getBytes(StandardCharsets.UTF_8);
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int THRESHOLD = SyncSettings.kernelDefaults().threshold();

    private static DirectorConfig config;
    private static List<Port> ports;

    @BeforeAll
    static void load() throws IOException, ConfigError {
        config = DirectorConfigLoader.load(CONFIG);
        ports = config.ports(name -> {
            throw new IllegalArgumentException(name);
        });
    }

    private static DirectorSetup pullerSetup() {
        DirectorSetup two = Main.setup(config, ports, i -> config.staticNeighbours());
        return new DirectorSetup(two.ports(), two.routes(), two.neighbours(), two.settings(), two.timeouts(),
                PULLER_SHARDS, two.tableCapacity(), two.tickNanos(), two.rules(), two.drainTimeout());
    }

    private static BulkConfig pullFrom(InetSocketAddress peer, Duration timeout) {
        return new BulkConfig(Optional.empty(), List.of(peer), KEY, timeout, false);
    }

    /** Every connection of every shard, by what identifies it, with the shard that holds it. */
    private static Map<String, Held> table(Director d) {
        Map<String, Held> out = new HashMap<>();
        for (int s = 0; s < d.shards().size(); s++) {
            final int shard = s;
            List<ConnectionView> views = AskPattern.<PacketShard.Command, List<ConnectionView>>ask(d.shards().get(s),
                    r -> new PacketShard.ListConnections(100_000, r), Duration.ofSeconds(10), d.system().scheduler())
                    .toCompletableFuture().join();
            for (ConnectionView v : views) {
                // SIP persistence templates share their tuple and differ by Call-ID (PE data), which the
                // view does not show; their destinations differ
                out.put(v.protocol() + " " + v.client() + ":" + v.clientPort() + " " + v.virtual() + ":"
                        + v.virtualPort() + (v.template() ? " T " + v.destination() : ""), new Held(v, shard));
            }
        }
        return out;
    }

    private record Held(ConnectionView view, int shard) {
    }

    @Test
    void theStartingDirectorHoldsThePeersConnectionsInTheOwningShards() throws IOException {
        try (PcapFileIo io = new PcapFileIo(ports, CAPTURE, null);
                Director serving = Director.offline(Main.setup(config, ports, i -> config.staticNeighbours()), io);
                PcapFileIo io2 = new PcapFileIo(ports, CAPTURE, null);
                Director starting = Director.offline(pullerSetup(), io2)) {
            serving.apply(config.services(), config.drainTimeout());
            Replay.run(serving, io);
            BulkServer server = serving.serveBulk(new BulkConfig(Optional.of(ANY_LOOPBACK), List.of(), KEY,
                    Duration.ofSeconds(10), false));
            starting.apply(config.services(), config.drainTimeout());

            BulkResult result = starting.startBulk(pullFrom(server.address(), Duration.ofSeconds(20)), THRESHOLD)
                    .toCompletableFuture().join();

            assertEquals(BulkResult.Outcome.SYNCED, result.outcome(), result.failures().toString());
            Map<String, Held> expected = new HashMap<>(table(serving));
            // the kernel never syncs one-packet connections, nor does the bulk transfer
            expected.values().removeIf(h -> (h.view().flags() & ConnFlags.ONE_PACKET) != 0);
            assertTrue(expected.size() > 10, expected.size() + " connections");
            assertEquals(expected.size(), result.entries());
            Map<String, Held> held = table(starting);
            assertEquals(expected.keySet(), held.keySet());
            for (Map.Entry<String, Held> x : expected.entrySet()) {
                ConnectionView want = x.getValue().view();
                Held got = held.get(x.getKey());
                assertEquals(want.state(), got.view().state(), x.getKey());
                assertEquals(want.destination(), got.view().destination(), x.getKey());
                assertEquals(want.destinationPort(), got.view().destinationPort(), x.getKey());
                assertEquals(want.flags() & ConnFlags.BACKUP_MASK, got.view().flags() & ConnFlags.BACKUP_MASK,
                        x.getKey());
                assertTrue((got.view().flags() & ConnFlags.SYNC) != 0, x.getKey());
                assertEquals(shardOf(got.view()), got.shard(), x.getKey());
            }
            assertEquals(1, server.served());
        }
    }

    private static int shardOf(ConnectionView v) {
        IpAddress a = IpAddress.parse(v.client());
        return FrameDispatcher.shardOf(a.hi(), a.lo(), PULLER_SHARDS);
    }

    @Test
    void aTransferCutByACorruptMessageLeavesTheTableEmpty() throws Exception {
        byte[] corrupt = {0, 0, 0, 8, 9, 1, 0, 0};
        try (FakeBulkPeer peer = new FakeBulkPeer(c -> {
            FakeBulkPeer.send(c, BulkTransfer.HELLO, FakeBulkPeer.hello(true, new byte[BulkTransfer.NONCE_LENGTH]));
            byte[] auth = FakeBulkPeer.receive(c, BulkTransfer.AUTH);
            FakeBulkPeer.send(c, BulkTransfer.ACCEPT,
                    FakeBulkPeer.proof(KEY, FakeBulkPeer.clientNonce(auth), new byte[BulkTransfer.NONCE_LENGTH]));
            FakeBulkPeer.send(c, BulkTransfer.MESSAGE, corrupt);
            FakeBulkPeer.closedByPeer(c);
        }); PcapFileIo io = new PcapFileIo(ports, CAPTURE, null); Director starting = Director.offline(pullerSetup(), io)) {
            starting.apply(config.services(), config.drainTimeout());
            BulkResult result = starting.bulkSync(pullFrom(peer.address(), Duration.ofSeconds(20)), THRESHOLD)
                    .toCompletableFuture().join();
            assertEquals(BulkResult.Outcome.FAILED, result.outcome());
            assertTrue(result.failures().get(0).contains("MALFORMED"), result.failures().toString());
            assertTrue(table(starting).isEmpty());
            peer.join();
        }
    }

    @Test
    void withNoPeerAnsweringTheDirectorGoesOnAfterTheBound() throws IOException {
        Duration bound = Duration.ofMillis(500);
        // listening but never accepting: the handshake completes, no HELLO ever comes
        try (ServerSocketChannel silent = ServerSocketChannel.open().bind(ANY_LOOPBACK);
                PcapFileIo io = new PcapFileIo(ports, CAPTURE, null);
                Director starting = Director.offline(pullerSetup(), io)) {
            BulkResult result = starting.bulkSync(pullFrom((InetSocketAddress) silent.getLocalAddress(), bound),
                    THRESHOLD).toCompletableFuture().join();
            assertEquals(BulkResult.Outcome.NO_PEER, result.outcome());
            assertTrue(result.took().compareTo(bound) >= 0, result.took().toString());
            assertTrue(table(starting).isEmpty());
        }
    }

    @Test
    void withoutPeersThereIsNothingToWaitFor() throws IOException {
        try (PcapFileIo io = new PcapFileIo(ports, CAPTURE, null); Director starting = Director.offline(pullerSetup(), io)) {
            assertEquals(BulkResult.Outcome.NOT_CONFIGURED,
                    starting.bulkSync(BulkConfig.none(), THRESHOLD).toCompletableFuture().join().outcome());
        }
    }
}
