package org.actorvs.sched;

import java.util.List;

import org.actorvs.service.Destination;

/**
 * dh, sh and mh: a table of destinations rebuilt on every list change and looked up by a hash of the
 * flow. With fallback (sh-fallback, mh-fallback) an unusable owner leads to further slots, computed by
 * adding a growing offset to the key as ip_vs_sh_get_fallback() and ip_vs_mh_get_fallback() do, until
 * a usable owner or an empty slot.
 *
 * <p>Lookups also refuse destinations no longer AVAILABLE. dh does so in the kernel too; sh and mh rely
 * on the rebuild after a removal, which only differs while a removal races with a lookup.
 */
abstract class HashTableScheduler implements Scheduler {
    private final String name;
    private final boolean fallback;
    private volatile Destination[] table;

    HashTableScheduler(final String name, final boolean fallback) {
        this.name = name;
        this.fallback = fallback;
    }

    /** The table for a destination list in kernel order. */
    abstract Destination[] build(Destination[] dests);

    /** The slot of the flow's key with {@code offset} added the scheduler's way; offset 0 is the primary slot. */
    abstract int slot(Flow flow, int offset);

    @Override
    public Destination schedule(final Flow flow) {
        final Destination[] current = table;
        final int ihash = slot(flow, 0);
        Destination dest = current[ihash];
        if (dest == null) {
            return null;
        }
        if (usable(dest)) {
            return dest;
        }
        if (!fallback) {
            return null;
        }
        for (int offset = 0; offset < current.length; offset++) {
            dest = current[slot(flow, (offset + ihash) % current.length)];
            if (dest == null) {
                break;
            }
            if (usable(dest)) {
                return dest;
            }
        }
        return null;
    }

    private static boolean usable(final Destination dest) {
        return Selection.usable(dest) && dest.available();
    }

    @Override
    public void update(final List<Destination> destinations) {
        table = build(Selection.snapshot(destinations));
    }

    @Override
    public final String name() {
        return name;
    }

    /** A copy of the current table, for inspection. */
    final Destination[] table() {
        return table.clone();
    }
}
