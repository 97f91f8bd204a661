package org.actorvs.metrics;

/**
 * The kernel's rate estimator for one set of IPVS counters (net/netfilter/ipvs/ip_vs_est.c), with
 * its exact fixed-point arithmetic, so ActorVS's rates read as ipvsadm --rate would show them for
 * the same traffic.
 *
 * <p>Every {@link #INTERVAL_SECONDS} seconds the counters' growth since the previous sample is turned
 * into a per-second rate and folded into an exponentially weighted average with weight 1/4:
 * {@code avg += (rate - avg) >> 2} (estimation_timer(), in newer kernels ip_vs_chain_estimation()).
 * The averages are kept scaled: connections and packets per second by 2^10, bytes per second by 2^5;
 * the shift that scales also halves for the two seconds ({@code << 9}, {@code << 4}). Reading rounds
 * them back as ip_vs_read_estimator() does: {@code (avg + 0x1FF) >> 10} and {@code (avg + 0xF) >> 5}.
 * Java's {@code >>} on a long is the arithmetic shift the kernel's s64 expressions get.
 *
 * <p>A new estimator starts from zero counts, as the kernel's zero-allocated stats do, so the
 * counters it is given must count from zero too. Not thread-safe: one sampler drives it.
 */
public final class RateEstimator {
    /** The kernel samples every 2 seconds (2 * HZ); the shifts below bake this in. */
    public static final int INTERVAL_SECONDS = 2;

    /** Scale 2^10 for connections and packets, divided by the 2 s interval: 2^9. */
    private static final int COUNT_SHIFT = 9;
    /** Scale 2^5 for bytes, divided by the 2 s interval: 2^4. */
    private static final int BYTES_SHIFT = 4;
    /** The average's weight W = 2^-2. */
    private static final int WEIGHT_SHIFT = 2;

    private long lastConns;
    private long lastInPkts;
    private long lastOutPkts;
    private long lastInBytes;
    private long lastOutBytes;
    private long cps;
    private long inpps;
    private long outpps;
    private long inbps;
    private long outbps;

    /** One sample: the counters' current totals, taken {@link #INTERVAL_SECONDS} after the last. */
    public void sample(long conns, long inPkts, long outPkts, long inBytes, long outBytes) {
        cps = average(cps, conns - lastConns, COUNT_SHIFT);
        inpps = average(inpps, inPkts - lastInPkts, COUNT_SHIFT);
        outpps = average(outpps, outPkts - lastOutPkts, COUNT_SHIFT);
        inbps = average(inbps, inBytes - lastInBytes, BYTES_SHIFT);
        outbps = average(outbps, outBytes - lastOutBytes, BYTES_SHIFT);
        remember(conns, inPkts, outPkts, inBytes, outBytes);
    }

    /**
     * Starts the estimate again from zero, as ip_vs_zero_estimator() does on ipvsadm -Z: the
     * counters' current totals become the last sample and the averages are cleared, so the rates
     * read 0 until the next sample and then climb from zero by the growth since these totals.
     */
    public void zero(long conns, long inPkts, long outPkts, long inBytes, long outBytes) {
        remember(conns, inPkts, outPkts, inBytes, outBytes);
        cps = 0;
        inpps = 0;
        outpps = 0;
        inbps = 0;
        outbps = 0;
    }

    private void remember(long conns, long inPkts, long outPkts, long inBytes, long outBytes) {
        lastConns = conns;
        lastInPkts = inPkts;
        lastOutPkts = outPkts;
        lastInBytes = inBytes;
        lastOutBytes = outBytes;
    }

    private static long average(long avg, long delta, int scale) {
        long rate = delta << scale;
        return avg + ((rate - avg) >> WEIGHT_SHIFT);
    }

    /** Connections per second, rounded as ip_vs_read_estimator(). */
    public long connectionsPerSecond() {
        return decodeCount(cps);
    }

    public long inPacketsPerSecond() {
        return decodeCount(inpps);
    }

    public long outPacketsPerSecond() {
        return decodeCount(outpps);
    }

    /** Bytes (not bits, despite the kernel's "bps") per second. */
    public long inBytesPerSecond() {
        return decodeBytes(inbps);
    }

    public long outBytesPerSecond() {
        return decodeBytes(outbps);
    }

    /** The scaled average of connections per second, as the kernel stores it (e->cps). */
    long scaledConnectionsPerSecond() {
        return cps;
    }

    /** The scaled average of incoming bytes per second, as the kernel stores it (e->inbps). */
    long scaledInBytesPerSecond() {
        return inbps;
    }

    private static long decodeCount(long scaled) {
        return (scaled + 0x1FF) >> 10;
    }

    private static long decodeBytes(long scaled) {
        return (scaled + 0xF) >> 5;
    }
}
