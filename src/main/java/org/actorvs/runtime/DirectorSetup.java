package org.actorvs.runtime;

import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;

import org.actorvs.conn.Timeouts;
import org.actorvs.forward.IpvsSettings;
import org.actorvs.forward.NeighbourCache;
import org.actorvs.forward.Port;
import org.actorvs.forward.RouteTable;
import org.actorvs.service.RuleSet;

/**
 * Everything the runtime needs to start a director, resolved from configuration (or built by a test):
 * no file names or text here, only values.
 *
 * @param neighbours    the neighbour cache shard {@code i} reads (the live director's ARP table,
 *                      shared; or configured addresses for replay)
 * @param tableCapacity connection entries per shard
 * @param tickNanos     the timer wheel's tick, also the live expiry timer's period
 */
public record DirectorSetup(List<Port> ports, RouteTable routes, IntFunction<NeighbourCache> neighbours,
        IpvsSettings settings, Timeouts timeouts, int shards, int tableCapacity, long tickNanos, RuleSet rules,
        Duration drainTimeout) {

    public DirectorSetup {
        ports = List.copyOf(ports);
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1, got " + shards);
        }
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("a director needs at least one interface");
        }
    }

    /** The MACs frames must be sent to for this director to handle them. */
    public long[] localMacs() {
        long[] macs = new long[ports.size()];
        for (int i = 0; i < macs.length; i++) {
            macs[i] = ports.get(i).mac();
        }
        return macs;
    }
}
