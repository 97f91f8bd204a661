package org.actorvs.forward;

import org.agrona.DirectBuffer;

/**
 * Where a shard's outgoing frames go: a pcap injection handle per port in the live director, a
 * pcap file in an offline replay, a list in tests. The frame is only valid during the call.
 */
@FunctionalInterface
public interface FrameSink {
    void send(int port, DirectBuffer buffer, int offset, int length);
}
