package org.actorvs.health;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.actorvs.runtime.SchedulerActor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health checker of one real server of one service, as keepalived runs one checker thread per
 * real_server checker: its own cadence (delay_loop, or delay_before_retry while retrying), so a server
 * that hangs a check never delays another's. Checks run off the actor's thread and come back as a
 * message; the state machine is {@link HealthState}; every transition is logged and sent to the
 * service's {@link SchedulerActor} as {@link SchedulerActor.SetHealth}.
 */
public final class HealthCheckActor extends AbstractBehavior<HealthCheckActor.Command> {

    /** The messages a HealthCheckActor understands. */
    public sealed interface Command permits Tick, Checked, Located, GetStatus {
    }

    /** Run a check now (the actor's own timer; a test may send it). */
    public enum Tick implements Command { INSTANCE }

    /** A check finished. */
    private record Checked(CheckResult result) implements Command {
    }

    /** The service's actor was looked up to be told the server's state {@code up} of notification {@code seq}. */
    private record Located(Optional<ActorRef<SchedulerActor.Command>> service, Throwable failure, long seq, boolean up)
        implements Command {
    }

    /** Ask for the server's state and counters. */
    public record GetStatus(ActorRef<Status> replyTo) implements Command {
        public GetStatus {
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /**
     * @param lastProblem why the last failed check failed, null when none has
     */
    public record Status(HealthCheckSpec spec, boolean up, long checks, long failures, long wentUp, long wentDown,
                         String lastProblem) {
    }

    /** A plain logger: transitions are the operator's record, not actor diagnostics. */
    private static final Logger LOG = LoggerFactory.getLogger(HealthCheckActor.class);
    private static final Object TICK = "tick";

    private final HealthCheckSpec spec;
    private final HealthChecker checker;
    private final ServiceLocator locator;
    private final LongSupplier nanoClock;
    private final TimerScheduler<Command> timers;
    private final HealthState state;
    private boolean checking;
    private String lastProblem;
    /** Numbers the notifications of the service, so that only the latest state is sent. */
    private long notifications;

    /**
     * @param nanoClock monotonic nanoseconds (System::nanoTime)
     */
    public static Behavior<Command> create(final HealthCheckSpec spec, final HealthChecker checker,
                                           final ServiceLocator locator, final LongSupplier nanoClock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new HealthCheckActor(ctx, timers, spec, checker, locator, nanoClock)));
    }

    private HealthCheckActor(final ActorContext<Command> context, final TimerScheduler<Command> timers,
                             final HealthCheckSpec spec, final HealthChecker checker, final ServiceLocator locator,
                             final LongSupplier nanoClock) {
        super(context);
        this.timers = timers;
        this.spec = Objects.requireNonNull(spec, "spec");
        this.checker = Objects.requireNonNull(checker, "checker");
        this.locator = Objects.requireNonNull(locator, "locator");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.state = new HealthState(spec.policy());
        if (spec.policy().alpha()) {
            // keepalived's alpha: the server is out (or at weight 0) until its first check passes
            LOG.info("{}: starts DOWN until a check passes (alpha) with {}", spec.server(), checker);
            tellService();
        }
        context.getSelf().tell(Tick.INSTANCE);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessageEquals(Tick.INSTANCE, this::onTick)
            .onMessage(Checked.class, this::onChecked)
            .onMessage(Located.class, this::onLocated)
            .onMessage(GetStatus.class, get -> {
                get.replyTo().tell(new Status(spec, state.up(), state.checks(), state.failures(), state.wentUp(),
                    state.wentDown(), lastProblem));
                return this;
            })
            .build();
    }

    private Behavior<Command> onTick() {
        if (!checking) {
            checking = true;
            getContext().pipeToSelf(checker.check(), (result, failure) -> new Checked(result != null ? result
                : CheckResult.failed(checker + ": " + failure)));
        }
        return this;
    }

    private Behavior<Command> onChecked(final Checked checked) {
        checking = false;
        final CheckResult result = checked.result();
        if (!result.ok()) {
            lastProblem = result.detail();
        }
        final long now = nanoClock.getAsLong();
        final HealthState.Verdict verdict = state.record(result.ok(), now);
        switch (verdict.transition()) {
            case WENT_DOWN -> {
                LOG.info("{}: DOWN ({}): {}", spec.server(),
                    spec.policy().inhibit() ? "weight 0" : "removed", result.detail());
                tellService();
            }
            case WENT_UP -> {
                LOG.info("{}: UP: {} passed", spec.server(), checker);
                tellService();
            }
            case NONE -> {
                if (!result.ok()) {
                    LOG.debug("{}: check failed: {}", spec.server(), result.detail());
                }
            }
        }
        timers.startSingleTimer(TICK, Tick.INSTANCE, Duration.ofNanos(Math.max(0, verdict.nextCheckNanos() - now)));
        return this;
    }

    /**
     * Looks the service's actor up and tells it the current state. Look-ups may answer out of order; an
     * answer for an older state than the latest is dropped, so the service always ends with the latest.
     */
    private void tellService() {
        final long seq = ++notifications;
        final boolean up = state.up();
        getContext().pipeToSelf(locator.locate(spec.service()), (ref, failure) -> new Located(ref, failure, seq, up));
    }

    private Behavior<Command> onLocated(final Located located) {
        if (located.seq() != notifications) {
            return this;
        }
        if (located.service() != null && located.service().isPresent()) {
            located.service().get().tell(new SchedulerActor.SetHealth(spec.address(), spec.port(), located.up(),
                spec.policy().inhibit()));
        } else {
            LOG.warn("{}: cannot apply {}: {}", spec.server(), located.up() ? "UP" : "DOWN",
                located.failure() != null ? located.failure().toString() : "the service is not in lookup");
        }
        return this;
    }
}
