package org.actorvs.forward;

/**
 * Told about every inbound packet ip_vs_in() handled for a connection, after its state changed and
 * its in_pkts was counted (a one-packet connection: just before it is released), whatever became
 * of the transmit: where the kernel's ip_vs_in_hook() calls ip_vs_sync_conn(). The sync master
 * hangs here. Runs on the packet path: must not allocate per call.
 */
@FunctionalInterface
public interface InboundHook {
    void inbound(int connection, long nowNanos);
}
