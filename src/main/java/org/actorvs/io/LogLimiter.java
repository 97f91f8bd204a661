package org.actorvs.io;

/**
 * Lets at most one log line through per interval, so that a failing link does not flood the log;
 * the lines it held back are counted and reported with the next one. Not thread-safe.
 */
final class LogLimiter {
    private final long intervalNanos;
    private long next = Long.MIN_VALUE;
    private long suppressed;

    LogLimiter(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** @return -1 to stay silent, else how many lines were held back since the last one logged */
    long admit(long nowNanos) {
        if (next != Long.MIN_VALUE && nowNanos - next < 0) {
            suppressed++;
            return -1;
        }
        next = nowNanos + intervalNanos;
        final long held = suppressed;
        suppressed = 0;
        return held;
    }
}
