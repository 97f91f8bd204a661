package org.actorvs.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.actorvs.forward.Outcome;
import org.actorvs.io.FrameReceiver;
import org.actorvs.io.PacketIo;
import org.actorvs.packet.DropReason;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Runs a capture through a whole director (dispatcher, shards, schedulers, forwarding) and reports
 * what became of every frame. Deterministic for a given input: frames are handed over one at a time
 * and each is finished before the next, on the capture's own clock, so the shards' shared state (a
 * round-robin cursor, least-connection counts) sees the same sequence on every run; the shards'
 * timer wheels tick on that clock too.
 */
public final class Replay {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    /** What the replay did: frames read, ARP frames, and the shards' counts. */
    public record Summary(long framesIn, long arpFrames, long ignored, List<ShardStats> shards) {
        public long outcome(Outcome o) {
            return shards.stream().mapToLong(s -> s.outcome(o)).sum();
        }

        public long drop(DropReason r) {
            return shards.stream().mapToLong(s -> s.drops()[r.code()]).sum();
        }

        public long failures() {
            return shards.stream().mapToLong(ShardStats::failures).sum();
        }

        /** Outcome counts that are not zero, in the enum's order. */
        public Map<Outcome, Long> outcomes() {
            Map<Outcome, Long> m = new EnumMap<>(Outcome.class);
            for (Outcome o : Outcome.values()) {
                long n = outcome(o);
                if (n != 0) {
                    m.put(o, n);
                }
            }
            return m;
        }

        /** The text `actorvs replay` ends with. */
        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("frames in: %d (ARP %d, other link protocols %d)%n", framesIn, arpFrames, ignored));
            List<String> lines = new ArrayList<>();
            outcomes().forEach((o, n) -> lines.add(String.format("  %-28s %d%n", o.name().toLowerCase(), n)));
            sb.append("outcomes:\n");
            lines.forEach(sb::append);
            boolean header = false;
            for (DropReason r : DropReason.values()) {
                long n = r == DropReason.OK ? 0 : drop(r);
                if (n != 0) {
                    if (!header) {
                        sb.append("parser drops:\n");
                        header = true;
                    }
                    sb.append(String.format("  %-28s %d%n", r.name().toLowerCase(), n));
                }
            }
            sb.append(String.format("handling failures: %d%n", failures()));
            return sb.toString();
        }
    }

    private Replay() {
    }

    /**
     * Feeds every frame of {@code io} through the director's shards until the input ends. The
     * director's services must already be published.
     */
    public static Summary run(Director director, PacketIo io) {
        List<ActorRef<PacketShard.Command>> shards = director.shards();
        FrameBatch.Pool pool = new FrameBatch.Pool(2, Director.BATCH_BYTES, 1);
        FrameDispatcher dispatcher = new FrameDispatcher(shards.size(), pool,
                (shard, batch) -> await(director, shards.get(shard), r -> new PacketShard.Frames(batch, r)),
                (kind, port, buffer, offset, length, ts) -> { }, director.addresses()::get);
        long tick = director.setup().tickNanos();
        long[] lastTick = {Long.MIN_VALUE};
        FrameReceiver receiver = (in, buffer, offset, length, ts) -> {
            if (lastTick[0] == Long.MIN_VALUE) {
                lastTick[0] = ts;
            } else if (ts - lastTick[0] >= tick) {
                lastTick[0] = ts;
                for (ActorRef<PacketShard.Command> s : shards) {
                    await(director, s, r -> new PacketShard.Tick(ts, r));
                }
            }
            dispatcher.onFrame(in, buffer, offset, length, ts);
            dispatcher.flush();
        };
        // An offline I/O hands out the frames of one port until the next frame belongs to another:
        // asking every port in turn keeps the capture's order across ports.
        int ports = io.ports().size();
        boolean ended = false;
        while (!ended) {
            for (int p = 0; p < ports && !ended; p++) {
                ended = io.receive(p, receiver) == PacketIo.END;
            }
        }
        List<ShardStats> stats = director.stats().toCompletableFuture().join();
        return new Summary(dispatcher.frames(), dispatcher.arpFrames(), dispatcher.ignored(), stats);
    }

    private static void await(Director director, ActorRef<PacketShard.Command> shard,
            Function<ActorRef<Done>, PacketShard.Command> message) {
        AskPattern.ask(shard, message::apply, STEP_TIMEOUT, director.system().scheduler()).toCompletableFuture().join();
    }
}
