package org.actorvs.sched;

import java.util.List;
import java.util.function.LongSupplier;

import org.actorvs.service.Destination;

/**
 * What lblc and lblcr share: a table keyed by the packet's destination address, its timer, and the
 * lock that guards both (the kernel reads its table under RCU and takes svc->sched_lock to change it).
 */
abstract class LocalityScheduler<T extends LocalityTable> extends SnapshotScheduler {
    protected final T table;
    private final LongSupplier nanoClock;

    LocalityScheduler(final String name, final List<Destination> initial, final LongSupplier nanoClock,
                      final T table) {
        super(name, initial);
        this.nanoClock = nanoClock;
        this.table = table;
    }

    /**
     * Schedules with the table entry of the flow's destination address already looked up and touched.
     *
     * @param entry the entry, or LocalityTable.NIL
     */
    abstract Destination schedule(Flow flow, int entry, Destination[] dests, long now);

    @Override
    public final synchronized Destination schedule(final Flow flow) {
        final long now = nanoClock.getAsLong();
        table.runTimer(now);
        final int entry = table.find(flow.af, flow.dstHi, flow.dstLo);
        if (entry != LocalityTable.NIL) {
            table.touch(entry, now);
        }
        return schedule(flow, entry, destinations, now);
    }

    /** Address entries currently held. */
    final synchronized int mappings() {
        return table.size();
    }

    /**
     * is_overloaded() of lblc and lblcr: more active connections than weight while some destination of
     * the service has fewer than half its weight.
     */
    static boolean lblcOverloaded(final Destination dest, final Destination[] dests) {
        if (dest.activeConns() > dest.weight()) {
            for (final Destination other : dests) {
                if ((long) other.activeConns() * 2 < other.weight()) {
                    return true;
                }
            }
        }
        return false;
    }
}
