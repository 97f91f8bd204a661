package org.actorvs.runtime;

import java.util.List;

import org.actorvs.conn.TcpStates;
import org.actorvs.service.Destination;

/**
 * Everything the metrics endpoint reads from one packet shard, copied on the shard's own thread in
 * answer to {@link PacketShard.GetMetrics}: its counters, its batch times, its connections by state
 * and its traffic per destination.
 *
 * @param tcpStates connection entries of TCP by {@link TcpStates} number (templates left out)
 * @param udp       UDP connection entries
 * @param other     connection entries of any other protocol (ICMP, SCTP), or of TCP in no known state
 * @param templates persistence templates
 */
public record ShardMetrics(ShardStats stats, BatchTimes.Snapshot batchTimes, long[] tcpStates, long udp, long other,
        long templates, List<Traffic> traffic) {

    public ShardMetrics {
        traffic = List.copyOf(traffic);
    }

    /** What one shard counted for one destination since it was given it (the kernel's ip_vs_stats fields). */
    public record Traffic(Destination destination, long connections, long inPackets, long inBytes, long outPackets,
            long outBytes) {
    }
}
