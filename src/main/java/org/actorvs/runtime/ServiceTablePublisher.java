package org.actorvs.runtime;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

import org.actorvs.forward.Port;
import org.actorvs.service.Schedule;
import org.actorvs.service.ScheduleUpdate;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceTable;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Folds the schedules every SchedulerActor publishes into one {@link ServiceTable} and hands it to
 * every packet shard, so the table is built once per change rather than once per shard. Also keeps
 * the dispatchers' view of the service-side addresses current: that view is updated after the shards
 * were told, so whoever sees it knows the shards' mailboxes hold the new table first.
 *
 * <p>Its protocol is the {@link ScheduleUpdate} scheduler actors publish, which is the service
 * package's and so cannot share an interface with this package's {@link Barrier}: the behaviour takes
 * both as {@code Object}, and scheduler actors are given its reference narrowed to
 * {@code ScheduleUpdate}.
 */
public final class ServiceTablePublisher {
    private ServiceTablePublisher() {
    }

    /**
     * Relayed to {@code shard} behind every table sent to it before, so the shard's answer to
     * {@code replyTo} ({@link PacketShard.Barrier}) says it holds the tables of every update this
     * publisher had received before the barrier.
     */
    public record Barrier(ActorRef<PacketShard.Command> shard, ActorRef<Done> replyTo) {
    }

    public static Behavior<Object> create(List<ActorRef<PacketShard.Command>> shards, List<Port> ports,
            AtomicReference<ServiceAddresses> addresses, AtomicReference<Map<ServiceKey, Schedule>> published) {
        Map<ServiceKey, Schedule> schedules = new LinkedHashMap<>();
        return Behaviors.receive(Object.class)
                .onMessage(ScheduleUpdate.class, u -> {
                    if (u.schedule() == null) {
                        schedules.remove(u.key());
                    } else {
                        schedules.put(u.key(), u.schedule());
                    }
                    ServiceTable table = new ServiceTable(List.copyOf(schedules.values()));
                    for (ActorRef<PacketShard.Command> s : shards) {
                        s.tell(new PacketShard.ServicesChanged(table));
                    }
                    addresses.set(ServiceAddresses.of(table, ports));
                    published.set(Map.copyOf(schedules));
                    return Behaviors.same();
                })
                .onMessage(Barrier.class, b -> {
                    b.shard().tell(new PacketShard.Barrier(b.replyTo()));
                    return Behaviors.same();
                })
                .build();
    }

    /**
     * Completes once {@code shard} holds the tables of every update {@code publisher} has received so
     * far. A message sent to a local actor is in its mailbox when the send returns, so an update a
     * scheduler actor published before it answered is ahead of a barrier asked after the answer.
     *
     * @param publisher an actor of {@link #create}, as scheduler actors know it
     */
    public static CompletionStage<Done> barrier(ActorRef<ScheduleUpdate> publisher,
            ActorRef<PacketShard.Command> shard, Duration timeout, Scheduler scheduler) {
        // widening back what was narrowed from the Object protocol of create()
        ActorRef<Object> table = publisher.unsafeUpcast();
        return AskPattern.ask(table, replyTo -> new Barrier(shard, replyTo), timeout, scheduler);
    }
}
