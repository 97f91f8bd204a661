package org.actorvs.health;

import java.util.concurrent.CompletableFuture;

/** One kind of check of one real server. A check always completes, within its timeout, with a result. */
public interface HealthChecker {
    /** Starts a check off the caller's thread. */
    CompletableFuture<CheckResult> check();
}
