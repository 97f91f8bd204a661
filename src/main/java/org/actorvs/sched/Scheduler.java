package org.actorvs.sched;

import java.util.List;

import org.actorvs.service.Destination;

/**
 * One IPVS scheduling algorithm bound to one virtual service.
 *
 * <p>{@link #schedule} is called from several shard threads at once and allocates nothing; schedulers
 * with state (rr/wrr cursors, lblc/lblcr maps) guard it as the kernel does with its sched lock, the
 * others read an immutable snapshot that {@link #update} replaces (the kernel's RCU list).
 */
public interface Scheduler {
    /**
     * Picks the destination for a new connection, or null when none is eligible (the kernel's
     * "no destination available": the client then gets ICMP port unreachable unless bypass applies).
     */
    Destination schedule(Flow flow);

    /**
     * The service's destination list changed (add, edit or remove): the kernel's add_dest / del_dest /
     * upd_dest hooks. {@code destinations} is the whole new list in kernel order, most recently added
     * first; the scheduler copies it.
     */
    void update(List<Destination> destinations);

    /** The ipvsadm name: rr, wrr, lc, ... */
    String name();
}
