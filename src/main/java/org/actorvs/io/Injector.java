package org.actorvs.io;

import org.actorvs.forward.FrameSink;

/**
 * One shard's way onto the wire: its own injection handles, so shards never share or lock one.
 * Used from a single thread.
 */
public interface Injector extends FrameSink, AutoCloseable {
    /** Frames this injector failed to send (the libpcap error is logged rate-limited). */
    long failures();

    @Override
    void close();
}
