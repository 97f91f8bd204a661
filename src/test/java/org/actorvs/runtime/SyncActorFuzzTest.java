package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.forward.Port;
import org.actorvs.io.MemoryPacketIo;
import org.actorvs.sync.EntryRouter;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncFuzzDatagrams;
import org.actorvs.sync.SyncMessageDecoder;
import org.actorvs.sync.SyncSettings;
import org.actorvs.sync.SyncStatus;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A million sync datagrams, random bytes or the kernel's own messages mutated
 * ({@link SyncFuzzDatagrams}), told to the sync backup of a real offline director that has the
 * kernel run's services (so that entries bind), beside a reference: a decoder with the backup's
 * syncid that classifies each datagram on its own, and a second director whose backup is told
 * only the datagrams that decoder accepts.
 *
 * <p>Both directors run on one clock: datagram {@code i} carries {@code i} milliseconds, and
 * after every batch each shard of both is ticked to the batch's time (which also bounds the
 * mailboxes: the test waits for the sync actor's stats and the shards' ticks before the next
 * batch). So the two tables must be equal entry for entry, remaining timeouts included: whatever
 * a rejected datagram did to the backup would show.
 */
class SyncActorFuzzTest {
    private static final Path CONFIG = Path.of("src/test/resources/replay/kernel-v1.conf");
    private static final int DATAGRAMS = 1_000_000;
    private static final int BATCH = 1000;
    private static final long MS = 1_000_000L;
    /** The kernel master's syncid: its captures also hold messages of syncid 8, which a backup of 7 ignores. */
    private static final int SYNC_ID = 7;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LISTING_LIMIT = Integer.MAX_VALUE;

    private static Director backup;
    private static Director reference;
    private static long accepted;
    private static long[] refused;
    private static long delivered;
    private static long skipped;
    private static long applyMessages;

    /** A director with its sync backup started, not listening: datagrams are told to it. */
    private static Director startBackup(DirectorConfig config, List<Port> ports) {
        Director d = Director.offline(Main.setup(config, ports, i -> config.staticNeighbours()),
                new MemoryPacketIo(ports));
        d.apply(config.services(), config.drainTimeout());
        SyncActor.Reply started = d.sync(r -> new SyncActor.StartBackup(SyncDaemon.defaults("eth0", SYNC_ID),
                SyncSettings.kernelDefaults(), false, r));
        assertTrue(started.ok(), started.text());
        return d;
    }

    @BeforeAll
    static void fuzz() throws IOException, ConfigError {
        DirectorConfig config = DirectorConfigLoader.load(CONFIG);
        List<Port> ports = config.ports(name -> {
            throw new IllegalArgumentException(name);
        });
        backup = startBackup(config, ports);
        reference = startBackup(config, ports);
        int shards = backup.shards().size();
        // the shards' ApplySync messages the accepted datagrams make, one per shard with entries
        EntryRouter perShard = new EntryRouter(shards, (hi, lo) -> FrameDispatcher.shardOf(hi, lo, shards),
                (shard, message) -> applyMessages++);
        SyncMessageDecoder.EntryHandler route = perShard::route;
        SyncMessageDecoder decoder = new SyncMessageDecoder(SYNC_ID);
        SyncFuzzDatagrams datagrams = new SyncFuzzDatagrams(20_260_106);
        refused = new long[SyncStatus.COUNT];
        for (int i = 0; i < DATAGRAMS; i++) {
            int length = datagrams.next();
            long now = i * MS;
            backup.sync().tell(new SyncActor.Datagram(datagrams.copy(length), now));
            int status = decoder.decode(datagrams.buffer(), 0, length, route);
            if (status == SyncStatus.OK.code()) {
                perShard.flush();
                accepted++;
                delivered += decoder.delivered();
                skipped += decoder.skipped();
                reference.sync().tell(new SyncActor.Datagram(datagrams.copy(length), now));
            } else {
                refused[status]++;
            }
            if ((i + 1) % BATCH == 0 || i + 1 == DATAGRAMS) {
                settle(backup, now);
                settle(reference, now);
            }
        }
    }

    /**
     * Waits until the sync actor has handled every datagram told so far (so their entries are in
     * the shards' mailboxes), then ticks each shard to {@code now} and waits for it.
     */
    private static void settle(Director d, long now) {
        d.syncStats();
        for (ActorRef<PacketShard.Command> shard : d.shards()) {
            AskPattern.<PacketShard.Command, Done>ask(shard, r -> new PacketShard.Tick(now, r), WAIT,
                    d.system().scheduler()).toCompletableFuture().join();
        }
    }

    @AfterAll
    static void close() {
        if (backup != null) {
            backup.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    /** Each shard's entries, in one order: the tables are hashed alike, but need not be walked alike. */
    private static List<List<ConnectionView>> table(Director d) {
        List<List<ConnectionView>> shards = new ArrayList<>();
        for (ActorRef<PacketShard.Command> shard : d.shards()) {
            List<ConnectionView> views = new ArrayList<>(AskPattern.<PacketShard.Command, List<ConnectionView>>ask(
                    shard, r -> new PacketShard.ListConnections(LISTING_LIMIT, r), WAIT, d.system().scheduler())
                    .toCompletableFuture().join());
            views.sort(Comparator.comparing(ConnectionView::toString));
            shards.add(views);
        }
        return shards;
    }

    @Test
    void theSyncActorAndEveryShardStillAnswerHavingFailedNowhere() {
        SyncActor.Stats stats = backup.syncStats();
        assertTrue(stats.backup(), "the backup still runs");
        assertEquals(DATAGRAMS, stats.datagramsReceived());
        // a shard resumes after an exception, so one that threw would not have acknowledged its ApplySync
        assertEquals(applyMessages, stats.applyDelay().count(), "ApplySync messages applied to the end");
        for (ShardStats shard : backup.stats().toCompletableFuture().join()) {
            assertEquals(0, shard.failures(), "shard " + shard.shard());
        }
    }

    @Test
    void rejectedDatagramsAreCountedUnderTheDecodersReason() {
        SyncActor.Stats stats = backup.syncStats();
        assertArrayEquals(refused, stats.rejected());
        assertEquals(DATAGRAMS - accepted, stats.rejectedTotal());
        // the mutations reach every check that drops a whole message, not just the size field
        for (SyncStatus reason : SyncStatus.values()) {
            if (reason != SyncStatus.OK && !reason.entryOnly()) {
                assertTrue(refused[reason.code()] > 0, reason + " never refused a datagram");
            }
        }
    }

    @Test
    void acceptedDatagramsRouteAndSkipTheEntriesTheDecoderFindsInThem() {
        SyncActor.Stats stats = backup.syncStats();
        assertEquals(delivered, stats.entriesRouted());
        assertEquals(skipped, stats.entriesSkipped());
        assertTrue(accepted > DATAGRAMS / 10 && delivered > DATAGRAMS && skipped > 0, accepted + " accepted, "
                + delivered + " entries, " + skipped + " skipped");
    }

    @Test
    void theBackupHoldsTheTableOfADirectorToldOnlyTheAcceptedDatagrams() {
        SyncActor.Stats told = reference.syncStats();
        assertEquals(accepted, told.datagramsReceived());
        assertEquals(0, told.rejectedTotal());
        List<List<ConnectionView>> expected = table(reference);
        List<List<ConnectionView>> held = table(backup);
        for (int s = 0; s < expected.size(); s++) {
            assertEquals(expected.get(s).size(), held.get(s).size(), "entries in shard " + s);
            for (int i = 0; i < expected.get(s).size(); i++) {
                assertEquals(expected.get(s).get(i), held.get(s).get(i), "shard " + s + " entry " + i);
            }
        }
        assertTrue(expected.stream().mapToInt(List::size).sum() > 1000, "the fuzz must leave a table to compare");
    }
}
