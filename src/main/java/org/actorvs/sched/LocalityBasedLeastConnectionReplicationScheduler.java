package org.actorvs.sched;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

import org.actorvs.service.Destination;

/**
 * lblcr: like lblc, but each packet destination address maps to a set of destinations (a hot origin
 * gets replicated onto several caches). The least loaded usable member serves; when none does, or it is
 * lblc-overloaded, wlc picks a destination that joins the set; a set unchanged for lblcr_expiration
 * drops its most loaded member (ip_vs_lblcr_schedule()).
 */
final class LocalityBasedLeastConnectionReplicationScheduler
    extends LocalityScheduler<LocalityBasedLeastConnectionReplicationScheduler.Table> {
    private final long expiration;

    LocalityBasedLeastConnectionReplicationScheduler(final List<Destination> initial) {
        this(initial, System::nanoTime, LocalityTable.DEFAULT_EXPIRATION);
    }

    /**
     * @param nanoClock  the time source (nanoseconds, as System.nanoTime)
     * @param expiration lblcr_expiration: how long a set stays unchanged before shrinking, and how long
     *                   an unused mapping survives the half-hourly full check
     */
    LocalityBasedLeastConnectionReplicationScheduler(final List<Destination> initial,
                                                     final LongSupplier nanoClock, final long expiration) {
        super("lblcr", initial, nanoClock, new Table(nanoClock.getAsLong(), expiration));
        this.expiration = expiration;
    }

    @Override
    Destination schedule(final Flow flow, final int entry, final Destination[] dests, final long now) {
        if (entry != LocalityTable.NIL) {
            final Destination least = table.setMin(entry);
            if (table.setSize[entry] > 1 && now - (table.setLastMod[entry] + expiration) > 0) {
                final Destination most = table.setMax(entry);
                if (most != null) {
                    table.setErase(entry, most, now);
                }
            }
            if (least != null && !lblcOverloaded(least, dests)) {
                return least;
            }
            final Destination dest = Selection.weightedLeast(dests, false);
            if (dest != null) {
                table.setInsert(entry, dest, true, now);
            }
            return dest;
        }
        final Destination dest = Selection.weightedLeast(dests, false);
        if (dest != null) {
            final int created = table.insert(flow.af, flow.dstHi, flow.dstLo, now);
            table.setInsert(created, dest, false, now);
        }
        return dest;
    }

    /** The members of the set mapped for an address, most recently added first; empty if unmapped. */
    synchronized Destination[] members(final int af, final long hi, final long lo) {
        final int entry = table.find(af, hi, lo);
        if (entry == LocalityTable.NIL) {
            return Selection.NONE;
        }
        final Destination[] result = new Destination[table.setSize[entry]];
        int i = 0;
        for (int e = table.setHead[entry]; e != LocalityTable.NIL; e = table.elemNext[e]) {
            result[i++] = table.elemDest[e];
        }
        return result;
    }

    /** The address table plus, per entry, a destination set as a chain of pooled elements. */
    static final class Table extends LocalityTable {
        int[] setHead = new int[INITIAL_CAPACITY];
        int[] setSize = new int[INITIAL_CAPACITY];
        long[] setLastMod = new long[INITIAL_CAPACITY];
        Destination[] elemDest = new Destination[INITIAL_CAPACITY];
        int[] elemNext = new int[INITIAL_CAPACITY];
        private int elemFree = NIL;
        private int elemHighWater;

        Table(final long now, final long expiration) {
            super(now, expiration);
        }

        @Override
        void growPayload(final int capacity) {
            setHead = Arrays.copyOf(setHead, capacity);
            setSize = Arrays.copyOf(setSize, capacity);
            setLastMod = Arrays.copyOf(setLastMod, capacity);
        }

        /** ip_vs_lblcr_free() → ip_vs_dest_set_eraseall(). */
        @Override
        void clearPayload(final int entry) {
            int e = setHead[entry];
            while (e != NIL) {
                final int following = elemNext[e];
                freeElem(e);
                e = following;
            }
            setHead[entry] = NIL;
            setSize[entry] = 0;
        }

        /**
         * ip_vs_dest_set_insert(): adds at the head of the set and stamps the set modified; with
         * {@code check} a destination already in the set is left alone, stamp included.
         */
        void setInsert(final int entry, final Destination dest, final boolean check, final long now) {
            if (!check) {
                setHead[entry] = NIL;
                setSize[entry] = 0;
            } else {
                for (int e = setHead[entry]; e != NIL; e = elemNext[e]) {
                    if (elemDest[e] == dest) {
                        return;
                    }
                }
            }
            final int e = allocateElem();
            elemDest[e] = dest;
            elemNext[e] = setHead[entry];
            setHead[entry] = e;
            setSize[entry]++;
            setLastMod[entry] = now;
        }

        /** ip_vs_dest_set_erase(). */
        void setErase(final int entry, final Destination dest, final long now) {
            int prev = NIL;
            for (int e = setHead[entry]; e != NIL; prev = e, e = elemNext[e]) {
                if (elemDest[e] == dest) {
                    if (prev == NIL) {
                        setHead[entry] = elemNext[e];
                    } else {
                        elemNext[prev] = elemNext[e];
                    }
                    setSize[entry]--;
                    setLastMod[entry] = now;
                    freeElem(e);
                    return;
                }
            }
        }

        /**
         * ip_vs_dest_set_min(): the weighted least-connection member among those not OVERLOADED, the
         * first having weight and being available, later ones having to be available to win.
         */
        Destination setMin(final int entry) {
            int e = setHead[entry];
            Destination least = null;
            for (; e != NIL; e = elemNext[e]) {
                final Destination dest = elemDest[e];
                if (!dest.overloaded() && dest.weight() > 0 && dest.available()) {
                    least = dest;
                    break;
                }
            }
            if (least == null) {
                return null;
            }
            long loh = least.connOverhead();
            for (e = elemNext[e]; e != NIL; e = elemNext[e]) {
                final Destination dest = elemDest[e];
                if (dest.overloaded()) {
                    continue;
                }
                final long doh = dest.connOverhead();
                if (loh * dest.weight() > doh * least.weight() && dest.available()) {
                    least = dest;
                    loh = doh;
                }
            }
            return least;
        }

        /** ip_vs_dest_set_max(): the weighted most-connection member with weight (flags not looked at). */
        Destination setMax(final int entry) {
            int e = setHead[entry];
            Destination most = null;
            for (; e != NIL; e = elemNext[e]) {
                if (elemDest[e].weight() > 0) {
                    most = elemDest[e];
                    break;
                }
            }
            if (most == null) {
                return null;
            }
            long moh = most.connOverhead();
            for (e = elemNext[e]; e != NIL; e = elemNext[e]) {
                final Destination dest = elemDest[e];
                final long doh = dest.connOverhead();
                if (moh * dest.weight() < doh * most.weight() && dest.weight() > 0) {
                    most = dest;
                    moh = doh;
                }
            }
            return most;
        }

        private int allocateElem() {
            if (elemFree != NIL) {
                final int e = elemFree;
                elemFree = elemNext[e];
                return e;
            }
            if (elemHighWater == elemNext.length) {
                final int capacity = elemNext.length * 2;
                elemNext = Arrays.copyOf(elemNext, capacity);
                elemDest = Arrays.copyOf(elemDest, capacity);
            }
            return elemHighWater++;
        }

        private void freeElem(final int e) {
            elemDest[e] = null;
            elemNext[e] = elemFree;
            elemFree = e;
        }
    }
}
