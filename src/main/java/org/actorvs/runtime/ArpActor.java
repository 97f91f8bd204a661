package org.actorvs.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.actorvs.forward.Port;
import org.actorvs.io.ArpResponder;
import org.actorvs.io.GratuitousArp;
import org.actorvs.io.Injector;
import org.actorvs.io.NeighbourTable;
import org.actorvs.io.OwnedAddresses;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The director's link layer: answers ARP for the addresses it owns, announces them with gratuitous
 * ARP when it takes them, and runs the neighbour table's resolution timers. The shards read the
 * neighbour table lock-free; only this actor writes it.
 */
public final class ArpActor {
    public sealed interface Command permits ArpFrame, Tick, Own, Announce, GetStats {
    }

    /** An ARP frame a capture thread received (copied: ARP is rare, the copy is cheap). */
    public record ArpFrame(int port, byte[] frame, long timestampNanos) implements Command {
    }

    /**
     * Runs the neighbour timers; on the actor's timer, and whenever a shard asks for a resolution
     * not pending yet ({@link NeighbourTable#onRequest}), so its first probe leaves at once.
     */
    public enum Tick implements Command { INSTANCE }

    /**
     * The addresses that move between directors (the VRRP instance's virtual addresses) that this
     * director holds from now on, besides the ones it always owns; those it did not hold before are
     * announced with gratuitous ARP (a director taking over VIPs must move the LAN's caches to its
     * MAC at once). An empty list releases them all.
     */
    public record Own(List<Announcement> addresses) implements Command {
        public Own {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * Announce again those of these addresses this director holds: a master that hears a
     * lower-priority advert re-sends its gratuitous ARPs (keepalived's vrrp_state_master_rx(),
     * garp_lower_prio_repeat), so caches a transient second master moved come back.
     */
    public record Announce(List<Announcement> addresses) implements Command {
        public Announce {
            addresses = List.copyOf(addresses);
        }
    }

    /** One address to announce on one port. */
    public record Announcement(int port, int ipv4) {
    }

    public record GetStats(ActorRef<Stats> replyTo) implements Command {
    }

    /** ARP frames by {@link ArpResponder} reason, and the neighbour table's figures. */
    public record Stats(long[] reasons, int neighbours, long probesSent, long resolutionsFailed) {
        public long count(int reason) {
            return reasons[reason];
        }
    }

    private ArpActor() {
    }

    private static OwnedAddresses union(List<Announcement> a, List<Announcement> b) {
        OwnedAddresses.Builder owned = OwnedAddresses.builder();
        a.forEach(x -> owned.add(x.port(), x.ipv4()));
        b.forEach(x -> owned.add(x.port(), x.ipv4()));
        return owned.build();
    }

    /**
     * @param fixed the addresses this director always answers for, announced once at start (all
     *              owned addresses when no VRRP instance moves them)
     */
    public static Behavior<Command> create(List<Port> ports, NeighbourTable neighbours, Injector injector,
            Duration tick, List<Announcement> fixed) {
        Behavior<Command> arp = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, tick);
            ActorRef<Command> self = ctx.getSelf();
            neighbours.onRequest(() -> self.tell(Tick.INSTANCE));
            ArpResponder responder = new ArpResponder(ports, neighbours);
            GratuitousArp garp = new GratuitousArp();
            UnsafeBuffer view = new UnsafeBuffer(0, 0);
            List<Announcement> moving = new ArrayList<>();
            responder.ownedAddresses(union(fixed, moving));
            for (Announcement a : fixed) {
                garp.announce(ports.get(a.port()), a.ipv4(), GratuitousArp.KEEPALIVED_REPEAT, injector);
            }
            return Behaviors.receive(Command.class)
                    .onMessage(ArpFrame.class, m -> {
                        view.wrap(m.frame());
                        responder.onFrame(m.port(), view, 0, m.frame().length, m.timestampNanos(), injector);
                        return Behaviors.same();
                    })
                    .onMessage(Tick.class, m -> {
                        neighbours.tick(System.nanoTime(), injector);
                        return Behaviors.same();
                    })
                    .onMessage(Own.class, m -> {
                        responder.ownedAddresses(union(fixed, m.addresses()));
                        for (Announcement a : m.addresses()) {
                            if (!moving.contains(a)) {
                                garp.announce(ports.get(a.port()), a.ipv4(), GratuitousArp.KEEPALIVED_REPEAT, injector);
                            }
                        }
                        moving.clear();
                        moving.addAll(m.addresses());
                        return Behaviors.same();
                    })
                    .onMessage(Announce.class, m -> {
                        for (Announcement a : m.addresses()) {
                            if (moving.contains(a)) {
                                garp.announce(ports.get(a.port()), a.ipv4(), GratuitousArp.KEEPALIVED_REPEAT, injector);
                            }
                        }
                        return Behaviors.same();
                    })
                    .onMessage(GetStats.class, m -> {
                        long[] reasons = new long[ArpResponder.REASONS];
                        for (int r = 0; r < reasons.length; r++) {
                            reasons[r] = responder.count(r);
                        }
                        m.replyTo().tell(new Stats(reasons, neighbours.size(), neighbours.probesSent(),
                                neighbours.resolutionsFailed()));
                        return Behaviors.same();
                    })
                    .build();
        }));
        return Behaviors.supervise(arp).onFailure(SupervisorStrategy.resume());
    }
}
