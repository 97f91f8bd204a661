package org.actorvs.sched;

import java.util.List;

import org.actorvs.service.Destination;

/**
 * fo and ovf: the usable destination with the highest weight, the first one winning ties
 * (ip_vs_fo_schedule()). ovf also passes over destinations with more active connections than their
 * weight, so traffic overflows to the next one only when the first is full (ip_vs_ovf_schedule());
 * inactive connections are not counted, which is why the kernel warns ovf suits TCP better than UDP.
 */
final class HighestWeightScheduler extends SnapshotScheduler {
    private final boolean overflow;

    HighestWeightScheduler(final List<Destination> initial, final boolean overflow) {
        super(overflow ? "ovf" : "fo", initial);
        this.overflow = overflow;
    }

    @Override
    public Destination schedule(final Flow flow) {
        Destination highest = null;
        int hw = 0;
        for (final Destination dest : destinations) {
            final int weight = dest.weight();
            if (weight > hw && !dest.overloaded() && !(overflow && dest.activeConns() > weight)) {
                highest = dest;
                hw = weight;
            }
        }
        return highest;
    }
}
