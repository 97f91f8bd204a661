package org.actorvs.sched;

import java.util.List;

import org.actorvs.service.Destination;

/**
 * mh, Maglev hashing (ip_vs_mh.c): a 4093-slot lookup table that each destination fills along its own
 * permutation of the slots, keyed by the client (source) address. The table is built from the last
 * non-zero weights, so quiescing a destination (weight 0) does not reshuffle other clients; lookups
 * skip the quiesced destination only when mh-fallback (SCHED1) is set. mh-port (SCHED2) adds the source
 * port of TCP/UDP/SCTP packets to the key. With the kernel's fixed hash keys, a destination list gives
 * the same table as a 64-bit Linux director with CONFIG_IP_VS_MH_TAB_INDEX = 12.
 */
final class MaglevHashingScheduler extends HashTableScheduler {
    /** primes[CONFIG_IP_VS_MH_TAB_INDEX - 8] with the default index 12. */
    static final int TAB_SIZE = 4093;
    /** IP_VS_MH_TAB_BITS = CONFIG_IP_VS_MH_TAB_INDEX / 2: the weight bits a turn count may keep. */
    static final int TAB_BITS = 6;
    /** generate_hash_secret(): hash1 = {2654435761, 2654435761}, hash2 = {2654446892, 2654446892}. */
    static final long HASH1_KEY = 2654435761L;
    static final long HASH2_KEY = 2654446892L;

    private final boolean usePort;

    /**
     * @throws IllegalArgumentException with more destinations than table slots, which the kernel's
     *                                  ip_vs_mh_init_svc() refuses (EINVAL)
     */
    MaglevHashingScheduler(final int schedFlags, final List<Destination> initial) {
        super("mh", (schedFlags & Schedulers.MH_FALLBACK) != 0);
        this.usePort = (schedFlags & Schedulers.MH_PORT) != 0;
        update(initial);
    }

    /**
     * ip_vs_mh_hashkey() for the client: the fallback rehashes with the offset added to the key rather
     * than probing neighbouring slots.
     */
    @Override
    int slot(final Flow flow, final int offset) {
        final int fold = IpvsHash.addrFold(flow.af, flow.srcHi, flow.srcLo);
        final int port = usePort ? Selection.hashPort(flow) : 0;
        return hashSlot(offset + port + fold, HASH1_KEY, TAB_SIZE);
    }

    /**
     * ip_vs_mh_dest_changed(): rebuilds the table.
     *
     * @throws IllegalArgumentException with more destinations than table slots; the table is left as it
     *                                  was, as ip_vs_mh_reassign() leaves it
     */
    @Override
    public void update(final List<Destination> destinations) {
        if (destinations.size() > TAB_SIZE) {
            throw new IllegalArgumentException("mh takes at most " + TAB_SIZE + " destinations, not "
                + destinations.size());
        }
        super.update(destinations);
    }

    /** hsiphash of the key value, reduced unsigned modulo {@code modulus}, as ip_vs_mh_hashkey() callers. */
    static int hashSlot(final int value, final long key, final int modulus) {
        return Integer.remainderUnsigned(IpvsHash.hsiphash(value, key, key), modulus);
    }

    /**
     * ip_vs_mh_permutate() then ip_vs_mh_populate(): every destination with a turn count claims, sweep
     * after sweep in list order, that many next free slots of its sequence offset, offset + skip, ...
     * until all slots are taken.
     */
    @Override
    Destination[] build(final Destination[] dests) {
        final Destination[] table = new Destination[TAB_SIZE];
        final int n = dests.length;
        // Read once: a weight edited meanwhile must not leave every turn count at 0.
        final int[] lastWeights = new int[n];
        for (int j = 0; j < n; j++) {
            lastWeights[j] = dests[j].lastWeight();
        }
        final int gcd = gcdPositive(lastWeights);
        if (gcd < 1) {
            return table;
        }
        final int rshift = shiftWeight(lastWeights, gcd);
        final int[] perm = new int[n];
        final int[] skip = new int[n];
        final int[] turns = new int[n];
        for (int j = 0; j < n; j++) {
            final Destination dest = dests[j];
            // The destination's own family decides the fold; the kernel uses the service's, which
            // differs only for an IPv6 destination of an IPv4 service (tunnelling).
            final int value = dest.port() + IpvsHash.addrFold(dest.af(), dest.addrHi(), dest.addrLo());
            perm[j] = hashSlot(value, HASH1_KEY, TAB_SIZE);
            skip[j] = hashSlot(value, HASH2_KEY, TAB_SIZE - 1) + 1;
            final int lw = lastWeights[j];
            final int t = (lw / gcd) >> rshift;
            turns[j] = t != 0 ? t : (lw != 0 ? 1 : 0);
        }

        final boolean[] taken = new boolean[TAB_SIZE];
        int filled = 0;
        int dtCount = 0;
        while (true) {
            int j = 0;
            while (j < n) {
                if (turns[j] < 1) {
                    j++;
                    continue;
                }
                int c = perm[j];
                while (taken[c]) {
                    c += skip[j];
                    if (c >= TAB_SIZE) {
                        c -= TAB_SIZE;
                    }
                }
                perm[j] = c;
                taken[c] = true;
                table[c] = dests[j];
                if (++filled == TAB_SIZE) {
                    return table;
                }
                if (++dtCount >= turns[j]) {
                    dtCount = 0;
                    j++;
                }
            }
        }
    }

    /** ip_vs_mh_gcd_weight(): gcd of the positive last weights, 0 if there are none. */
    static int gcdPositive(final int[] weights) {
        int g = 0;
        for (final int weight : weights) {
            g = WeightedRoundRobinScheduler.gcdWithPositive(g, weight);
        }
        return g;
    }

    /** ip_vs_mh_shift_weight(): how far to shift weight/gcd so that the largest keeps TAB_BITS bits. */
    static int shiftWeight(final int[] weights, final int gcd) {
        int max = 0;
        for (final int weight : weights) {
            max = Math.max(max, weight);
        }
        final int mw = max / gcd;
        final int fls = 32 - Integer.numberOfLeadingZeros(mw);
        return Math.max(fls - TAB_BITS, 0);
    }
}
