package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.conn.ConnFlags;
import org.actorvs.forward.Port;
import org.actorvs.io.PcapFileIo;
import org.actorvs.packet.InetAddresses;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncEntry;
import org.actorvs.sync.SyncMessageDecoder;
import org.actorvs.sync.SyncProtocols;
import org.actorvs.sync.SyncSender;
import org.actorvs.sync.SyncSettings;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;

/**
 * Master to backup in one process, no network: a director replays the real kernel run as sync
 * master, its datagrams are handed to a second director's sync actor as backup, and the backup's
 * shards then hold every synced connection with the master's state, flags and destination, each
 * in the shard that owns its client. The backup runs three shards to the master's two, so the
 * routing cannot lean on the master's layout.
 */
class SyncReplicationTest {
    private static final Path CAPTURE = Path.of("src/test/resources/replay/v1-run.traffic.pcap");
    private static final Path CONFIG = Path.of("src/test/resources/replay/kernel-v1.conf");
    private static final int BACKUP_SHARDS = 3;

    private record Sent(byte[] message, long nowNanos) {
    }

    @Test
    void theBackupHoldsTheMastersConnectionsInTheOwningShards() throws IOException, ConfigError {
        DirectorConfig config = DirectorConfigLoader.load(CONFIG);
        List<Port> ports = config.ports(name -> {
            throw new IllegalArgumentException(name);
        });
        List<Sent> sent = new ArrayList<>();
        SyncSender collect = new SyncSender() {
            @Override
            public boolean send(byte[] message, long nowNanos) {
                sent.add(new Sent(message, nowNanos));
                return true;
            }

            @Override
            public void close() {
            }
        };
        SyncDaemon daemon = SyncDaemon.defaults("eth0", 7);
        SyncSettings settings = SyncSettings.kernelDefaults();
        try (PcapFileIo io = new PcapFileIo(ports, CAPTURE, null);
                Director master = Director.offline(Main.setup(config, ports, i -> config.staticNeighbours()), io)) {
            master.apply(config.services(), config.drainTimeout());
            assertTrue(master.sync(r -> new SyncActor.StartMaster(daemon, settings, collect, r)).ok());
            Replay.run(master, io);
            master.flushSync();
            assertTrue(master.sync(SyncActor.StopMaster::new).ok());
        }
        assertTrue(sent.size() > 5, sent.size() + " messages");

        // what the backup should end up with: the last word on each connection
        Map<String, SyncEntry> expected = new LinkedHashMap<>();
        SyncMessageDecoder decoder = new SyncMessageDecoder(0);
        for (Sent s : sent) {
            decoder.decode(new UnsafeBuffer(s.message()), 0, s.message().length, e -> expected.put(key(e.protocol(),
                    e.af(), e.caddrHi(), e.caddrLo(), e.cport(), e.vaddrHi(), e.vaddrLo(), e.vport(), e.template()),
                    copy(e)));
        }

        DirectorSetup two = Main.setup(config, ports, i -> config.staticNeighbours());
        DirectorSetup three = new DirectorSetup(two.ports(), two.routes(), two.neighbours(), two.settings(),
                two.timeouts(), BACKUP_SHARDS, two.tableCapacity(), two.tickNanos(), two.rules(), two.drainTimeout());
        try (PcapFileIo io = new PcapFileIo(ports, CAPTURE, null); Director backup = Director.offline(three, io)) {
            backup.apply(config.services(), config.drainTimeout());
            assertTrue(backup.sync(r -> new SyncActor.StartBackup(daemon, settings, false, r)).ok());
            for (Sent s : sent) {
                backup.sync().tell(new SyncActor.Datagram(s.message(), s.nowNanos()));
            }
            SyncActor.Stats stats = backup.syncStats();
            assertEquals(sent.size(), stats.datagramsReceived());
            assertEquals(0, stats.rejectedTotal());

            Map<String, Integer> shardOf = new HashMap<>();
            Map<String, ConnectionView> held = new HashMap<>();
            for (int s = 0; s < BACKUP_SHARDS; s++) {
                final int shard = s;
                List<ConnectionView> views = AskPattern.<PacketShard.Command, List<ConnectionView>>ask(
                        backup.shards().get(s), r -> new PacketShard.ListConnections(10_000, r), Duration.ofSeconds(10),
                        backup.system().scheduler()).toCompletableFuture().join();
                for (ConnectionView v : views) {
                    String k = key(v);
                    held.put(k, v);
                    shardOf.put(k, shard);
                }
            }
            assertEquals(expected.keySet(), held.keySet());
            for (Map.Entry<String, SyncEntry> x : expected.entrySet()) {
                SyncEntry e = x.getValue();
                ConnectionView v = held.get(x.getKey());
                assertNotNull(v, x.getKey());
                assertEquals(SyncProtocols.stateName(e.protocol(), e.flags(), e.state()), v.state(), x.getKey());
                // the backup's destination adds its own conn_flags beyond the mask (NFCT: conntrack on)
                assertEquals(e.backupFlags(), v.flags() & (ConnFlags.BACKUP_MASK | ConnFlags.SYNC), x.getKey());
                assertEquals(InetAddresses.format(e.af(), e.daddrHi(), e.daddrLo()), v.destination(), x.getKey());
                assertEquals(e.dport(), v.destinationPort(), x.getKey());
                assertEquals(FrameDispatcher.shardOf(e.caddrHi(), e.caddrLo(), BACKUP_SHARDS), shardOf.get(x.getKey()),
                        x.getKey());
            }
        }
    }

    private static SyncEntry copy(SyncEntry e) {
        return new SyncEntry().connection(e.af(), e.protocol(), e.flags(), e.state())
                .client(e.caddrHi(), e.caddrLo(), e.cport()).virtual(e.vaddrHi(), e.vaddrLo(), e.vport())
                .destination(e.daddrHi(), e.daddrLo(), e.dport()).timeoutSeconds(e.timeoutSeconds());
    }

    private static String key(int protocol, int af, long cHi, long cLo, int cport, long vHi, long vLo, int vport,
            boolean template) {
        return protocol + " " + InetAddresses.format(af, cHi, cLo) + ":" + cport + " " + InetAddresses.format(af, vHi, vLo)
                + ":" + vport + (template ? " T" : "");
    }

    private static String key(ConnectionView v) {
        return v.protocol() + " " + v.client() + ":" + v.clientPort() + " " + v.virtual() + ":" + v.virtualPort()
                + (v.template() ? " T" : "");
    }
}
