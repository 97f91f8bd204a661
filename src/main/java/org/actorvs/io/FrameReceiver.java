package org.actorvs.io;

import org.agrona.DirectBuffer;

/**
 * Where a {@link PacketIo} hands each received frame. The frame is only valid during the call: a
 * receiver that keeps it copies it (the runtime copies it into a pooled batch).
 */
@FunctionalInterface
public interface FrameReceiver {
    /**
     * @param port           index of the port (interface) the frame arrived on
     * @param timestampNanos the frame's time on the clock the I/O runs on: capture time for a pcap
     *                       file (so an offline replay runs on the capture's own clock),
     *                       {@link System#nanoTime()} at reception for live capture
     */
    void onFrame(int port, DirectBuffer buffer, int offset, int length, long timestampNanos);
}
