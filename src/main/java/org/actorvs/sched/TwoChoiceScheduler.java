package org.actorvs.sched;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

import org.actorvs.service.Destination;

/**
 * twos, power of two choices: two weighted random picks among usable destinations, keeping the one with
 * the lower overhead/weight (ip_vs_twos_schedule()).
 */
final class TwoChoiceScheduler extends SnapshotScheduler {
    private final IntSupplier random;

    TwoChoiceScheduler(final List<Destination> initial) {
        this(initial, () -> ThreadLocalRandom.current().nextInt());
    }

    /** @param random 32 random bits per call, the kernel's prandom_u32(); called from shard threads */
    TwoChoiceScheduler(final List<Destination> initial, final IntSupplier random) {
        super("twos", initial);
        this.random = random;
    }

    @Override
    public Destination schedule(final Flow flow) {
        final Destination[] dests = destinations;
        Destination choice1 = null;
        int totalWeight = 0;
        for (final Destination dest : dests) {
            if (Selection.usable(dest)) {
                totalWeight += dest.weight();
                choice1 = dest;
            }
        }
        if (choice1 == null) {
            return null;
        }
        // The kernel adds 1 so that both random weights lie in [0, total] inclusive.
        totalWeight += 1;
        int rweight1 = Integer.remainderUnsigned(random.getAsInt(), totalWeight);
        int rweight2 = Integer.remainderUnsigned(random.getAsInt(), totalWeight);

        Destination choice2 = null;
        int weight1 = -1;
        int weight2 = -1;
        int overhead1 = 0;
        int overhead2 = 0;
        for (final Destination dest : dests) {
            final int weight = dest.weight();
            if (dest.overloaded() || weight <= 0) {
                continue;
            }
            rweight1 -= weight;
            rweight2 -= weight;
            if (rweight1 <= 0 && weight1 == -1) {
                choice1 = dest;
                weight1 = weight;
                overhead1 = dest.connOverhead();
            }
            if (rweight2 <= 0 && weight2 == -1) {
                choice2 = dest;
                weight2 = weight;
                overhead2 = dest.connOverhead();
            }
            if (weight1 != -1 && weight2 != -1) {
                break;
            }
        }
        // 32-bit products, as the kernel's int arithmetic.
        if (choice2 != null && weight2 * overhead1 > weight1 * overhead2) {
            choice1 = choice2;
        }
        return choice1;
    }
}
