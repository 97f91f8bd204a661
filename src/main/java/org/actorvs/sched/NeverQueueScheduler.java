package org.actorvs.sched;

import java.util.List;

import org.actorvs.service.Destination;

/**
 * nq: the first usable destination with no active connection, otherwise as sed (ip_vs_nq_schedule()).
 */
final class NeverQueueScheduler extends SnapshotScheduler {
    NeverQueueScheduler(final List<Destination> initial) {
        super("nq", initial);
    }

    @Override
    public Destination schedule(final Flow flow) {
        Destination least = null;
        long loh = 0;
        for (final Destination dest : destinations) {
            if (dest.overloaded() || dest.weight() == 0) {
                continue;
            }
            final long doh = Selection.overhead(dest, true);
            if (dest.activeConns() == 0) {
                return dest;
            }
            if (least == null || loh * dest.weight() > doh * least.weight()) {
                least = dest;
                loh = doh;
            }
        }
        return least;
    }
}
