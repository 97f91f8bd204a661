package org.actorvs.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.forward.Port;
import org.actorvs.io.PcapFileIo;
import org.actorvs.runtime.ConnectionView;
import org.actorvs.runtime.Director;
import org.actorvs.runtime.FrameDispatcher;
import org.actorvs.runtime.DirectorSetup;
import org.actorvs.runtime.PacketShard;
import org.actorvs.runtime.Replay;
import org.actorvs.runtime.SyncActor;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncMessageDecoder;
import org.actorvs.sync.SyncSender;
import org.actorvs.sync.SyncSettings;
import org.actorvs.sync.SyncStatus;
import org.actorvs.sync.V1HeaderFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real kernel run replayed by a sync master whose datagrams are collected, then handed to a
 * second director's sync backup with one datagram of another syncid and one too short to be a
 * message; both directors are scraped, and every sync series must be what the sync actor counted
 * (and what the datagrams themselves hold).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncMetricsReplayTest {
    private static final Path CAPTURE = Path.of("src/test/resources/replay/v1-run.traffic.pcap");
    private static final Path CONFIG = Path.of("src/test/resources/replay/kernel-v1.conf");
    private static final int SYNC_ID = 7;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<byte[]> sent = new ArrayList<>();
    private SyncActor.Stats masterStats;
    private Scrape master;
    private SyncActor.Stats backupStats;
    private Scrape backup;
    private int shardParts;

    @BeforeAll
    void replicate() throws IOException, ConfigError {
        DirectorConfig config = DirectorConfigLoader.load(CONFIG);
        List<Port> ports = config.ports(name -> {
            throw new IllegalArgumentException(name);
        });
        SyncSender collect = new SyncSender() {
            @Override
            public boolean send(byte[] message, long nowNanos) {
                sent.add(message);
                return true;
            }

            @Override
            public void close() {
            }
        };
        SyncDaemon daemon = SyncDaemon.defaults("eth0", SYNC_ID);
        SyncSettings settings = SyncSettings.kernelDefaults();
        try (PcapFileIo io = new PcapFileIo(ports, CAPTURE, null);
                Director director = Director.offline(setup(config, ports), io)) {
            director.apply(config.services(), config.drainTimeout());
            assertTrue(director.sync(r -> new SyncActor.StartMaster(daemon, settings, collect, r)).ok());
            Replay.run(director, io);
            director.flushSync();
            master = scrape(director, config);
            masterStats = director.syncStats();
        }

        try (PcapFileIo io = new PcapFileIo(ports, CAPTURE, null);
                Director director = Director.offline(setup(config, ports), io)) {
            director.apply(config.services(), config.drainTimeout());
            assertTrue(director.sync(r -> new SyncActor.StartBackup(daemon, settings, false, r)).ok());
            for (byte[] m : sent) {
                director.sync().tell(new SyncActor.Datagram(m.clone(), 0));
                shardParts += shardsOf(m, director.shards().size());
            }
            byte[] otherSyncId = sent.get(0).clone();
            otherSyncId[V1HeaderFlyweight.SYNC_ID_OFFSET] = SYNC_ID + 1;
            director.sync().tell(new SyncActor.Datagram(otherSyncId, 0));
            director.sync().tell(new SyncActor.Datagram(new byte[2], 0));
            // the sync actor has handed every part to its shard once it answers a first time, and each
            // shard has applied its parts (and told the sync actor so) once it answers the ask below
            director.syncStats();
            for (var shard : director.shards()) {
                AskPattern.<PacketShard.Command, List<ConnectionView>>ask(shard,
                        r -> new PacketShard.ListConnections(1, r), WAIT, director.system().scheduler())
                        .toCompletableFuture().join();
            }
            backupStats = director.syncStats();
            backup = scrape(director, config);
        }
    }

    private static DirectorSetup setup(DirectorConfig config, List<Port> ports) {
        return new DirectorSetup(ports, config.routeTable(), i -> config.staticNeighbours(), config.ipvs(),
                config.timeouts().toTimeouts(), config.shards(), config.connectionTableCapacity(), 100_000_000L,
                config.services(), config.drainTimeout());
    }

    private static Scrape scrape(Director director, DirectorConfig config) {
        MetricsRegistry registry = new MetricsRegistry();
        DirectorMetrics.register(director, config.nodeName(), registry);
        return Scrape.parse(registry.scrapeText());
    }

    /** The shards of {@code shardCount} that own an entry of the message: each applies its part. */
    private static int shardsOf(byte[] message, int shardCount) {
        Set<Integer> shards = new HashSet<>();
        new SyncMessageDecoder(0).decode(new UnsafeBuffer(message), 0, message.length,
                e -> shards.add(FrameDispatcher.shardOf(e.caddrHi(), e.caddrLo(), shardCount)));
        return shards.size();
    }

    @Test
    void theMastersCountsAreTheSyncActorsAndTheDatagramsOwn() {
        assertTrue(sent.size() > 5, sent.size() + " messages");
        long entries = 0;
        long bytes = 0;
        for (byte[] m : sent) {
            entries += m[V1HeaderFlyweight.COUNT_OFFSET] & 0xFF;
            bytes += m.length;
        }
        assertEquals(sent.size(), masterStats.messagesSent());
        assertEquals(bytes, masterStats.bytesSent());
        assertEquals(bytes, master.value("actorvs_sync_master_bytes_sent_total"));
        assertEquals(entries, masterStats.entriesSent());
        assertEquals(1, master.value("actorvs_sync_daemon_running", "role", "master"));
        assertEquals(0, master.value("actorvs_sync_daemon_running", "role", "backup"));
        assertEquals(sent.size(), master.value("actorvs_sync_master_messages_sent_total"));
        assertEquals(entries, master.value("actorvs_sync_master_entries_sent_total"));
        assertEquals(0, master.value("actorvs_sync_master_messages_dropped_total", "reason", "queue_full"));
        assertEquals(0, master.value("actorvs_sync_master_messages_dropped_total", "reason", "send_error"));
        assertEquals(0, master.value("actorvs_sync_master_queue_depth"));
    }

    @Test
    void theMastersSendDelayHasOneObservationPerMessageSent() {
        assertEquals(sent.size(), masterStats.sendDelay().count());
        assertEquals(sent.size(), master.value("actorvs_sync_master_send_delay_seconds_count"));
        assertEquals(sent.size(), master.value("actorvs_sync_master_send_delay_seconds_bucket", "le", "+Inf"));
        assertEquals(masterStats.sendDelay().sumNanos() / 1e9, master.value("actorvs_sync_master_send_delay_seconds_sum"),
                1e-9);
    }

    @Test
    void theBackupCountsReceivedFilteredAndBogusDatagrams() {
        assertEquals(sent.size() + 2, backupStats.datagramsReceived());
        assertEquals(sent.size() + 2, backup.value("actorvs_sync_backup_messages_received_total"));
        assertEquals(1, backup.value("actorvs_sync_backup_messages_filtered_total"));
        assertEquals(1, backup.value("actorvs_sync_backup_messages_rejected_total", "reason", "too_short"));
        assertEquals(1, backup.sum("actorvs_sync_backup_messages_rejected_total"));
        assertEquals(backupStats.rejected()[SyncStatus.TOO_SHORT.code()],
                backup.value("actorvs_sync_backup_messages_rejected_total", "reason", "too_short"));
        assertEquals(masterStats.entriesSent(), backupStats.entriesRouted());
        assertEquals(backupStats.entriesRouted(),
                backup.value("actorvs_sync_backup_entries_received_total", "result", "applied"));
        assertEquals(0, backup.value("actorvs_sync_backup_entries_received_total", "result", "skipped"));
        assertEquals(1, backup.value("actorvs_sync_daemon_running", "role", "backup"));
    }

    @Test
    void theBackupsApplyDelayHasOneObservationPerShardPartOfADatagram() {
        assertEquals(shardParts, backupStats.applyDelay().count());
        assertEquals(shardParts, backup.value("actorvs_sync_backup_apply_delay_seconds_count"));
        assertEquals(backupStats.applyDelay().sumNanos() / 1e9,
                backup.value("actorvs_sync_backup_apply_delay_seconds_sum"), 1e-9);
    }
}
