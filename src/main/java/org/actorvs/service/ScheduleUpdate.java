package org.actorvs.service;

/**
 * What a SchedulerActor publishes to every packet shard: the new immutable {@link Schedule} of its
 * service, or {@code schedule == null} when the service is gone. Shards rebuild their
 * {@link ServiceTable} from the latest update of every service.
 */
public record ScheduleUpdate(ServiceKey key, Schedule schedule) {
}
