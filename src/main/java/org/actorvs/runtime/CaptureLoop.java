package org.actorvs.runtime;

import org.actorvs.io.PacketIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that reads one port: every read from the wire goes through the port's dispatcher, and
 * the batches it filled go to their shards at the end of the read, so a quiet link never holds a
 * frame back for long.
 */
final class CaptureLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureLoop.class);

    private final PacketIo io;
    private final int port;
    private final FrameDispatcher dispatcher;
    private volatile boolean running = true;

    CaptureLoop(PacketIo io, int port, FrameDispatcher dispatcher) {
        this.io = io;
        this.port = port;
        this.dispatcher = dispatcher;
    }

    @Override
    public void run() {
        try {
            while (running) {
                int n = io.receive(port, dispatcher);
                dispatcher.flush();
                if (n == PacketIo.END) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            LOG.error("capture on port {} stopped", io.ports().get(port).name(), e);
        }
    }

    void stop() {
        running = false;
    }

    FrameDispatcher dispatcher() {
        return dispatcher;
    }

    /** The dispatcher's counts now; safe from any thread. */
    CaptureStats stats() {
        return dispatcher.stats(io.ports().get(port).name());
    }
}
