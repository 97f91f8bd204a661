package org.actorvs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.actorvs.sched.Flow;
import org.actorvs.sched.Scheduler;
import org.actorvs.sched.Schedulers;
import org.actorvs.service.Destination;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.ForwardingMethod;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * schedule() throughput of every scheduler, one shard thread, for services of 10 and 1000 destinations
 * with weights 1..5 and no connections. Each call comes from another client (4096 addresses and ports
 * cycle) to one of 256 service-side addresses, so hash and locality schedulers see many keys.
 *
 * <pre>
 * mvn -q -o dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp target/test-classes:target/classes:$(cat cp.txt) org.openjdk.jmh.Main SchedulerBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SchedulerBenchmark {
    private static final int CLIENTS = 4096;
    private static final int TARGETS = 256;

    @Param({"rr", "wrr", "lc", "wlc", "sed", "nq", "dh", "sh", "lblc", "lblcr", "mh", "fo", "ovf", "twos"})
    public String scheduler;

    @Param({"10", "1000"})
    public int destinations;

    private final Flow flow = new Flow();
    private final long[] clients = new long[CLIENTS];
    private final int[] ports = new int[CLIENTS];
    private final long[] targets = new long[TARGETS];
    private Scheduler subject;
    private int next;

    @Setup
    public void setUp() {
        final DestinationRegistry registry = new DestinationRegistry();
        final List<Destination> dests = new ArrayList<>(destinations);
        for (int i = 0; i < destinations; i++) {
            dests.add(registry.create(4, 0L, 0x0A000000L + i, 80, ForwardingMethod.DROUTE, 1 + i % 5, 0, 0));
        }
        subject = Schedulers.create(scheduler, 0, dests);
        final SplittableRandom random = new SplittableRandom(2024);
        for (int i = 0; i < CLIENTS; i++) {
            clients[i] = random.nextLong() & 0xFFFF_FFFFL;
            ports[i] = 1024 + random.nextInt(64_000);
        }
        for (int i = 0; i < TARGETS; i++) {
            targets[i] = random.nextLong() & 0xFFFF_FFFFL;
        }
        flow.set(4, 6, 0L, clients[0], ports[0], 0L, targets[0], 80);
    }

    @Benchmark
    public Destination schedule() {
        final int i = next++ & (CLIENTS - 1);
        flow.srcLo = clients[i];
        flow.srcPort = ports[i];
        flow.dstLo = targets[i & (TARGETS - 1)];
        return subject.schedule(flow);
    }
}
