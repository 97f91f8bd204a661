package org.actorvs.service;

/**
 * Connection events that move a destination's shared active / inactive / persistent counters
 * (ipvs-semantics §2.6). Called from shard threads on connection events only, never per packet.
 * {@code flags} are the connection's IP_VS_CONN_F_* flags: INACTIVE 0x0100 selects the inactive
 * counter, TEMPLATE 0x1000 the persistent counter, anything else the active counter.
 */
public interface DestinationCounters {
    void connectionBound(int destId, int flags);

    void connectionUnbound(int destId, int flags);

    void activeToInactive(int destId);

    void inactiveToActive(int destId);
}
