package org.actorvs.sync;

/**
 * The sync sysctls of /proc/sys/net/ipv4/vs/ that shape what a master sends (K ip_vs_ctl.c):
 * sync_threshold's two values, sync_refresh_period, sync_retries, sync_persist_mode, plus
 * sync_qlen_max (messages a sender may have queued) and how long a partly filled message waits
 * (IPVS_SYNC_FLUSH_TIME).
 *
 * @param threshold            sync_threshold[0]: the inbound packet count at which a connection is first sent
 * @param period               sync_threshold[1]: then every this many packets; 0 sends once
 * @param refreshPeriodSeconds sync_refresh_period: resend only when the expiry moved this much; 0 = off
 * @param retries              sync_retries, 0..3: resends at refreshPeriod/8 while the expiry stays put
 * @param persistMode          sync_persist_mode: connections under a template are not sent (templates are)
 * @param qlenMax              sync_qlen_max: full messages waiting to be sent before new ones are dropped
 * @param flushNanos           a partly filled message goes out once it is this old (kernel: 2 s)
 */
public record SyncSettings(int threshold, int period, int refreshPeriodSeconds, int retries, boolean persistMode,
        int qlenMax, long flushNanos) {
    /** IPVS_SYNC_FLUSH_TIME: HZ * 2. */
    public static final long FLUSH_NANOS = 2_000_000_000L;
    /** The most sync_retries accepts. */
    public static final int MAX_RETRIES = 3;

    public SyncSettings {
        // proc_do_sync_threshold(): both non-negative, and the threshold below a non-zero period
        if (threshold < 0 || period < 0 || (period != 0 && threshold >= period)) {
            throw new IllegalArgumentException("sync_threshold " + threshold + " " + period
                    + ": both must be >= 0 and the threshold below a non-zero period");
        }
        if (refreshPeriodSeconds < 0) {
            throw new IllegalArgumentException("sync_refresh_period must be >= 0: " + refreshPeriodSeconds);
        }
        if (retries < 0 || retries > MAX_RETRIES) {
            throw new IllegalArgumentException("sync_retries must be 0..3: " + retries);
        }
        if (qlenMax < 1) {
            throw new IllegalArgumentException("sync_qlen_max must be at least 1: " + qlenMax);
        }
        if (flushNanos <= 0) {
            throw new IllegalArgumentException("flush interval must be positive: " + flushNanos);
        }
    }

    /** The kernel's defaults: "3 50", no refresh period, no retries, persist mode off. */
    public static SyncSettings kernelDefaults() {
        return new SyncSettings(3, 50, 0, 0, false, defaultQlenMax(), FLUSH_NANOS);
    }

    /**
     * The kernel takes nr_free_buffer_pages() / 32; the JVM's counterpart is its heap in 4 KiB
     * pages, so the queue may hold about 1/32 of the pages the heap could give it.
     */
    public static int defaultQlenMax() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 4096 / 32));
    }
}
