package org.actorvs.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.actorvs.forward.TrafficCounters;
import org.actorvs.service.Destination;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceTable;

/**
 * A shard's per-destination traffic as it belongs to each {@link Destination}: the shard's
 * {@link TrafficCounters} are indexed by destination id, and the registry hands a freed id to the
 * next destination created, so the counts an id already holds are the previous destination's. When
 * a service table names a destination at an id that was another's, the counts of that moment are
 * taken as the new destination's zero. Exact, because an id is freed only once no connection refers
 * to it (nothing more is counted under it) and the new destination gets traffic only after the
 * shard was given a table that contains it. Shard thread only.
 */
final class DestinationTraffic {
    private static final int FIELDS = 5;
    private Destination[] bound = new Destination[64];
    private long[] zero = new long[64 * FIELDS];

    /** Called with every table the shard is given, before any packet is handled under it. */
    void services(ServiceTable services, TrafficCounters counters) {
        for (Schedule s : services.schedules()) {
            for (Destination d : s.destinations()) {
                int id = d.id();
                if (id >= bound.length) {
                    int size = Math.max(bound.length * 2, id + 1);
                    bound = Arrays.copyOf(bound, size);
                    zero = Arrays.copyOf(zero, size * FIELDS);
                }
                if (bound[id] != d) {
                    bound[id] = d;
                    long[] now = counts(counters, id);
                    System.arraycopy(now, 0, zero, id * FIELDS, FIELDS);
                }
            }
        }
    }

    /** Every destination this shard has been given, with what it counted for it. */
    List<ShardMetrics.Traffic> snapshot(TrafficCounters counters) {
        List<ShardMetrics.Traffic> out = new ArrayList<>();
        for (int id = 0; id < bound.length; id++) {
            if (bound[id] != null) {
                long[] c = counts(counters, id);
                int z = id * FIELDS;
                out.add(new ShardMetrics.Traffic(bound[id], c[0] - zero[z], c[1] - zero[z + 1], c[2] - zero[z + 2],
                        c[3] - zero[z + 3], c[4] - zero[z + 4]));
            }
        }
        return out;
    }

    private static long[] counts(TrafficCounters c, int id) {
        return new long[] {c.connections(id), c.inPackets(id), c.inBytes(id), c.outPackets(id), c.outBytes(id)};
    }
}
