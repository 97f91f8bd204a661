package org.actorvs.bench;

import java.util.SplittableRandom;
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
 * Established-flow NAT forwarding on one shard thread: each operation is one 64-byte TCP frame
 * through {@link org.actorvs.forward.PacketProcessor#process} — parse, connection lookup, TCP state
 * update and timer re-arm, address/port rewrite with incremental checksums, TTL, route, neighbour,
 * Ethernet header, hand-off to a sink that counts and discards. Frames alternate between a client's
 * packet to the VIP (ip_vs_in, DNAT) and a real server's reply (ip_vs_out, SNAT), over
 * {@code flows} established connections visited in a random order; the table lookups therefore miss
 * the CPU caches once the table outgrows them.
 *
 * <p>NAT rewrites the frame in place, so each operation first copies its frame from a pristine
 * template (one 64-byte putBytes, read sequentially). That copy is part of {@link #forward}'s
 * measured cost, as a NIC's DMA into a fresh receive buffer would be; {@link #copyOnly} measures it
 * alone so it can be subtracted. Results are operations (packets) per microsecond, i.e. Mpps.
 *
 * <pre>mvn -B -o -Pbench test-compile exec:exec -Dbench=NatForwardingBenchmark -Dbench.args="-prof gc"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NatForwardingBenchmark {
    /** Virtual time per packet: 10 Mpps. Established timeouts (15 min) never come due in a run. */
    private static final long NANOS_PER_PACKET = 100;
    private static final int FRAME = BenchDirector.FRAME_LENGTH;

    @Param({"1000", "100000"})
    public int flows;

    /**
     * Received IPv4 header and TCP checksums verified (the default); {@code -p verifyChecksums=false}
     * shows a director whose NICs verify them (receive checksum offload).
     */
    @Param({"true"})
    public boolean verifyChecksums;

    private BenchDirector director;
    private UnsafeBuffer pristine;
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAME]);
    private int frames;
    private int next;
    private long now = 1_000_000_000L;

    @Setup
    public void setUp() {
        director = new BenchDirector(flows + flows / 4, 1_000_000L, 3, "rr", verifyChecksums);
        int[] order = new int[flows];
        for (int i = 0; i < flows; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = flows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        frames = 2 * flows;
        pristine = new UnsafeBuffer(new byte[frames * FRAME]);
        // Templates in visiting order, so that reading them streams through memory and only the
        // director's own state is accessed at random.
        for (int p = 0; p < flows; p++) {
            int client = order[p];
            int cp = director.establish(client, now);
            BenchDirector.clientFrame(client, TcpFlyweight.ACK, pristine, 2 * p * FRAME);
            BenchDirector.replyFrame(director.table.daddrLo(cp), client, TcpFlyweight.ACK, pristine,
                    (2 * p + 1) * FRAME);
        }
        for (int i = 0; i < frames; i++) {
            BenchDirector.expect(i % 2 == 0 ? Outcome.FORWARDED_IN : Outcome.FORWARDED_OUT, forward());
        }
    }

    @TearDown(Level.Iteration)
    public void checkForwarded() {
        director.checkAllForwarded();
    }

    @Benchmark
    public Outcome forward() {
        int at = next * FRAME;
        next = next + 1 == frames ? 0 : next + 1;
        frame.putBytes(0, pristine, at, FRAME);
        now += NANOS_PER_PACKET;
        return director.processor.process(frame, 0, FRAME, now);
    }

    /** The template copy {@link #forward} includes, alone. */
    @Benchmark
    public byte copyOnly() {
        int at = next * FRAME;
        next = next + 1 == frames ? 0 : next + 1;
        frame.putBytes(0, pristine, at, FRAME);
        return frame.getByte(FRAME - 1);
    }
}
