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
            Outgoing, Retry {
    }

    /**
     * Starts (or restarts) the master. {@code sender} null opens the multicast socket of
     * {@code daemon}; otherwise messages go there (offline replay writes a capture file).
     */
    public record StartMaster(SyncDaemon daemon, SyncSettings settings, SyncSender sender, ActorRef<Reply> replyTo)
            implements Command {
    }

    /** Stops the master; partly filled messages and queued ones are dropped, as the kernel's are. */
    public record StopMaster(ActorRef<Reply> replyTo) implements Command {
    }

    /**
     * Starts (or restarts) the backup. {@code listen} opens the multicast socket; without it only
     * {@link Datagram}s told to this actor are processed.
     */
    public record StartBackup(SyncDaemon daemon, SyncSettings settings, boolean listen, ActorRef<Reply> replyTo)
            implements Command {
    }

    public record StopBackup(ActorRef<Reply> replyTo) implements Command {
    }

    /** One received sync datagram (the array is this actor's). Ignored while no backup runs. */
    public record Datagram(byte[] data, long nowNanos) implements Command {
    }

    public record GetStats(ActorRef<Stats> replyTo) implements Command {
    }

    /** A full message from a shard of master run {@code run}. */
    record Outgoing(int run, byte[] message, long nowNanos) implements Command {
    }

    enum Retry implements Command { INSTANCE }

    /** The answer to a start or stop: what was done, or why it could not be. */
    public record Reply(boolean ok, String text) {
    }

    /**
     * @param rejected datagrams dropped whole, by {@link SyncStatus} code
     */
    public record Stats(boolean master, boolean backup, long messagesSent, long messagesDropped, long sendErrors,
            long datagramsReceived, long[] rejected, long entriesRouted, long entriesSkipped) {
        public long rejectedTotal() {
            return sum(rejected);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SyncActor.class);
    /** IPVS_SYNC_SEND_DELAY: HZ / 50. */
    static final Duration SEND_RETRY = Duration.ofMillis(20);
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;
    private static final int OK = SyncStatus.OK.code();

    private final List<ActorRef<PacketShard.Command>> shards;
    private final TimerScheduler<Command> timers;

    // master
    private SyncDaemon masterDaemon;
    private SyncSender sender;
    private int qlenMax;
    private int run;
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private long sent;
    private long dropped;
    private long sendErrors;
    private final LogGate sendErrorLog = new LogGate();

    // backup
    private SyncDaemon backupDaemon;
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
    private long received;
    private final long[] rejected = new long[SyncStatus.COUNT];
    private long skipped;
    private final LogGate rejectLog = new LogGate();

    private SyncActor(ActorContext<Command> context, TimerScheduler<Command> timers,
            List<ActorRef<PacketShard.Command>> shards) {
        super(context);
        this.timers = timers;
        this.shards = List.copyOf(shards);
        final int count = shards.size();
        this.router = new EntryRouter(count, (hi, lo) -> FrameDispatcher.shardOf(hi, lo, count),
                (shard, message) -> this.shards.get(shard).tell(new PacketShard.ApplySync(message, threshold, routeNow)));
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
                .onMessage(GetStats.class, m -> {
                    m.replyTo().tell(new Stats(masterDaemon != null, backupDaemon != null, sent, dropped, sendErrors,
                            received, rejected.clone(), router.routed(), skipped));
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
        masterDaemon = d;
        qlenMax = m.settings().qlenMax();
        run++;
        final int thisRun = run;
        final ActorRef<Command> self = getContext().getSelf();
        for (ActorRef<PacketShard.Command> shard : shards) {
            shard.tell(new PacketShard.StartSyncMaster(d.version(), d.syncId(), d.masterMaxLength(), m.settings(),
                    (message, now) -> self.tell(new Outgoing(thisRun, message, now))));
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
        if (m.listen()) {
            try {
                receiver = new MulticastSyncReceiver(d, d.backupMaxLength(mtu(d.interfaceName())),
                        (data, now) -> getContext().getSelf().tell(new Datagram(data, now)));
            } catch (IOException | RuntimeException e) {
                m.replyTo().tell(new Reply(false, "sync backup on " + d.interfaceName() + ": " + e.getMessage()));
                return this;
            }
        }
        backupDaemon = d;
        decoder = new SyncMessageDecoder(d.syncId());
        threshold = m.settings().threshold();
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
