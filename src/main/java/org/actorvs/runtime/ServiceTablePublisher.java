package org.actorvs.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.actorvs.forward.Port;
import org.actorvs.service.Schedule;
import org.actorvs.service.ScheduleUpdate;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceTable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Folds the schedules every SchedulerActor publishes into one {@link ServiceTable} and hands it to
 * every packet shard, so the table is built once per change rather than once per shard. Also keeps
 * the dispatchers' view of the service-side addresses current: that view is updated after the shards
 * were told, so whoever sees it knows the shards' mailboxes hold the new table first.
 *
 * <p>Its protocol is the single message scheduler actors publish, {@link ScheduleUpdate}.
 */
public final class ServiceTablePublisher {
    private ServiceTablePublisher() {
    }

    public static Behavior<ScheduleUpdate> create(List<ActorRef<PacketShard.Command>> shards, List<Port> ports,
            AtomicReference<ServiceAddresses> addresses, AtomicReference<Map<ServiceKey, Schedule>> published) {
        Map<ServiceKey, Schedule> schedules = new LinkedHashMap<>();
        return Behaviors.receive(ScheduleUpdate.class)
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
                .build();
    }
}
