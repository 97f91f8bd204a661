package org.actorvs.runtime;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.ScheduleUpdate;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceReconciler;
import org.actorvs.service.ServiceReconciler.Changes;
import org.actorvs.service.ServiceReconciler.DestinationStatus;
import org.actorvs.service.ServiceSpec;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The owner of one virtual service: every configuration change of the service goes through here, and
 * each one publishes the service's new immutable Schedule to every packet shard (or a null schedule when
 * the service leaves lookup). Shards schedule new connections synchronously with the published
 * scheduler and update the shared destination counters on connection events; nothing here runs per
 * packet.
 *
 * <p>The actor only routes messages and owns lifecycle; the diff and drain logic is
 * {@link ServiceReconciler}. After a {@link Remove} the service is out of lookup at once but the actor
 * lives on until its destinations have drained, then tells its owner {@link Retired}; the owner stops
 * it (so that a service re-added meanwhile is never lost to a stop it did not ask for).
 */
public final class SchedulerActor extends AbstractBehavior<SchedulerActor.Command> {

    /** The messages a SchedulerActor understands. */
    public sealed interface Command permits Apply, Remove, Stop, DrainTick, GetStatus, SetHealth {
    }

    /**
     * Bring the service to {@code target} as a diff (the first Apply creates it); dropped destinations
     * drain for at most {@code drainTimeout}. Brings back a removed service that is still draining.
     */
    public record Apply(RuleSet.Service target, Duration drainTimeout, ActorRef<Applied> replyTo) implements Command {
        public Apply {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** Take the service out of lookup now; its destinations drain for at most {@code drainTimeout}. */
    public record Remove(Duration drainTimeout, ActorRef<Applied> replyTo) implements Command {
        public Remove {
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** Delete the service at once, as ip_vs_del_service() does, and stop (director shutdown). */
    public enum Stop implements Command { INSTANCE }

    /** Check the draining destinations; sent by the actor's own timer while any drain, or by a test. */
    public enum DrainTick implements Command { INSTANCE }

    /**
     * A health checker's verdict on one real server, as keepalived's update_svr_checker_state(): while
     * {@code up} is false the destination gets weight 0 ({@code inhibit}, inhibit_on_failure) or leaves the
     * service (drained as a configuration removal is); up again restores its configured settings. The
     * verdict outlives reloads: every later {@link Apply} is applied with it.
     */
    public record SetHealth(InetAddress address, int port, boolean up, boolean inhibit) implements Command {
        public SetHealth {
            Objects.requireNonNull(address, "address");
        }
    }

    /** Ask for the service's destinations with their weights, counters and drain flags. */
    public record GetStatus(ActorRef<Status> replyTo) implements Command {
    }

    /**
     * The answer to {@link Apply} and {@link Remove}.
     *
     * @param error null on success; what the live service refused otherwise (the changes made before the
     *              refusal stay and were published)
     */
    public record Applied(ServiceKey key, Changes changes, String error) {
    }

    /**
     * @param spec         the service's current configuration, null before the first {@link Apply}
     * @param inLookup     whether the shards can find the service (false once removed)
     */
    public record Status(ServiceKey key, ServiceSpec spec, boolean inLookup, List<DestinationStatus> destinations) {
    }

    /** Told to the owner when a removed service's last destination is gone: the actor may be stopped. */
    public record Retired(ServiceKey key, ActorRef<Command> service) {
    }

    private static final Object DRAIN_TIMER = "drain";

    private final ServiceKey key;
    private final DestinationRegistry registry;
    private final List<ActorRef<ScheduleUpdate>> subscribers;
    private final ActorRef<Retired> owner;
    private final Duration drainCheckInterval;
    private final LongSupplier nanoClock;
    private final TimerScheduler<Command> timers;
    private ServiceReconciler service;
    /** The last configuration applied, before health verdicts; null before the first Apply. */
    private RuleSet.Service configured;
    private Duration lastDrainTimeout = Duration.ZERO;
    /** Real servers a health checker declared down, with their inhibit flag. */
    private final Map<RealServer, Boolean> down = new HashMap<>();

    private record RealServer(InetAddress address, int port) {
    }

    /**
     * @param subscribers        every packet shard (through its adapter); each gets every update
     * @param owner              told {@link Retired} when a removed service has drained
     * @param drainCheckInterval how often draining destinations are checked
     * @param nanoClock          monotonic nanoseconds (System::nanoTime; a test clock in tests)
     */
    public static Behavior<Command> create(final ServiceKey key, final DestinationRegistry registry,
                                           final List<ActorRef<ScheduleUpdate>> subscribers,
                                           final ActorRef<Retired> owner, final Duration drainCheckInterval,
                                           final LongSupplier nanoClock) {
        final List<ActorRef<ScheduleUpdate>> subs = List.copyOf(subscribers);
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new SchedulerActor(ctx, timers, key, registry, subs, owner, drainCheckInterval, nanoClock)));
    }

    private SchedulerActor(final ActorContext<Command> context, final TimerScheduler<Command> timers,
                           final ServiceKey key, final DestinationRegistry registry,
                           final List<ActorRef<ScheduleUpdate>> subscribers, final ActorRef<Retired> owner,
                           final Duration drainCheckInterval, final LongSupplier nanoClock) {
        super(context);
        this.timers = timers;
        this.key = key;
        this.registry = registry;
        this.subscribers = subscribers;
        this.owner = Objects.requireNonNull(owner, "owner");
        this.drainCheckInterval = drainCheckInterval;
        this.nanoClock = nanoClock;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Apply.class, this::onApply)
            .onMessage(Remove.class, this::onRemove)
            .onMessageEquals(DrainTick.INSTANCE, this::onDrainTick)
            .onMessageEquals(Stop.INSTANCE, this::onStop)
            .onMessage(GetStatus.class, this::onGetStatus)
            .onMessage(SetHealth.class, this::onSetHealth)
            .build();
    }

    private Behavior<Command> onApply(final Apply apply) {
        Changes changes = Changes.NONE;
        String error = null;
        try {
            if (service == null) {
                service = new ServiceReconciler(registry, apply.target().spec());
                // A new service is a change even without destinations: the shards must learn of it.
                changes = new Changes(true, 0, 0, 0, 0, 0);
            }
            final long now = nanoClock.getAsLong();
            configured = apply.target();
            lastDrainTimeout = apply.drainTimeout();
            changes = changes.plus(service.apply(withHealth(configured), now, apply.drainTimeout().toNanos()));
        } catch (final IllegalArgumentException e) {
            error = e.getMessage();
            getContext().getLog().warn("{}: reload refused: {}", key, error);
        }
        if (service != null && (changes.any() || error != null)) {
            // A refusal part-way may have changed some destinations already: publish what is live.
            publish();
        }
        apply.replyTo().tell(new Applied(key, changes, error));
        return afterChange();
    }

    private Behavior<Command> onRemove(final Remove remove) {
        Changes changes = Changes.NONE;
        if (service != null && !service.retired()) {
            changes = service.retire(nanoClock.getAsLong(), remove.drainTimeout().toNanos());
            publish();
        }
        remove.replyTo().tell(new Applied(key, changes, null));
        if (service == null) {
            owner.tell(new Retired(key, getContext().getSelf()));
        }
        return afterChange();
    }

    private Behavior<Command> onDrainTick() {
        if (service != null && service.expireDrained(nanoClock.getAsLong()).any() && !service.retired()) {
            publish();
        }
        return afterChange();
    }

    private Behavior<Command> onStop() {
        if (service != null) {
            final boolean inLookup = !service.retired();
            service.removeAll();
            if (inLookup) {
                publish();
            }
        }
        return Behaviors.stopped();
    }

    private Behavior<Command> onGetStatus(final GetStatus get) {
        get.replyTo().tell(service == null
            ? new Status(key, null, false, List.of())
            : new Status(key, service.state().spec(), !service.retired(), service.status()));
        return this;
    }

    private Behavior<Command> onSetHealth(final SetHealth health) {
        final RealServer server = new RealServer(health.address(), health.port());
        final Boolean before = health.up() ? down.remove(server) : down.put(server, health.inhibit());
        final boolean changed = health.up() ? before != null : !Boolean.valueOf(health.inhibit()).equals(before);
        if (changed && configured != null && !service.retired()) {
            try {
                if (service.apply(withHealth(configured), nanoClock.getAsLong(), lastDrainTimeout.toNanos()).any()) {
                    publish();
                }
            } catch (final IllegalArgumentException e) {
                getContext().getLog().warn("{}: health change of {} refused: {}", key, health.address(), e.getMessage());
            }
        }
        return afterChange();
    }

    /** The configuration with the health verdicts: down servers at weight 0 or left out. */
    private RuleSet.Service withHealth(final RuleSet.Service target) {
        if (down.isEmpty()) {
            return target;
        }
        final List<DestinationSpec> dests = new ArrayList<>();
        for (final DestinationSpec d : target.destinations()) {
            final Boolean inhibit = down.get(new RealServer(d.address(), d.port()));
            if (inhibit == null) {
                dests.add(d);
            } else if (inhibit) {
                dests.add(d.withWeight(0));
            }
        }
        return new RuleSet.Service(target.spec(), dests);
    }

    /** Runs the drain timer only while something drains; tells the owner once a removal has finished. */
    private Behavior<Command> afterChange() {
        if (service != null && service.anyDraining()) {
            if (!timers.isTimerActive(DRAIN_TIMER)) {
                timers.startTimerWithFixedDelay(DRAIN_TIMER, DrainTick.INSTANCE, drainCheckInterval);
            }
        } else {
            timers.cancel(DRAIN_TIMER);
        }
        if (service != null && service.finished()) {
            owner.tell(new Retired(key, getContext().getSelf()));
        }
        return this;
    }

    /** The service's current schedule, or null once it is out of lookup, to every subscriber. */
    private void publish() {
        final ScheduleUpdate update = new ScheduleUpdate(key, service.retired() ? null : service.state().snapshot());
        for (final ActorRef<ScheduleUpdate> subscriber : subscribers) {
            subscriber.tell(update);
        }
    }
}
