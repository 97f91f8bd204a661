package org.actorvs.sched;

import java.util.List;

import org.actorvs.service.Destination;

/**
 * wlc (ipvsadm's default) and sed: the lowest overhead/weight (ip_vs_wlc_schedule()); sed counts
 * activeconns + 1 as overhead, so that an idle fast server beats an idle slow one
 * (ip_vs_sed_schedule()).
 */
final class WeightedLeastConnectionScheduler extends SnapshotScheduler {
    private final boolean expectedDelay;

    WeightedLeastConnectionScheduler(final List<Destination> initial, final boolean expectedDelay) {
        super(expectedDelay ? "sed" : "wlc", initial);
        this.expectedDelay = expectedDelay;
    }

    @Override
    public Destination schedule(final Flow flow) {
        return Selection.weightedLeast(destinations, expectedDelay);
    }
}
