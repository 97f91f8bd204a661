package org.actorvs.bench;

import java.util.concurrent.TimeUnit;

import org.actorvs.forward.Outcome;
import org.actorvs.packet.TcpFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * New connections on one shard thread: each operation is a 64-byte SYN of a client the table does
 * not know, through {@link org.actorvs.forward.PacketProcessor#process} — parse, inbound lookup
 * (miss), outbound lookup (miss), service lookup, round-robin over {@code destinations}, insert,
 * first TCP transition (SYN_RECV), DNAT and send to a counting sink — plus the shard's timer poll.
 *
 * <p>Virtual time advances one 1 ms wheel tick per SYN, so each connection's 60 s SYN_RECV timeout
 * runs out 60,000 SYNs later and the poll releases about one entry per operation, as a shard under
 * a constant new-connection rate does: the table holds about 60,000 connections throughout and never
 * fills. {@value #CLIENTS} distinct clients cycle, more than are ever live, so every SYN misses.
 * As in {@link NatForwardingBenchmark}, each frame is copied from a pristine template first
 * (measured: see NatForwardingBenchmark.copyOnly). Results are new connections per microsecond.
 *
 * <pre>mvn -B -o -Pbench test-compile exec:exec -Dbench=NewConnectionBenchmark -Dbench.args="-prof gc"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NewConnectionBenchmark {
    private static final int CLIENTS = 1 << 17;
    private static final long TICK_NANOS = 1_000_000L;
    private static final int CAPACITY = 1 << 17;
    /** Most releases per poll: a backlog is worked off over a few operations, as a shard bounds each sweep. */
    private static final int POLL_LIMIT = 16;
    private static final int FRAME = BenchDirector.FRAME_LENGTH;

    @Param({"3", "100"})
    public int destinations;

    private BenchDirector director;
    private UnsafeBuffer pristine;
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAME]);
    private int next;
    private long now = 1_000_000_000L;

    @Setup
    public void setUp() {
        director = new BenchDirector(CAPACITY, TICK_NANOS, destinations, "rr", true);
        pristine = new UnsafeBuffer(new byte[CLIENTS * FRAME]);
        for (int i = 0; i < CLIENTS; i++) {
            BenchDirector.clientFrame(i, TcpFlyweight.SYN, pristine, i * FRAME);
        }
        for (int i = 0; i < destinations; i++) {
            BenchDirector.expect(Outcome.FORWARDED_IN, newConnection());
        }
    }

    /** Every SYN was forwarded, each made a connection, and the table never refused one. */
    @TearDown(Level.Iteration)
    public void checkEverySynConnected() {
        director.checkAllForwarded();
        long syns = director.processor.outcomes().total();
        if (director.connectionsMade() != syns || director.table.refusedFull() != 0) {
            throw new IllegalStateException(syns + " SYNs made " + director.connectionsMade()
                    + " connections; the table refused " + director.table.refusedFull());
        }
    }

    @Benchmark
    public Outcome newConnection() {
        int at = next * FRAME;
        next = (next + 1) & (CLIENTS - 1);
        frame.putBytes(0, pristine, at, FRAME);
        now += TICK_NANOS;
        Outcome o = director.processor.process(frame, 0, FRAME, now);
        director.table.poll(now, null, POLL_LIMIT);
        return o;
    }
}
