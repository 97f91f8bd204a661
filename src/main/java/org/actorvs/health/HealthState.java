package org.actorvs.health;

import java.util.Objects;

/**
 * One real server's health as keepalived's checker keeps it (tcp_epilog() and http's epilog, with the
 * start-up rule of check_data.c), driven by check results and a caller-supplied monotonic clock:
 *
 * <ul>
 * <li>A success, or a failure after {@code retries} failed retries, settles the round: the next check is
 *     {@code interval} later and the retry count restarts. A success brings a down server up; a settled
 *     failure takes an up server down. So an up server goes down after retries + 1 consecutive failures,
 *     and a down server comes up after one success.</li>
 * <li>Any other failure is retried after {@code delayBeforeRetry}.</li>
 * <li>At start the retry count is already used up, so without alpha (the server starts up) the first
 *     failure takes it down at once; with alpha the server starts down until its first success.</li>
 * </ul>
 *
 * Counts every check, failure and transition. Single owner.
 */
public final class HealthState {
    /** What one result changed. */
    public enum Transition { NONE, WENT_UP, WENT_DOWN }

    /**
     * @param transition    the change of the server's state, if any
     * @param nextCheckNanos when the next check is due, on the caller's clock
     */
    public record Verdict(Transition transition, long nextCheckNanos) {
    }

    private final HealthPolicy policy;
    private boolean up;
    private int retryCount;
    private long checks;
    private long failures;
    private long wentUp;
    private long wentDown;

    public HealthState(final HealthPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.up = !policy.alpha();
        this.retryCount = policy.retries();
    }

    /** Takes in one check's outcome, finished at {@code nowNanos}. */
    public Verdict record(final boolean success, final long nowNanos) {
        checks++;
        if (!success) {
            failures++;
        }
        if (!success && retryCount < policy.retries()) {
            retryCount++;
            return new Verdict(Transition.NONE, nowNanos + policy.delayBeforeRetry().toNanos());
        }
        retryCount = 0;
        Transition t = Transition.NONE;
        if (success != up) {
            up = success;
            t = success ? Transition.WENT_UP : Transition.WENT_DOWN;
            if (success) {
                wentUp++;
            } else {
                wentDown++;
            }
        }
        return new Verdict(t, nowNanos + policy.interval().toNanos());
    }

    public boolean up() {
        return up;
    }

    public HealthPolicy policy() {
        return policy;
    }

    public long checks() {
        return checks;
    }

    public long failures() {
        return failures;
    }

    public long wentUp() {
        return wentUp;
    }

    public long wentDown() {
        return wentDown;
    }
}
