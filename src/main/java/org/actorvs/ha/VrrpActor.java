package org.actorvs.ha;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.actorvs.forward.FrameSink;
import org.actorvs.forward.Port;
import org.actorvs.runtime.ArpActor;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One VRRP virtual router as an actor: a thin shell around {@link VrrpInstance}. It receives the
 * VRRP frames the dispatcher routes to it (IP protocol 112), runs the router's one timer, sends
 * adverts through a {@link FrameSink} (an {@link org.actorvs.io.Injector} of its own), and on
 * every role change moves the VIPs with {@link ArpActor.Own} and tells a listener (the sync actor,
 * the runtime) with {@link RoleChanged}. It starts at once (RFC 5798 Startup event) and, when
 * stopped as master, says priority 0 so that a backup takes over after Skew_Time.
 */
public final class VrrpActor {
    public enum Role { INITIALIZE, BACKUP, MASTER }

    public sealed interface Command permits Advert, Shutdown, Startup, GetStatus, Tick {
    }

    /** A frame of IP protocol 112 as captured (copied: adverts are a few a second). */
    public record Advert(int port, byte[] frame, long nowNanos) implements Command {
    }

    /** Leave the virtual router (priority-0 advert if master) and stay in Initialize. */
    public enum Shutdown implements Command { INSTANCE }

    /** Join the virtual router again after a {@link Shutdown}, or for the first time when created held. */
    public enum Startup implements Command { INSTANCE }

    public record GetStatus(ActorRef<Status> replyTo) implements Command {
    }

    /**
     * The router's state and the validator's counts by {@link VrrpValidator} reason (OK: adverts
     * accepted), its VRID and configured priority, and the role changes since it started.
     */
    public record Status(Role role, long advertsSent, long[] reasons, int vrid, int priority, long transitions) {
        public long count(int reason) {
            return reasons[reason];
        }
    }

    /** Sent to the listener on every change of role. */
    public record RoleChanged(Role role) {
    }

    private enum Tick implements Command { INSTANCE }

    private VrrpActor() {
    }

    /**
     * @param port     the port the virtual router lives on; its index is the one adverts arrive with
     * @param out      where adverts go (an injector this actor alone uses)
     * @param arp      takes and releases the VIPs
     * @param listener told of every role change
     * @param clock    nanoseconds, the clock {@link Advert#nowNanos()} is on ({@code System::nanoTime} live)
     */
    public static Behavior<Command> create(VrrpConfig config, Port port, FrameSink out, ActorRef<ArpActor.Command> arp,
            ActorRef<RoleChanged> listener, LongSupplier clock) {
        final List<ArpActor.Announcement> vips = new ArrayList<>();
        for (int vip : config.vips()) {
            vips.add(new ArpActor.Announcement(port.index(), vip));
        }
        return create(config, port, vips, true, out, arp, listener, clock);
    }

    /**
     * As {@link #create(VrrpConfig, Port, FrameSink, ActorRef, ActorRef, LongSupplier)}, with each
     * virtual address announced on its own port: the advert lists them all (keepalived compares the
     * lists), but an address on another LAN — LVS-NAT's gateway on the back LAN — must move the
     * caches there, not on the VRRP port.
     *
     * @param addresses the advert's addresses, each with the port its gratuitous ARP goes out on
     * @param start     start at once; false waits in Initialize for {@link Startup} (a director
     *                  sends it once it receives frames, lest it miss the master's adverts and
     *                  take the addresses from it)
     */
    public static Behavior<Command> create(VrrpConfig config, Port port, List<ArpActor.Announcement> addresses,
            boolean start, FrameSink out, ActorRef<ArpActor.Command> arp, ActorRef<RoleChanged> listener,
            LongSupplier clock) {
        final ArpActor.Own take = new ArpActor.Own(addresses);
        final ArpActor.Announce again = new ArpActor.Announce(addresses);
        Behavior<Command> vrrp = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            final Shell shell = new Shell(new VrrpInstance(port, config, out), take, again, arp, listener, clock,
                    timers);
            if (start) {
                shell.apply(shell.instance.startup(clock.getAsLong()));
            }
            return shell.behavior(ctx);
        }));
        return Behaviors.supervise(vrrp).onFailure(SupervisorStrategy.resume());
    }

    private static final class Shell {
        final VrrpInstance instance;
        final ActorRef<ArpActor.Command> arp;
        final ActorRef<RoleChanged> listener;
        final LongSupplier clock;
        final TimerScheduler<Command> timers;
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        final ArpActor.Own take;
        final ArpActor.Announce again;
        final ArpActor.Own release = new ArpActor.Own(List.of());
        long transitions;

        Shell(VrrpInstance instance, ArpActor.Own take, ArpActor.Announce again, ActorRef<ArpActor.Command> arp,
                ActorRef<RoleChanged> listener, LongSupplier clock, TimerScheduler<Command> timers) {
            this.instance = instance;
            this.take = take;
            this.again = again;
            this.arp = arp;
            this.listener = listener;
            this.clock = clock;
            this.timers = timers;
        }

        Behavior<Command> behavior(ActorContext<Command> ctx) {
            return Behaviors.receive(Command.class)
                    .onMessage(Advert.class, m -> {
                        if (m.port() == instance.port().index()) {
                            view.wrap(m.frame());
                            final int actions = instance.onFrame(view, 0, m.frame().length, m.nowNanos());
                            if (actions == VrrpRouter.SEND_ADVERT && instance.router().state() == VrrpRouter.State.MASTER) {
                                // A master answering a lower-priority (or leaving) peer's advert:
                                // as keepalived's vrrp_state_master_rx(), it also re-sends its
                                // gratuitous ARPs, moving back caches a second master took.
                                arp.tell(again);
                            }
                            apply(actions);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Tick.class, m -> {
                        apply(instance.onTimer(clock.getAsLong()));
                        return Behaviors.same();
                    })
                    .onMessage(Shutdown.class, m -> {
                        apply(instance.shutdown(clock.getAsLong()));
                        return Behaviors.same();
                    })
                    .onMessage(Startup.class, m -> {
                        apply(instance.startup(clock.getAsLong()));
                        return Behaviors.same();
                    })
                    .onMessage(GetStatus.class, m -> {
                        final long[] reasons = new long[VrrpValidator.REASONS];
                        for (int r = 0; r < reasons.length; r++) {
                            reasons[r] = instance.validator().count(r);
                        }
                        final VrrpConfig config = instance.router().config();
                        m.replyTo().tell(new Status(role(), instance.advertsSent(), reasons, config.vrid(),
                                config.priority(), transitions));
                        return Behaviors.same();
                    })
                    .onSignal(PostStop.class, s -> {
                        // A director going away as master hands over after Skew_Time, not Master_Down_Interval.
                        instance.shutdown(clock.getAsLong());
                        return Behaviors.same();
                    })
                    .build();
        }

        /** Carries out a router's actions (the advert is already sent) and re-arms its timer. */
        void apply(int actions) {
            if ((actions & (VrrpRouter.BECOME_BACKUP | VrrpRouter.BECOME_INITIALIZE)) != 0) {
                arp.tell(release);
            }
            if ((actions & VrrpRouter.BECOME_MASTER) != 0) {
                arp.tell(take);
            }
            if ((actions & (VrrpRouter.BECOME_MASTER | VrrpRouter.BECOME_BACKUP | VrrpRouter.BECOME_INITIALIZE)) != 0) {
                transitions++;
                listener.tell(new RoleChanged(role()));
            }
            final long deadline = instance.router().deadline();
            if (deadline == VrrpRouter.NO_DEADLINE) {
                timers.cancel(Tick.INSTANCE);
            } else {
                final long delay = Math.max(0, deadline - clock.getAsLong());
                timers.startSingleTimer(Tick.INSTANCE, Duration.ofNanos(delay));
            }
        }

        Role role() {
            return switch (instance.router().state()) {
                case MASTER -> Role.MASTER;
                case BACKUP -> Role.BACKUP;
                case INITIALIZE -> Role.INITIALIZE;
            };
        }
    }
}
