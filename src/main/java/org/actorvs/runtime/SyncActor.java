package org.actorvs.runtime;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

import org.actorvs.sync.EntryRouter;
import org.actorvs.sync.MulticastSyncReceiver;
import org.actorvs.sync.MulticastSyncSender;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncEntry;
import org.actorvs.sync.SyncLimits;
import org.actorvs.sync.SyncMessageDecoder;
import org.actorvs.sync.SyncSender;
import org.actorvs.sync.SyncSettings;
import org.actorvs.sync.SyncStatus;
import org.actorvs.sync.V0HeaderFlyweight;
import org.actorvs.sync.V1HeaderFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The director's sync daemons, master and backup, each started and stopped at run time
 * ({@code ipvsadm --start-daemon / --stop-daemon}); both may run at once.
 *
 * <p>Master: every packet shard builds messages from its own connections (its part of the kernel's
 * per-thread buffers) and hands full ones here; they go out through one {@link SyncSender} in
 * arrival order. A message the socket cannot take now waits in a queue of at most sync_qlen_max
 * and is retried after 20 ms (IPVS_SYNC_SEND_DELAY); beyond that it is dropped and counted, as
 * sb_queue_tail() drops. A send error discards the message, logged at most once a second.
 *
 * <p>Backup: each datagram (from the receive thread, or a test) is decoded here with the backup's
 * syncid; a rejected message changes nothing and is counted by reason. The accepted entries are
 * re-encoded, per owning shard ({@link FrameDispatcher#shardOf} of the client address), into v1
 * messages, and each shard applies its own. An entry is re-encoded as decoded: v0 flags outside
 * BACKUP_MASK (only ONE_PACKET and undefined bits, which no kernel master sends) are lost on the way.
 * A persistence template with a client netmask wider than /32 goes to the shard of its masked
 * address, which need not be the shard of the clients it serves.
 */
public final class SyncActor extends AbstractBehavior<SyncActor.Command> {
    public sealed interface Command permits StartMaster, StopMaster, StartBackup, StopBackup, Datagram, GetStats,
            Outgoing, Retry, Applied {
    }

    /**
     * Starts (or restarts) the master. {@code sender} null opens the multicast socket of
     * {@code daemon}; otherwise messages go there (offline replay writes a capture file).
     * {@code settings} null takes those of the daemon started last (the admin API's way), else
     * the kernel's defaults.
     */
    public record StartMaster(SyncDaemon daemon, SyncSettings settings, SyncSender sender, ActorRef<Reply> replyTo)
            implements Command {
    }

    /** Stops the master; partly filled messages and queued ones are dropped, as the kernel's are. */
    public record StopMaster(ActorRef<Reply> replyTo) implements Command {
    }

    /**
     * Starts (or restarts) the backup. {@code listen} opens the multicast socket; without it only
     * {@link Datagram}s told to this actor are processed. {@code settings} null as for
     * {@link StartMaster}.
     */
    public record StartBackup(SyncDaemon daemon, SyncSettings settings, boolean listen, ActorRef<Reply> replyTo)
            implements Command {
    }

    public record StopBackup(ActorRef<Reply> replyTo) implements Command {
    }

    /**
     * One received sync datagram (the array is this actor's). Ignored while no backup runs.
     *
     * @param nowNanos      the shards' clock, which times the entries out (capture time in a replay)
     * @param receivedNanos {@link System#nanoTime()} at reception, where the apply delay starts
     */
    public record Datagram(byte[] data, long nowNanos, long receivedNanos) implements Command {
        /** Received now: the receive thread makes one as soon as the socket gives it the bytes. */
        public Datagram(byte[] data, long nowNanos) {
            this(data, nowNanos, System.nanoTime());
        }
    }

    public record GetStats(ActorRef<Stats> replyTo) implements Command {
    }

    /**
     * A full message from a shard of master run {@code run}.
     *
     * @param bufferedNanos how long its first entry waited in the shard's buffer (shard clock)
     * @param handedNanos   {@link System#nanoTime()} when the shard handed it over
     */
    record Outgoing(int run, byte[] message, long nowNanos, long bufferedNanos, long handedNanos) implements Command {
    }

    /** A shard has applied its part of a backup's datagram, {@code delayNanos} after its reception. */
    record Applied(long delayNanos) implements Command {
    }

    enum Retry implements Command { INSTANCE }

    /** The answer to a start or stop: what was done, or why it could not be. */
    public record Reply(boolean ok, String text) {
    }

    /**
     * The daemons running and their figures since this actor started (a restart keeps counting).
     *
     * @param bytesSent       UDP payload bytes of the messages sent (IP and UDP headers not counted)
     * @param messagesDropped datagrams the master dropped: the queue was full, or at a stop
     * @param rejected        datagrams dropped whole, by {@link SyncStatus} code (SYNC_ID_IGNORED:
     *                        filtered, of another syncid)
     * @param entriesRouted   accepted entries handed to the shards to apply
     * @param entriesSkipped  entries left out of accepted datagrams (the SKIP_ reasons)
     * @param masterDaemon    the master's daemon, null when none runs
     * @param masterMaxLength the master's sync_maxlen in effect, 0 when none runs
     * @param backupDaemon    the backup's daemon, null when none runs
     * @param backupMaxLength the backup's sync_maxlen in effect (from its interface's MTU), 0 when none runs
     * @param sendDelay       per message sent: from its first entry's buffering in a shard to the socket
     *                        taking it
     * @param applyDelay      per shard's part of a datagram: from the datagram's reception to that shard
     *                        having applied its entries
     */
    public record Stats(boolean master, boolean backup, long messagesSent, long bytesSent, long messagesDropped,
            long sendErrors, long datagramsReceived, long[] rejected, long entriesRouted, long entriesSkipped, long entriesSent,
            int queueDepth, SyncDaemon masterDaemon, int masterMaxLength, SyncDaemon backupDaemon,
            int backupMaxLength, BatchTimes.Snapshot sendDelay, BatchTimes.Snapshot applyDelay) {
        public long rejectedTotal() {
            return sum(rejected);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SyncActor.class);
    /** IPVS_SYNC_SEND_DELAY: HZ / 50. */
    static final Duration SEND_RETRY = Duration.ofMillis(20);
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;
    private static final int OK = SyncStatus.OK.code();
    /** Delay buckets up to 2^33 ns (8.6 s): a master's partly filled message may wait 2 s and more. */
    private static final int DELAY_BOUNDS = 24;

    private final List<ActorRef<PacketShard.Command>> shards;
    private final TimerScheduler<Command> timers;
    private SyncSettings lastSettings = SyncSettings.kernelDefaults();

    // master
    private SyncDaemon masterDaemon;
    private SyncSender sender;
    private int masterMaxLength;
    private int qlenMax;
    private int run;
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private long sent;
    private long bytesSent;
    private long dropped;
    private long sendErrors;
    private long entriesSent;
    private final BatchTimes sendDelay = new BatchTimes(DELAY_BOUNDS);
    private final LogGate sendErrorLog = new LogGate();

    // backup
    private SyncDaemon backupDaemon;
    private int backupMaxLength;
    private MulticastSyncReceiver receiver;
    private SyncMessageDecoder decoder;
    private int threshold;
    private final EntryRouter router;
    private final SyncMessageDecoder.EntryHandler route = new SyncMessageDecoder.EntryHandler() {
        @Override
        public void onEntry(SyncEntry entry) {
            router.route(entry);
        }

        @Override
        public void onSkipped(SyncEntry entry, int status) {
            skipped++;
        }
    };
    private long routeNow;
    private long routeReceived;
    private long received;
    private final long[] rejected = new long[SyncStatus.COUNT];
    private long skipped;
    private final BatchTimes applyDelay = new BatchTimes(DELAY_BOUNDS);
    private final LogGate rejectLog = new LogGate();

    private SyncActor(ActorContext<Command> context, TimerScheduler<Command> timers,
            List<ActorRef<PacketShard.Command>> shards) {
        super(context);
        this.timers = timers;
        this.shards = List.copyOf(shards);
        final int count = shards.size();
        this.router = new EntryRouter(count, (hi, lo) -> FrameDispatcher.shardOf(hi, lo, count),
                (shard, message) -> this.shards.get(shard).tell(new PacketShard.ApplySync(message, threshold, routeNow,
                        routeReceived, getContext().getSelf())));
    }

    public static Behavior<Command> create(List<ActorRef<PacketShard.Command>> shards) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new SyncActor(ctx, timers, shards)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(StartMaster.class, this::startMaster)
                .onMessage(StopMaster.class, m -> {
                    m.replyTo().tell(stopMaster());
                    return this;
                })
                .onMessage(StartBackup.class, this::startBackup)
                .onMessage(StopBackup.class, m -> {
                    m.replyTo().tell(stopBackup());
                    return this;
                })
                .onMessage(Outgoing.class, this::outgoing)
                .onMessage(Retry.class, m -> {
                    drain();
                    return this;
                })
                .onMessage(Datagram.class, this::datagram)
                .onMessage(Applied.class, m -> {
                    applyDelay.record(m.delayNanos());
                    return this;
                })
                .onMessage(GetStats.class, m -> {
                    m.replyTo().tell(new Stats(masterDaemon != null, backupDaemon != null, sent, bytesSent, dropped, sendErrors,
                            received, rejected.clone(), router.routed(), skipped, entriesSent, queue.size(), masterDaemon,
                            masterMaxLength, backupDaemon, backupMaxLength, sendDelay.snapshot(),
                            applyDelay.snapshot()));
                    return this;
                })
                .onSignal(PostStop.class, s -> {
                    stopMaster();
                    stopBackup();
                    return this;
                })
                .build();
    }

    // ---------------------------------------------------------------- master

    private Behavior<Command> startMaster(StartMaster m) {
        if (masterDaemon != null) {
            stopMaster();
        }
        SyncDaemon d = m.daemon();
        try {
            sender = m.sender() != null ? m.sender() : new MulticastSyncSender(d);
        } catch (IOException | RuntimeException e) {
            m.replyTo().tell(new Reply(false, "sync master on " + d.interfaceName() + ": " + e.getMessage()));
            return this;
        }
        SyncSettings settings = settings(m.settings());
        masterDaemon = d;
        masterMaxLength = d.masterMaxLength();
        qlenMax = settings.qlenMax();
        run++;
        final int thisRun = run;
        final ActorRef<Command> self = getContext().getSelf();
        for (ActorRef<PacketShard.Command> shard : shards) {
            shard.tell(new PacketShard.StartSyncMaster(d.version(), d.syncId(), d.masterMaxLength(), settings,
                    (message, first, now) -> self.tell(new Outgoing(thisRun, message, now, now - first,
                            System.nanoTime()))));
        }
        String text = "master sync daemon (mcast=" + d.interfaceName() + ", syncid=" + d.syncId() + ", maxlen="
                + d.masterMaxLength() + ", group=" + d.group().getHostAddress() + ", port=" + d.port() + ", ttl="
                + d.ttl() + ", version=" + d.version() + ")";
        LOG.info("started {}", text);
        m.replyTo().tell(new Reply(true, text));
        return this;
    }

    private Reply stopMaster() {
        if (masterDaemon == null) {
            return new Reply(false, "no master sync daemon is running");
        }
        for (ActorRef<PacketShard.Command> shard : shards) {
            shard.tell(PacketShard.StopSyncMaster.INSTANCE);
        }
        timers.cancel(Retry.INSTANCE);
        dropped += queue.size();
        queue.clear();
        close(sender, "sync master: closing the sender failed");
        sender = null;
        String text = "master sync daemon on " + masterDaemon.interfaceName() + " stopped";
        masterDaemon = null;
        masterMaxLength = 0;
        LOG.info(text);
        return new Reply(true, text);
    }

    private Behavior<Command> outgoing(Outgoing m) {
        if (masterDaemon == null || m.run() != run) {
            // from a master run that has stopped since (sb_queue_tail() checks the MASTER state)
            return this;
        }
        if (queue.size() >= qlenMax) {
            dropped++;
            return this;
        }
        queue.add(m);
        if (queue.size() == 1) {
            drain();
        }
        return this;
    }

    /** Sends queued messages in order until the socket refuses one, which then waits for a retry. */
    private void drain() {
        while (!queue.isEmpty()) {
            Outgoing m = queue.peek();
            try {
                if (!sender.send(m.message(), m.nowNanos())) {
                    timers.startSingleTimer(Retry.INSTANCE, SEND_RETRY);
                    return;
                }
                sent++;
                bytesSent += m.message().length;
                entriesSent += entryCount(m.message(), masterDaemon.version());
                sendDelay.record(m.bufferedNanos() + System.nanoTime() - m.handedNanos());
            } catch (IOException e) {
                sendErrors++;
                if (sendErrorLog.admit()) {
                    LOG.warn("sync master: send failed, message discarded ({} errors so far): {}", sendErrors,
                            e.toString());
                }
            }
            queue.poll();
        }
    }

    // ---------------------------------------------------------------- backup

    private Behavior<Command> startBackup(StartBackup m) {
        if (backupDaemon != null) {
            stopBackup();
        }
        SyncDaemon d = m.daemon();
        int maxLength;
        try {
            maxLength = d.backupMaxLength(mtu(d.interfaceName()));
            if (m.listen()) {
                receiver = new MulticastSyncReceiver(d, maxLength,
                        (data, now) -> getContext().getSelf().tell(new Datagram(data, now)));
            }
        } catch (IOException | RuntimeException e) {
            m.replyTo().tell(new Reply(false, "sync backup on " + d.interfaceName() + ": " + e.getMessage()));
            return this;
        }
        backupDaemon = d;
        backupMaxLength = maxLength;
        decoder = new SyncMessageDecoder(d.syncId());
        threshold = settings(m.settings()).threshold();
        String text = "backup sync daemon (mcast=" + d.interfaceName() + ", syncid=" + d.syncId() + ", group="
                + d.group().getHostAddress() + ", port=" + d.port() + (m.listen() ? "" : ", not listening") + ")";
        LOG.info("started {}", text);
        m.replyTo().tell(new Reply(true, text));
        return this;
    }

    private static int mtu(String interfaceName) throws SocketException {
        NetworkInterface itf = NetworkInterface.getByName(interfaceName);
        return itf == null ? SyncLimits.DEFAULT_MTU : itf.getMTU();
    }

    private Reply stopBackup() {
        if (backupDaemon == null) {
            return new Reply(false, "no backup sync daemon is running");
        }
        if (receiver != null) {
            close(receiver, "sync backup: closing the socket failed");
            receiver = null;
        }
        String text = "backup sync daemon on " + backupDaemon.interfaceName() + " stopped";
        backupDaemon = null;
        backupMaxLength = 0;
        decoder = null;
        LOG.info(text);
        return new Reply(true, text);
    }

    private Behavior<Command> datagram(Datagram m) {
        if (backupDaemon == null) {
            return this;
        }
        received++;
        routeNow = m.nowNanos();
        routeReceived = m.receivedNanos();
        int status = decoder.decode(new UnsafeBuffer(m.data()), 0, m.data().length, route);
        if (status != OK) {
            rejected[status]++;
            if (rejectLog.admit()) {
                LOG.warn("sync backup: dropped a {}-byte message: {} at offset {} ({} dropped so far)",
                        m.data().length, SyncStatus.of(status).description(), decoder.errorOffset(), sum(rejected));
            }
            return this;
        }
        router.flush();
        return this;
    }

    /** The given settings, remembered for a later start without any; null: the last ones given. */
    private SyncSettings settings(SyncSettings given) {
        if (given != null) {
            lastSettings = given;
        }
        return lastSettings;
    }

    /** nr_conns of a message this master built in {@code version}. */
    private static int entryCount(byte[] message, int version) {
        return message[version == 0 ? V0HeaderFlyweight.COUNT_OFFSET : V1HeaderFlyweight.COUNT_OFFSET] & 0xFF;
    }

    private static void close(AutoCloseable closeable, String failure) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn(failure, e);
        }
    }

    private static long sum(long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** One log line per second at most: a peer sending garbage, or a dead link, must not flood the log. */
    private static final class LogGate {
        private long last = Long.MIN_VALUE;

        boolean admit() {
            long now = System.nanoTime();
            if (last != Long.MIN_VALUE && now - last < LOG_INTERVAL_NANOS) {
                return false;
            }
            last = now;
            return true;
        }
    }
}
