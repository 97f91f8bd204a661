package org.actorvs.sync;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * How a starting director's pull ended. Whatever the outcome, the director is then eligible for
 * the VIPs: a pull only ever delays the election, by at most the configured bound.
 *
 * @param peer     the peer the table came from, null unless SYNCED
 * @param entries  connections received (and handed to the shards)
 * @param failures one line per peer that did not give its table, in the order tried
 */
public record BulkResult(Outcome outcome, InetSocketAddress peer, long entries, long messages, Duration took,
        List<String> failures) {
    public enum Outcome {
        /** A peer's whole table was received and applied. */
        SYNCED,
        /** No peer answered within the bound: this is the first director up. */
        NO_PEER,
        /** Some peer answered but no transfer completed (refused, malformed, too slow). */
        FAILED,
        /** No peers configured: nothing to wait for. */
        NOT_CONFIGURED
    }

    public BulkResult {
        failures = List.copyOf(failures);
    }

    public static BulkResult notConfigured() {
        return new BulkResult(Outcome.NOT_CONFIGURED, null, 0, 0, Duration.ZERO, List.of());
    }

    public boolean synced() {
        return outcome == Outcome.SYNCED;
    }
}
