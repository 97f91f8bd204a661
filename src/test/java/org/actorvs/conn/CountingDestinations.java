package org.actorvs.conn;

/** A real DestinationCounters: per-destination active, inactive and persistent counts, as struct ip_vs_dest keeps them. */
final class CountingDestinations implements DestinationCounters {
    final int[] active = new int[8];
    final int[] inactive = new int[8];
    final int[] persistent = new int[8];
    int calls;

    @Override
    public void connectionBound(int destId, int flags) {
        calls++;
        counterFor(flags)[destId]++;
    }

    @Override
    public void connectionUnbound(int destId, int flags) {
        calls++;
        counterFor(flags)[destId]--;
    }

    @Override
    public void activeToInactive(int destId) {
        calls++;
        active[destId]--;
        inactive[destId]++;
    }

    @Override
    public void inactiveToActive(int destId) {
        calls++;
        inactive[destId]--;
        active[destId]++;
    }

    private int[] counterFor(int flags) {
        if ((flags & ConnFlags.TEMPLATE) != 0) {
            return persistent;
        }
        return (flags & ConnFlags.INACTIVE) != 0 ? inactive : active;
    }
}
