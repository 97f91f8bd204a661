package org.actorvs.sched;

import java.util.List;

import org.actorvs.service.Destination;

/** Pieces several kernel schedulers share. */
final class Selection {
    static final Destination[] NONE = new Destination[0];

    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_SCTP = 132;

    private Selection() {
    }

    static Destination[] snapshot(final List<Destination> destinations) {
        return destinations.isEmpty() ? NONE : destinations.toArray(NONE);
    }

    /** The common eligibility rule: weight above 0 and not OVERLOADED. */
    static boolean usable(final Destination dest) {
        return dest.weight() > 0 && !dest.overloaded();
    }

    /**
     * Weighted least connections: the first usable destination, then any later one that is not
     * OVERLOADED and whose overhead/weight is strictly lower, compared as 64-bit cross products
     * (ip_vs_wlc_schedule(); also __ip_vs_lblc_schedule() and __ip_vs_lblcr_schedule()). With
     * {@code expectedDelay} the overhead is activeconns + 1 (ip_vs_sed_schedule()).
     */
    static Destination weightedLeast(final Destination[] dests, final boolean expectedDelay) {
        final int n = dests.length;
        int i = 0;
        while (i < n && !usable(dests[i])) {
            i++;
        }
        if (i == n) {
            return null;
        }
        Destination least = dests[i];
        long loh = overhead(least, expectedDelay);
        for (i++; i < n; i++) {
            final Destination dest = dests[i];
            if (dest.overloaded()) {
                continue;
            }
            final long doh = overhead(dest, expectedDelay);
            if (loh * dest.weight() > doh * least.weight()) {
                least = dest;
                loh = doh;
            }
        }
        return least;
    }

    static long overhead(final Destination dest, final boolean expectedDelay) {
        return expectedDelay ? dest.activeConns() + 1L : dest.connOverhead();
    }

    /** The source port sh-port and mh-port add to the key: only TCP, UDP and SCTP have one. */
    static int hashPort(final Flow flow) {
        final int protocol = flow.protocol;
        return protocol == IPPROTO_TCP || protocol == IPPROTO_UDP || protocol == IPPROTO_SCTP ? flow.srcPort : 0;
    }
}
