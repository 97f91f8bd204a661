package org.actorvs.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.DestinationCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The connection table's two hot operations: an inbound lookup that hits, in a table holding one
 * million IPv4 connections (random probe order, so mostly cache misses), and steady churn: each
 * operation inserts a connection and expires the oldest of a 32,768-connection window through the
 * wheel, as a shard does under a constant new-connection rate.
 *
 * <pre>mvn -Pbench test-compile exec:exec -Dbench=ConnectionTableBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConnectionTableBenchmark {
    private static final int TCP = 6;
    private static final long VIP = 0xC0A8000AL;
    private static final long RIP = 0xAC100005L;
    private static final int CONNECTIONS = 1_000_000;
    private static final int PROBES = 1 << 20;
    private static final int WINDOW = 1 << 15;
    private static final long TICK = 1_000L;

    private ConnectionTable full;
    private int[] probes;
    private int probe;

    private ConnectionTable churn;
    private int[] window;
    private int oldest;
    private int serial;
    private long now;

    @Setup
    public void setUp() {
        full = new ConnectionTable(CONNECTIONS, 1_000_000L, DestinationCounters.NONE);
        for (int i = 0; i < CONNECTIONS; i++) {
            insert(full, i, 0);
        }
        SplittableRandom random = new SplittableRandom(1);
        probes = new int[PROBES];
        for (int i = 0; i < PROBES; i++) {
            probes[i] = random.nextInt(CONNECTIONS);
        }
        churn = new ConnectionTable(2 * WINDOW, TICK, DestinationCounters.NONE);
        window = new int[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            window[i] = insert(churn, serial++, now);
        }
    }

    @Benchmark
    public int lookupInHit() {
        int i = probes[probe++ & (PROBES - 1)];
        return full.lookupIn(TCP, 4, 0, client(i), port(i), 0, VIP, 80);
    }

    @Benchmark
    public int insertAndExpireChurn() {
        now += TICK;
        churn.expireNow(window[oldest]);
        int e = insert(churn, serial++, now);
        window[oldest] = e;
        oldest = (oldest + 1) & (WINDOW - 1);
        return e + churn.poll(now, null, 64);
    }

    private static int insert(ConnectionTable table, int i, long now) {
        return table.insert(TCP, 4, 0, client(i), port(i), 0, VIP, 80, 0, RIP, 8080,
                ConnFlags.MASQ | ConnFlags.INACTIVE, 0, ConnectionTable.NONE, now);
    }

    private static long client(int i) {
        return 0x0A000000L | (i >>> 4 & 0xFFFFFF);
    }

    private static int port(int i) {
        return 1024 + (i & 15);
    }
}
