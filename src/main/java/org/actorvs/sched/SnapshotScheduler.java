package org.actorvs.sched;

import java.util.List;

import org.actorvs.service.Destination;

/**
 * A scheduler with no update hook of its own: it reads the destination list through an immutable
 * snapshot, replaced on every change (the kernel's RCU-protected list).
 */
abstract class SnapshotScheduler implements Scheduler {
    private final String name;
    protected volatile Destination[] destinations;

    SnapshotScheduler(final String name, final List<Destination> initial) {
        this.name = name;
        this.destinations = Selection.snapshot(initial);
    }

    @Override
    public void update(final List<Destination> newDestinations) {
        destinations = Selection.snapshot(newDestinations);
    }

    @Override
    public final String name() {
        return name;
    }
}
