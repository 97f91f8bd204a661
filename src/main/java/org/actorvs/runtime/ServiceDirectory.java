package org.actorvs.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.RuleSet;
import org.actorvs.service.RuleSetDiff;
import org.actorvs.service.ScheduleUpdate;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceReconciler.Changes;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The director's virtual services as a whole: applies a complete rule table (from the configuration at
 * start, or a reload) as a diff — one {@link SchedulerActor} per service is spawned for an added service,
 * told to {@link SchedulerActor.Remove remove} itself for a deleted one, and sent the new configuration
 * for a changed one; services equal in both tables are not touched. The answer sums up what every
 * service actor did.
 *
 * <p>A removed service's actor lives on while its destinations drain; if a reload brings the service back
 * meanwhile it gets the new configuration (its destinations, counters and connections carry on) instead of
 * a fresh actor. The directory stops a service's actor only when that actor reports it has drained and
 * the directory still considers it removed.
 */
public final class ServiceDirectory extends AbstractBehavior<ServiceDirectory.Command> {

    /** The messages a ServiceDirectory understands. */
    public sealed interface Command permits ApplyRules, GetServices, ServiceRetired {
    }

    /** Make {@code rules} the director's rule table; dropped destinations drain for at most {@code drainTimeout}. */
    public record ApplyRules(RuleSet rules, Duration drainTimeout, ActorRef<Summary> replyTo) implements Command {
        public ApplyRules {
            Objects.requireNonNull(rules, "rules");
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** Ask for the actor of every service in lookup (the admin CLI then asks each for its status). */
    public record GetServices(ActorRef<Services> replyTo) implements Command {
    }

    /** The services in lookup, in rule-table order. */
    public record Services(Map<ServiceKey, ActorRef<SchedulerActor.Command>> services) {
        public Services {
            services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        }
    }

    /** A removed service's actor has drained (adapted from {@link SchedulerActor.Retired}; internal). */
    private record ServiceRetired(SchedulerActor.Retired retired) implements Command {
    }

    /**
     * What one {@link ApplyRules} did.
     *
     * @param errors one line per service whose actor refused part of its configuration, or did not answer
     */
    public record Summary(List<ServiceKey> added, List<ServiceKey> removed, List<ServiceKey> changed,
                          Changes destinations, List<String> errors) {
        public Summary {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            changed = List.copyOf(changed);
            errors = List.copyOf(errors);
        }
    }

    /** How long a reload waits for the service actors' answers before answering with what it has. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    private final DestinationRegistry registry;
    private final List<ActorRef<ScheduleUpdate>> subscribers;
    private final Duration drainCheckInterval;
    private final LongSupplier nanoClock;
    private final ActorRef<SchedulerActor.Retired> retiredAdapter;
    private final Map<ServiceKey, ActorRef<SchedulerActor.Command>> live = new LinkedHashMap<>();
    /** Removed services whose actors are still draining. */
    private final Map<ServiceKey, ActorRef<SchedulerActor.Command>> retiring = new HashMap<>();
    private RuleSet current = RuleSet.EMPTY;
    private long spawned;

    /** See {@link SchedulerActor#create} for the parameters every service actor gets. */
    public static Behavior<Command> create(final DestinationRegistry registry,
                                           final List<ActorRef<ScheduleUpdate>> subscribers,
                                           final Duration drainCheckInterval, final LongSupplier nanoClock) {
        final List<ActorRef<ScheduleUpdate>> subs = List.copyOf(subscribers);
        return Behaviors.setup(ctx -> new ServiceDirectory(ctx, registry, subs, drainCheckInterval, nanoClock));
    }

    private ServiceDirectory(final ActorContext<Command> context, final DestinationRegistry registry,
                             final List<ActorRef<ScheduleUpdate>> subscribers, final Duration drainCheckInterval,
                             final LongSupplier nanoClock) {
        super(context);
        this.registry = registry;
        this.subscribers = subscribers;
        this.drainCheckInterval = drainCheckInterval;
        this.nanoClock = nanoClock;
        this.retiredAdapter = context.messageAdapter(SchedulerActor.Retired.class, ServiceRetired::new);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(ApplyRules.class, this::onApplyRules)
            .onMessage(GetServices.class, get -> {
                get.replyTo().tell(new Services(live));
                return this;
            })
            .onMessage(ServiceRetired.class, this::onServiceRetired)
            .build();
    }

    private Behavior<Command> onApplyRules(final ApplyRules apply) {
        final RuleSetDiff diff = RuleSetDiff.between(current, apply.rules());
        final ActorRef<SchedulerActor.Applied> answers =
            ReloadAnswers.spawn(getContext(), diff, apply.replyTo(), ANSWER_TIMEOUT);
        for (final ServiceKey key : diff.removed()) {
            final ActorRef<SchedulerActor.Command> ref = live.remove(key);
            retiring.put(key, ref);
            ref.tell(new SchedulerActor.Remove(apply.drainTimeout(), answers));
        }
        final Map<ServiceKey, ActorRef<SchedulerActor.Command>> next = new LinkedHashMap<>();
        for (final RuleSet.Service service : apply.rules().services()) {
            final ActorRef<SchedulerActor.Command> ref = live.get(service.key());
            next.put(service.key(), ref != null ? ref : revivedOrSpawned(service.key()));
        }
        live.clear();
        live.putAll(next);
        for (final RuleSet.Service service : diff.added()) {
            live.get(service.key()).tell(new SchedulerActor.Apply(service, apply.drainTimeout(), answers));
        }
        for (final RuleSet.Service service : diff.changed()) {
            live.get(service.key()).tell(new SchedulerActor.Apply(service, apply.drainTimeout(), answers));
        }
        current = apply.rules();
        return this;
    }

    /** A removed service still draining comes back with its actor; otherwise a new actor. */
    private ActorRef<SchedulerActor.Command> revivedOrSpawned(final ServiceKey key) {
        final ActorRef<SchedulerActor.Command> draining = retiring.remove(key);
        if (draining != null) {
            return draining;
        }
        // Names are never reused: a stopped actor's name stays taken until its termination is processed.
        return getContext().spawn(SchedulerActor.create(key, registry, subscribers, retiredAdapter,
            drainCheckInterval, nanoClock), "service-" + ++spawned);
    }

    private Behavior<Command> onServiceRetired(final ServiceRetired message) {
        final SchedulerActor.Retired retired = message.retired();
        // Only if still removed: a reload may have brought the service back after the actor reported.
        if (retired.service().equals(retiring.get(retired.key()))) {
            retiring.remove(retired.key());
            getContext().stop(retired.service());
        }
        return this;
    }

    /** Collects the service actors' answers to one reload into its {@link Summary}. */
    private static final class ReloadAnswers {
        /** The collector's own timeout; every other message it gets is a {@link SchedulerActor.Applied}. */
        private enum TimedOut { INSTANCE }

        private ReloadAnswers() {
        }

        static ActorRef<SchedulerActor.Applied> spawn(final ActorContext<?> context, final RuleSetDiff diff,
                                                       final ActorRef<Summary> replyTo, final Duration timeout) {
            final List<ServiceKey> added = diff.added().stream().map(RuleSet.Service::key).toList();
            final List<ServiceKey> changed = diff.changed().stream().map(RuleSet.Service::key).toList();
            final int expected = added.size() + changed.size() + diff.removed().size();
            final Behavior<Object> collector = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
                timers.startSingleTimer(TimedOut.INSTANCE, timeout);
                final List<String> errors = new ArrayList<>();
                final Changes[] sum = {Changes.NONE};
                final int[] answered = {0};
                final Supplier<Behavior<Object>> answer = () -> {
                    replyTo.tell(new Summary(added, diff.removed(), changed, sum[0], errors));
                    return Behaviors.stopped();
                };
                if (expected == 0) {
                    return answer.get();
                }
                return Behaviors.receive(Object.class)
                    .onMessage(SchedulerActor.Applied.class, a -> {
                        sum[0] = sum[0].plus(a.changes());
                        if (a.error() != null) {
                            errors.add(a.key() + ": " + a.error());
                        }
                        return ++answered[0] < expected ? Behaviors.same() : answer.get();
                    })
                    .onMessageEquals(TimedOut.INSTANCE, () -> {
                        errors.add((expected - answered[0]) + " service(s) did not answer within " + timeout);
                        return answer.get();
                    })
                    .build();
            }));
            final ActorRef<Object> ref = context.spawnAnonymous(collector);
            return ref.narrow();
        }
    }
}
