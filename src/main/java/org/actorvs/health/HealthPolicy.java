package org.actorvs.health;

import java.time.Duration;
import java.util.Objects;

/**
 * When a real server is checked and what a failure does, with keepalived's meaning and defaults
 * (keepalived.conf(5), real_server and checker blocks).
 *
 * @param interval         delay_loop: time between checks of a server whose last check settled. Default 60 s
 * @param timeout          connect_timeout: the most one check may take. Default 5 s
 * @param retries          retry: further checks after a failure before an alive server is declared down, so
 *                         it goes down after retries + 1 consecutive failures. Default 1
 * @param delayBeforeRetry delay_before_retry: time between those further checks. Default 1 s (3 s for
 *                         HTTP_GET)
 * @param onFailure        what a down server becomes: weight 0 (inhibit_on_failure) or removed. Default remove
 * @param alpha            alpha: the server starts down and comes up with its first successful check;
 *                         otherwise it starts up and its first failed check takes it down at once
 */
public record HealthPolicy(Duration interval, Duration timeout, int retries, Duration delayBeforeRetry,
                           OnFailure onFailure, boolean alpha) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_RETRIES = 1;
    public static final Duration DEFAULT_DELAY_BEFORE_RETRY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_HTTP_DELAY_BEFORE_RETRY = Duration.ofSeconds(3);

    /** What happens to a real server its checker declared down. */
    public enum OnFailure {
        /** Weight 0: no new connections, established ones carry on (inhibit_on_failure). */
        INHIBIT,
        /** Out of the service, drained as a configuration removal is; added back when up. */
        REMOVE
    }

    public HealthPolicy {
        Objects.requireNonNull(onFailure, "onFailure");
        positive(interval, "interval");
        positive(timeout, "timeout");
        positive(delayBeforeRetry, "delayBeforeRetry");
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative: " + retries);
        }
    }

    public boolean inhibit() {
        return onFailure == OnFailure.INHIBIT;
    }

    private static void positive(final Duration d, final String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
