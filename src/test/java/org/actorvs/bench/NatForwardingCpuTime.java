package org.actorvs.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * {@link NatForwardingBenchmark#forward} timed by the thread's CPU time instead of the wall clock:
 * on a machine whose cores other processes share, a descheduled thread costs JMH's wall-clock
 * score but not this one, so A/B comparisons of code hold at a load where JMH's do not. Caches
 * are still shared, so figures stay somewhat lower under load. Runs {@code rounds} rounds of 2,000,000
 * packets and prints the median, best and worst of the second half (the first half warms up).
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat cp.txt) org.actorvs.bench.NatForwardingCpuTime 1000 true 30</pre>
 */
public final class NatForwardingCpuTime {
    private static final int PACKETS_PER_ROUND = 2_000_000;

    private NatForwardingCpuTime() {
    }

    public static void main(String[] args) {
        int flows = Integer.parseInt(args[0]);
        boolean verify = args.length < 2 || Boolean.parseBoolean(args[1]);
        int rounds = args.length < 3 ? 30 : Integer.parseInt(args[2]);
        NatForwardingBenchmark b = new NatForwardingBenchmark();
        b.flows = flows;
        b.verifyChecksums = verify;
        b.setUp();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] mpps = new double[rounds];
        int forwarded = 0;
        for (int r = 0; r < rounds; r++) {
            long start = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < PACKETS_PER_ROUND; i++) {
                forwarded += b.forward().ordinal() >= 0 ? 1 : 0;
            }
            mpps[r] = PACKETS_PER_ROUND * 1000.0 / (mx.getCurrentThreadCpuTime() - start);
        }
        b.checkForwarded();
        double[] measured = Arrays.copyOfRange(mpps, rounds / 2, rounds);
        Arrays.sort(measured);
        System.out.printf("flows=%d verifyChecksums=%b bounds.checks=%s: M packets per CPU-second median %.2f,"
                + " best %.2f, worst %.2f (%d packets)%n", flows, verify,
                Boolean.getBoolean("agrona.disable.bounds.checks") ? "off" : "on",
                measured[measured.length / 2], measured[measured.length - 1], measured[0], forwarded);
    }
}
