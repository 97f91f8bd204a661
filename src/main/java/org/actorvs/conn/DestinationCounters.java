package org.actorvs.conn;

/**
 * Per-destination connection counters (active, inactive, persistent), owned by the service package.
 * {@link ConnectionTable} calls these when it binds a connection (insert), on TCP state changes and
 * when it releases an entry, exactly where the kernel touches dest->activeconns/inactconns/persistconns.
 * Never called for an entry whose destId is negative (no destination, as a NULL cp->dest).
 */
public interface DestinationCounters {
    /** A connection was bound: +1 persistent when flags has TEMPLATE, else +1 inactive when INACTIVE, else +1 active (ip_vs_bind_dest). */
    void connectionBound(int destId, int flags);

    /** The reverse of {@link #connectionBound}, with the entry's flags at release (ip_vs_unbind_dest). */
    void connectionUnbound(int destId, int flags);

    /** active-1, inactive+1 (set_tcp_state). */
    void activeToInactive(int destId);

    /** inactive-1, active+1 (set_tcp_state). */
    void inactiveToActive(int destId);

    /** Counters that count nothing, for tables (tests, tools) without destinations. */
    DestinationCounters NONE = new DestinationCounters() {
        @Override
        public void connectionBound(int destId, int flags) {
        }

        @Override
        public void connectionUnbound(int destId, int flags) {
        }

        @Override
        public void activeToInactive(int destId) {
        }

        @Override
        public void inactiveToActive(int destId) {
        }
    };
}
