package org.actorvs.health;

import java.util.Objects;

/** The outcome of one check: passed or not, and why not, in words for the log. */
public record CheckResult(boolean ok, String detail) {
    public static final CheckResult OK = new CheckResult(true, "ok");

    public CheckResult {
        Objects.requireNonNull(detail, "detail");
    }

    public static CheckResult failed(final String why) {
        return new CheckResult(false, why);
    }
}
