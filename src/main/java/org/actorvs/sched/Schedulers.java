package org.actorvs.sched;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import org.actorvs.service.Destination;

/** Creates schedulers by their ipvsadm names. */
public final class Schedulers {
    /** IP_VS_SVC_F_SCHED1: sh-fallback / mh-fallback. */
    public static final int SCHED1 = 0x0008;
    /** IP_VS_SVC_F_SCHED2: sh-port / mh-port. */
    public static final int SCHED2 = 0x0010;
    /** IP_VS_SVC_F_SCHED3: unused by the current schedulers. */
    public static final int SCHED3 = 0x0020;
    /** The scheduler bits of the service flags. */
    public static final int SCHED_FLAGS_MASK = SCHED1 | SCHED2 | SCHED3;

    public static final int SH_FALLBACK = SCHED1;
    public static final int SH_PORT = SCHED2;
    public static final int MH_FALLBACK = SCHED1;
    public static final int MH_PORT = SCHED2;

    private static final Map<String, BiFunction<Integer, List<Destination>, Scheduler>> FACTORIES = factories();

    private Schedulers() {
    }

    private static Map<String, BiFunction<Integer, List<Destination>, Scheduler>> factories() {
        final Map<String, BiFunction<Integer, List<Destination>, Scheduler>> map = new LinkedHashMap<>();
        map.put("rr", (flags, dests) -> new RoundRobinScheduler(dests));
        map.put("wrr", (flags, dests) -> new WeightedRoundRobinScheduler(dests));
        map.put("lc", (flags, dests) -> new LeastConnectionScheduler(dests));
        map.put("wlc", (flags, dests) -> new WeightedLeastConnectionScheduler(dests, false));
        map.put("sed", (flags, dests) -> new WeightedLeastConnectionScheduler(dests, true));
        map.put("nq", (flags, dests) -> new NeverQueueScheduler(dests));
        map.put("dh", (flags, dests) -> new DestinationHashingScheduler(dests));
        map.put("sh", SourceHashingScheduler::new);
        map.put("lblc", (flags, dests) -> new LocalityBasedLeastConnectionScheduler(dests));
        map.put("lblcr", (flags, dests) -> new LocalityBasedLeastConnectionReplicationScheduler(dests));
        map.put("mh", MaglevHashingScheduler::new);
        map.put("fo", (flags, dests) -> new HighestWeightScheduler(dests, false));
        map.put("ovf", (flags, dests) -> new HighestWeightScheduler(dests, true));
        map.put("twos", (flags, dests) -> new TwoChoiceScheduler(dests));
        return Collections.unmodifiableMap(map);
    }

    /**
     * A scheduler bound to a service whose destinations are {@code initial} (kernel order, most
     * recently added first), as the scheduler's init_service hook sees them.
     *
     * @param schedFlags the service flags; only the SCHED1..3 bits are read
     * @throws IllegalArgumentException for an unknown name, or a destination list mh cannot hold
     */
    public static Scheduler create(final String name, final int schedFlags, final List<Destination> initial) {
        final BiFunction<Integer, List<Destination>, Scheduler> factory = FACTORIES.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown scheduler '" + name + "'; valid schedulers: "
                + String.join(", ", FACTORIES.keySet()));
        }
        return factory.apply(schedFlags & SCHED_FLAGS_MASK, initial);
    }

    /** The scheduler names, in a fixed order. */
    public static Set<String> names() {
        return FACTORIES.keySet();
    }
}
