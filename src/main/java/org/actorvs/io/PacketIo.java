package org.actorvs.io;

import java.util.List;

import org.actorvs.forward.Port;

/**
 * The director's packet I/O: live capture and injection through libpcap, a pcap file in and out
 * for offline replay, or an in-memory network for tests and benchmarks. The runtime reads every
 * port from a thread of its own and gives every shard its own {@link Injector}.
 */
public interface PacketIo extends AutoCloseable {
    /** Returned by {@link #receive} when the source is exhausted (end of a file) or closed. */
    int END = -1;

    /** The ports this I/O serves; a port's index is its position. */
    List<Port> ports();

    /**
     * Hands the frames that arrived on {@code port} to {@code receiver}, blocking for at most the
     * I/O's poll interval when none is waiting.
     *
     * @return the number of frames delivered (0 on a quiet poll interval), or {@link #END}
     */
    int receive(int port, FrameReceiver receiver);

    /** A new injector with its own handles, for one shard. */
    Injector openInjector();

    /** Ends every blocked {@link #receive} (they return {@link #END}) and releases the handles. */
    @Override
    void close();
}
