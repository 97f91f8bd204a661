package org.actorvs.sync;

import java.io.IOException;

/** Where a master's messages leave: the multicast socket, or a capture file in offline replay. */
public interface SyncSender extends AutoCloseable {
    /**
     * Sends one message without blocking.
     *
     * @return false when the socket cannot take it now (the kernel's EAGAIN): try again later
     * @throws IOException when the message cannot be sent at all (it is then discarded)
     */
    boolean send(byte[] message, long nowNanos) throws IOException;

    @Override
    void close() throws IOException;
}
