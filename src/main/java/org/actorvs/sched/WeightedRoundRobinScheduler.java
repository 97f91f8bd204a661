package org.actorvs.sched;

import java.util.List;

import org.actorvs.service.Destination;

/**
 * wrr: passes over the list with a falling weight level cw, picking the destinations whose weight is at
 * least cw (ip_vs_wrr_schedule()). Weights {4,3,2} in list order A,B,C give A A B A B C A B C when
 * the scheduler starts with all three (ip_vs_wrr_init_svc()); a service that gets its destinations one
 * by one keeps the level each update leaves (ip_vs_wrr_dest_changed()), so its first round differs.
 * State (cursor, cw, mw, di) is shared by all shards and guarded by the scheduler's lock, as the
 * kernel's svc->sched_lock.
 */
final class WeightedRoundRobinScheduler implements Scheduler {
    private static final int HEAD = RoundRobinScheduler.HEAD;
    private static final int NO_STOP = -2;

    private Destination[] dests;
    /** Index of the last chosen destination, or HEAD. */
    private int cl = HEAD;
    /** Current weight level. */
    private int cw;
    /** Maximum weight reduced by di - 1, so that the last pass is at level 1 (see ip_vs_wrr.c). */
    private int mw;
    /** Step between levels: the gcd of the positive weights. */
    private int di;

    /** As ip_vs_wrr_init_svc(): the first pass is at the top level. */
    WeightedRoundRobinScheduler(final List<Destination> initial) {
        dests = Selection.snapshot(initial);
        di = gcdWeight(dests);
        mw = maxWeight(dests) - (di - 1);
        cw = mw;
    }

    @Override
    public synchronized Destination schedule(final Flow flow) {
        final Destination[] current = dests;
        final int n = current.length;
        if (mw == 0) {
            return null;
        }
        final int last = cl;
        int stop = NO_STOP;
        boolean lastPass = false;
        boolean restarted = false;
        int index = cl;
        while (true) {
            for (index++; index < n; index++) {
                final Destination dest = current[index];
                if (!dest.overloaded() && dest.weight() >= cw) {
                    cl = index;
                    return dest;
                }
                if (index == stop) {
                    cl = index;
                    return null;
                }
            }
            index = HEAD;
            cw -= di;
            if (cw <= 0) {
                cw = mw;
                // Either a pass at level 1 already covered every destination, or the walk began at the
                // head and its single traversal did.
                if (lastPass || last == HEAD) {
                    cl = HEAD;
                    return null;
                }
                restarted = true;
            }
            lastPass = cw <= di;
            if (lastPass && restarted && last != HEAD) {
                // The level-1 pass before the restart only saw the destinations after 'last'.
                stop = last;
            }
        }
    }

    /** As ip_vs_wrr_dest_changed(): back to the head, keeping the level when it still fits. */
    @Override
    public synchronized void update(final List<Destination> destinations) {
        dests = Selection.snapshot(destinations);
        cl = HEAD;
        di = gcdWeight(dests);
        mw = maxWeight(dests) - (di - 1);
        if (cw > mw || cw == 0) {
            cw = mw;
        } else if (di > 1) {
            cw = (cw / di) * di + 1;
        }
    }

    @Override
    public String name() {
        return "wrr";
    }

    /** ip_vs_wrr_gcd_weight(): gcd of the positive weights, 1 if there are none. */
    static int gcdWeight(final Destination[] dests) {
        int g = 0;
        for (final Destination dest : dests) {
            g = gcdWithPositive(g, dest.weight());
        }
        return g > 0 ? g : 1;
    }

    /** Folds {@code weight} into a running gcd {@code g} of positive values (0 = none yet). */
    static int gcdWithPositive(final int g, final int weight) {
        if (weight <= 0) {
            return g;
        }
        if (g == 0) {
            return weight;
        }
        int a = weight;
        int b = g;
        while (b != 0) {
            final int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private static int maxWeight(final Destination[] dests) {
        int max = 0;
        for (final Destination dest : dests) {
            max = Math.max(max, dest.weight());
        }
        return max;
    }
}
