package org.actorvs.forward;

import java.util.Arrays;

import org.agrona.collections.Long2LongHashMap;

/**
 * Neighbour addresses given by configuration: what ARP / neighbour discovery would have resolved,
 * for offline replay and for directors whose next hops are pinned. Fill it before use; lookups do
 * not allocate.
 */
public final class StaticNeighbours implements NeighbourCache {
    private final Long2LongHashMap ipv4 = new Long2LongHashMap(UNRESOLVED);
    // IPv6 next hops of one director are a handful: a scan of parallel arrays beats hashing two longs.
    private long[] v6Hi = new long[0];
    private long[] v6Lo = new long[0];
    private long[] v6Mac = new long[0];
    private long misses;
    private long generation;

    public StaticNeighbours put(int af, long hi, long lo, long mac) {
        generation++;
        if (af == 4) {
            ipv4.put(lo, mac);
            return this;
        }
        for (int i = 0; i < v6Hi.length; i++) {
            if (v6Hi[i] == hi && v6Lo[i] == lo) {
                v6Mac[i] = mac;
                return this;
            }
        }
        int n = v6Hi.length;
        v6Hi = Arrays.copyOf(v6Hi, n + 1);
        v6Lo = Arrays.copyOf(v6Lo, n + 1);
        v6Mac = Arrays.copyOf(v6Mac, n + 1);
        v6Hi[n] = hi;
        v6Lo[n] = lo;
        v6Mac[n] = mac;
        return this;
    }

    @Override
    public long mac(int af, long hi, long lo) {
        if (af == 4) {
            return ipv4.get(lo);
        }
        for (int i = 0; i < v6Hi.length; i++) {
            if (v6Hi[i] == hi && v6Lo[i] == lo) {
                return v6Mac[i];
            }
        }
        return UNRESOLVED;
    }

    /** Moves with every {@link #put}; fill before the shard runs, the count is not published across threads. */
    @Override
    public long generation() {
        return generation;
    }

    @Override
    public void resolutionNeeded(int af, long hi, long lo, int port) {
        misses++;
    }

    /** How many packets found their next hop unresolved. */
    public long misses() {
        return misses;
    }
}
