package org.actorvs.sched;

import java.util.List;

import org.actorvs.service.Destination;

/** lc: the lowest overhead among usable destinations; the first one wins ties (ip_vs_lc_schedule()). */
final class LeastConnectionScheduler extends SnapshotScheduler {
    LeastConnectionScheduler(final List<Destination> initial) {
        super("lc", initial);
    }

    @Override
    public Destination schedule(final Flow flow) {
        Destination least = null;
        int loh = 0;
        for (final Destination dest : destinations) {
            if (dest.overloaded() || dest.weight() == 0) {
                continue;
            }
            final int doh = dest.connOverhead();
            // The kernel compares unsigned ints.
            if (least == null || Integer.compareUnsigned(doh, loh) < 0) {
                least = dest;
                loh = doh;
            }
        }
        return least;
    }
}
