package org.actorvs.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.actorvs.service.ServiceTable;
import org.actorvs.sync.SyncMaster;
import org.actorvs.sync.SyncSettings;
import org.actorvs.sync.SyncStatus;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One core's share of the director: owns a {@link ShardCore} (its slice of the connection table,
 * keyed by client address, and its packet path) and nothing else. Runs on a pinned dispatcher, so
 * the shard's thread is its own; it never waits on another actor.
 *
 * <p>Supervision resumes: an exception that escapes a message keeps the actor and its table as they
 * are (frame failures are already caught and counted by the core).
 */
public final class PacketShard {
    private static final int OK = SyncStatus.OK.code();

    public sealed interface Command permits Frames, Tick, ClockTick, NeighboursChanged, ServicesChanged, Barrier,
            GetStats, GetMetrics, ListConnections, StartSyncMaster, StopSyncMaster, FlushSync, ApplySync, DumpSync,
            ApplyBulk {
    }

    /**
     * Frames to handle; the shard releases the batch to its pool. {@code done} may be null.
     * {@code queued}, when not null, was incremented by the sender for this batch and is
     * decremented once the batch is handled: batches delivered but not yet processed, the
     * shard's mailbox depth.
     */
    public record Frames(FrameBatch batch, ActorRef<Done> done, AtomicLong queued) implements Command {
        public Frames(FrameBatch batch, ActorRef<Done> done) {
            this(batch, done, null);
        }
    }

    /** Expire what is due at an explicit time (offline replay runs on the capture's clock). */
    public record Tick(long nowNanos, ActorRef<Done> done) implements Command {
    }

    /** The live timer: expire what is due now. */
    public enum ClockTick implements Command { INSTANCE }

    /**
     * A neighbour changed while the shard held packets for unresolved next hops: send those now
     * resolved, drop those that failed ({@link ShardCore#flushNeighbours}). Sent by the neighbour
     * cache's owner through the shard's watch, so held packets leave as soon as the ARP reply is in,
     * not on the next 100 ms timer tick.
     */
    public enum NeighboursChanged implements Command { INSTANCE }

    public record ServicesChanged(ServiceTable services) implements Command {
    }

    /**
     * Answered once handled: the service table publisher relays it behind the tables it sent, so the
     * answer says the shard holds them ({@link ServiceTablePublisher.Barrier}).
     */
    public record Barrier(ActorRef<Done> replyTo) implements Command {
    }

    public record GetStats(ActorRef<ShardStats> replyTo) implements Command {
    }

    public record GetMetrics(ActorRef<ShardMetrics> replyTo) implements Command {
    }

    public record ListConnections(int limit, ActorRef<List<ConnectionView>> replyTo) implements Command {
    }

    /** Become one part of a sync master: full messages go to {@code sink} (see {@link ShardCore#startSyncMaster}). */
    public record StartSyncMaster(int version, int syncId, int maxLength, SyncSettings settings, SyncMaster.Sink sink)
            implements Command {
    }

    public enum StopSyncMaster implements Command { INSTANCE }

    /** Send the sync master's partly filled message now; {@code done} may be null. */
    public record FlushSync(ActorRef<Done> done) implements Command {
    }

    /**
     * A sync backup's entries for this shard's clients, as one v1 message; once applied, the delay
     * since {@code receivedNanos} (System.nanoTime() at the datagram's reception) goes to {@code done}.
     */
    public record ApplySync(byte[] message, int threshold, long nowNanos, long receivedNanos,
            ActorRef<SyncActor.Command> done) implements Command {
    }

    /** The whole table as v1 sync messages, snapshotted on the shard's own thread (a bulk transfer). */
    public record DumpSync(ActorRef<List<byte[]>> replyTo) implements Command {
    }

    /**
     * A bulk transfer's v1 messages for this shard's clients; the reply, once all are applied, is
     * how many the shard refused (0 unless they were not what the bulk client validated).
     */
    public record ApplyBulk(List<byte[]> messages, int threshold, long nowNanos, ActorRef<Integer> replyTo)
            implements Command {
    }

    private PacketShard() {
    }

    /**
     * @param liveTick the timer-wheel tick on the real clock, or null for a shard driven by
     *                 explicit {@link Tick}s (replay)
     */
    public static Behavior<Command> create(ShardCore core, Duration liveTick) {
        Behavior<Command> shard = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            if (liveTick != null) {
                timers.startTimerWithFixedDelay(ClockTick.INSTANCE, liveTick);
            }
            ActorRef<Command> self = ctx.getSelf();
            core.watchNeighbours(() -> self.tell(NeighboursChanged.INSTANCE));
            return Behaviors.receive(Command.class)
                    .onMessage(Frames.class, m -> {
                        try {
                            core.process(m.batch());
                        } finally {
                            m.batch().release();
                            if (m.queued() != null) {
                                m.queued().decrementAndGet();
                            }
                        }
                        if (m.done() != null) {
                            m.done().tell(Done.getInstance());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Tick.class, m -> {
                        core.tick(m.nowNanos());
                        if (m.done() != null) {
                            m.done().tell(Done.getInstance());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(ClockTick.class, m -> {
                        core.tick(System.nanoTime());
                        return Behaviors.same();
                    })
                    .onMessage(NeighboursChanged.class, m -> {
                        core.flushNeighbours(System.nanoTime());
                        return Behaviors.same();
                    })
                    .onMessage(ServicesChanged.class, m -> {
                        core.services(m.services());
                        return Behaviors.same();
                    })
                    .onMessage(Barrier.class, m -> {
                        m.replyTo().tell(Done.getInstance());
                        return Behaviors.same();
                    })
                    .onMessage(GetStats.class, m -> {
                        m.replyTo().tell(core.stats());
                        return Behaviors.same();
                    })
                    .onMessage(GetMetrics.class, m -> {
                        m.replyTo().tell(core.metrics());
                        return Behaviors.same();
                    })
                    .onMessage(StartSyncMaster.class, m -> {
                        core.startSyncMaster(m.version(), m.syncId(), m.maxLength(), m.settings(), m.sink());
                        return Behaviors.same();
                    })
                    .onMessage(StopSyncMaster.class, m -> {
                        core.stopSyncMaster();
                        return Behaviors.same();
                    })
                    .onMessage(FlushSync.class, m -> {
                        core.flushSync();
                        if (m.done() != null) {
                            m.done().tell(Done.getInstance());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(ApplySync.class, m -> {
                        core.applySync(m.message(), m.threshold(), m.nowNanos());
                        m.done().tell(new SyncActor.Applied(System.nanoTime() - m.receivedNanos()));
                        return Behaviors.same();
                    })
                    .onMessage(DumpSync.class, m -> {
                        m.replyTo().tell(core.dumpSync());
                        return Behaviors.same();
                    })
                    .onMessage(ApplyBulk.class, m -> {
                        int refused = 0;
                        for (byte[] message : m.messages()) {
                            refused += core.applySync(message, m.threshold(), m.nowNanos()) == OK ? 0 : 1;
                        }
                        m.replyTo().tell(refused);
                        return Behaviors.same();
                    })
                    .onMessage(ListConnections.class, m -> {
                        m.replyTo().tell(core.connections(m.limit()));
                        return Behaviors.same();
                    })
                    .build();
        }));
        return Behaviors.supervise(shard).onFailure(SupervisorStrategy.resume());
    }
}
