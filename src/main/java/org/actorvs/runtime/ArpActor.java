package org.actorvs.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.actorvs.forward.Port;
import org.actorvs.io.ArpResponder;
import org.actorvs.io.GratuitousArp;
import org.actorvs.io.Injector;
import org.actorvs.io.NdpResponder;
import org.actorvs.io.NeighbourTable;
import org.actorvs.io.OwnedAddresses;
import org.actorvs.io.UnsolicitedAdvertisement;
import org.actorvs.packet.EthernetFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The director's link layer: answers ARP and IPv6 neighbour solicitations for the addresses it
 * owns, announces them with gratuitous ARP or unsolicited neighbour advertisements when it takes
 * them, and runs the neighbour table's resolution timers (ARP and neighbour discovery). The shards read the
 * neighbour table lock-free; only this actor writes it.
 */
public final class ArpActor {
    public sealed interface Command permits ArpFrame, Tick, Own, Announce, GetStats {
    }

    /**
     * An ARP frame, or an IPv6 neighbour solicitation or advertisement, a capture thread received
     * (copied: they are rare, the copy is cheap).
     */
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
     * announced with gratuitous ARP, or unsolicited neighbour advertisements for IPv6 (a director
     * taking over VIPs must move the LAN's caches to its MAC at once). An empty list releases them all.
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

    /** One address (hot-path convention: af 4 or 6, hi, lo) to own and announce on one port. */
    public record Announcement(int port, int af, long hi, long lo) {
        public Announcement {
            if (af != 4 && af != 6) {
                throw new IllegalArgumentException("address family " + af);
            }
        }

        /** An IPv4 address. */
        public Announcement(int port, int ipv4) {
            this(port, 4, 0, ipv4 & 0xFFFF_FFFFL);
        }
    }

    public record GetStats(ActorRef<Stats> replyTo) implements Command {
    }

    /**
     * ARP frames by {@link ArpResponder} reason, neighbour discovery frames by {@link NdpResponder}
     * reason, and the neighbour table's figures.
     */
    public record Stats(long[] reasons, int neighbours, long probesSent, long resolutionsFailed, long[] ndpReasons) {
        public long count(int reason) {
            return reasons[reason];
        }
    }

    private ArpActor() {
    }

    private static OwnedAddresses union(List<Announcement> a, List<Announcement> b) {
        OwnedAddresses.Builder owned = OwnedAddresses.builder();
        a.forEach(x -> owned.add(x.port(), x.af(), x.hi(), x.lo()));
        b.forEach(x -> owned.add(x.port(), x.af(), x.hi(), x.lo()));
        return owned.build();
    }

    /** Gratuitous ARP for IPv4, unsolicited neighbour advertisements for IPv6, as many as keepalived sends. */
    private record Announcer(List<Port> ports, GratuitousArp garp, UnsolicitedAdvertisement una, Injector out) {
        void announce(Announcement a) {
            Port port = ports.get(a.port());
            if (a.af() == 4) {
                garp.announce(port, (int) a.lo(), GratuitousArp.KEEPALIVED_REPEAT, out);
            } else {
                una.announce(port, a.hi(), a.lo(), GratuitousArp.KEEPALIVED_REPEAT, out);
            }
        }
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
            NdpResponder ndp = new NdpResponder(ports, neighbours);
            Announcer announcer = new Announcer(ports, new GratuitousArp(), new UnsolicitedAdvertisement(), injector);
            UnsafeBuffer view = new UnsafeBuffer(0, 0);
            List<Announcement> moving = new ArrayList<>();
            OwnedAddresses initial = union(fixed, moving);
            responder.ownedAddresses(initial);
            ndp.ownedAddresses(initial);
            fixed.forEach(announcer::announce);
            return Behaviors.receive(Command.class)
                    .onMessage(ArpFrame.class, m -> {
                        view.wrap(m.frame());
                        int length = m.frame().length;
                        if (length >= EthernetFlyweight.HEADER_LENGTH
                                && EthernetFlyweight.payloadEtherType(view, 0) == EthernetFlyweight.ETHER_TYPE_IPV6) {
                            ndp.onFrame(m.port(), view, 0, length, m.timestampNanos(), injector);
                        } else {
                            responder.onFrame(m.port(), view, 0, length, m.timestampNanos(), injector);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Tick.class, m -> {
                        neighbours.tick(System.nanoTime(), injector);
                        return Behaviors.same();
                    })
                    .onMessage(Own.class, m -> {
                        OwnedAddresses owned = union(fixed, m.addresses());
                        responder.ownedAddresses(owned);
                        ndp.ownedAddresses(owned);
                        for (Announcement a : m.addresses()) {
                            if (!moving.contains(a)) {
                                announcer.announce(a);
                            }
                        }
                        moving.clear();
                        moving.addAll(m.addresses());
                        return Behaviors.same();
                    })
                    .onMessage(Announce.class, m -> {
                        for (Announcement a : m.addresses()) {
                            if (moving.contains(a)) {
                                announcer.announce(a);
                            }
                        }
                        return Behaviors.same();
                    })
                    .onMessage(GetStats.class, m -> {
                        long[] reasons = new long[ArpResponder.REASONS];
                        for (int r = 0; r < reasons.length; r++) {
                            reasons[r] = responder.count(r);
                        }
                        long[] ndpReasons = new long[NdpResponder.REASONS];
                        for (int r = 0; r < ndpReasons.length; r++) {
                            ndpReasons[r] = ndp.count(r);
                        }
                        m.replyTo().tell(new Stats(reasons, neighbours.size(), neighbours.probesSent(),
                                neighbours.resolutionsFailed(), ndpReasons));
                        return Behaviors.same();
                    })
                    .build();
        }));
        return Behaviors.supervise(arp).onFailure(SupervisorStrategy.resume());
    }
}
