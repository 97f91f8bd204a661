package org.actorvs.health;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A check that talks to one real server with blocking steps bounded by one deadline: it runs on
 * the given executor (a blocking-I/O pool, never an actor's dispatcher), and {@link #checkNow()}
 * runs it on the calling thread.
 */
abstract class BlockingChecker implements HealthChecker {
    final InetSocketAddress target;
    final Duration timeout;
    private final Executor executor;

    BlockingChecker(final InetSocketAddress target, final Duration timeout, final Executor executor) {
        this.target = Objects.requireNonNull(target, "target");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public final CompletableFuture<CheckResult> check() {
        return CompletableFuture.supplyAsync(this::checkNow, executor);
    }

    /** The check on the calling thread. */
    public abstract CheckResult checkNow();
}
