package org.actorvs.sched;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

import org.actorvs.service.Destination;

/**
 * lblc: remembers one destination per packet destination address (a cache server per origin) and keeps
 * using it while it is available, has weight and is not lblc-overloaded; otherwise picks by wlc and
 * remaps (ip_vs_lblc_schedule()).
 *
 * <p>As in the kernel, a mapped destination is kept even while its threshold OVERLOAD flag is set; only
 * new mappings (wlc) skip OVERLOADED destinations.
 */
final class LocalityBasedLeastConnectionScheduler
    extends LocalityScheduler<LocalityBasedLeastConnectionScheduler.Table> {

    LocalityBasedLeastConnectionScheduler(final List<Destination> initial) {
        this(initial, System::nanoTime, LocalityTable.DEFAULT_EXPIRATION);
    }

    /**
     * @param nanoClock  the time source (nanoseconds, as System.nanoTime)
     * @param expiration how long an unused mapping survives the half-hourly full check (lblc_expiration)
     */
    LocalityBasedLeastConnectionScheduler(final List<Destination> initial, final LongSupplier nanoClock,
                                          final long expiration) {
        super("lblc", initial, nanoClock, new Table(nanoClock.getAsLong(), expiration));
    }

    @Override
    Destination schedule(final Flow flow, final int entry, final Destination[] dests, final long now) {
        if (entry != LocalityTable.NIL) {
            final Destination mapped = table.dest[entry];
            if (mapped.available() && mapped.weight() > 0 && !lblcOverloaded(mapped, dests)) {
                return mapped;
            }
        }
        final Destination dest = Selection.weightedLeast(dests, false);
        if (dest == null) {
            return null;
        }
        // ip_vs_lblc_new(): an entry already naming this destination stays; another is replaced.
        if (entry != LocalityTable.NIL) {
            if (table.dest[entry] == dest) {
                return dest;
            }
            table.delete(entry);
        }
        final int created = table.insert(flow.af, flow.dstHi, flow.dstLo, now);
        table.dest[created] = dest;
        return dest;
    }

    /** The destination mapped for an address, or null. */
    synchronized Destination mapped(final int af, final long hi, final long lo) {
        final int entry = table.find(af, hi, lo);
        return entry == LocalityTable.NIL ? null : table.dest[entry];
    }

    static final class Table extends LocalityTable {
        Destination[] dest = new Destination[INITIAL_CAPACITY];

        Table(final long now, final long expiration) {
            super(now, expiration);
        }

        @Override
        void growPayload(final int capacity) {
            dest = Arrays.copyOf(dest, capacity);
        }

        @Override
        void clearPayload(final int entry) {
            dest[entry] = null;
        }
    }
}
