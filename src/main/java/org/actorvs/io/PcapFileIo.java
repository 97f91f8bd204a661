package org.actorvs.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.actorvs.forward.Port;
import org.actorvs.packet.EthernetFlyweight;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offline replay: frames come from a classic pcap file, in file order, stamped with their capture
 * time; every injected frame is written to an output pcap file stamped with the capture time of
 * the input frame being processed when it was sent ({@link #currentTimestampNanos()}). Replaying
 * the same input the same way writes a byte-identical output.
 *
 * <p>A capture holds one interface's traffic, so every frame arrives on one port unless a
 * {@link PortMapper} assigns ports by MAC address. Frames are delivered strictly in file order:
 * {@link #receive} for a port delivers frames only while the next frame belongs to that port, and
 * returns 0 when it belongs to another, so one thread should read all ports in turn.
 */
public final class PcapFileIo implements PacketIo {
    /** Assigns a captured frame to a port; a result outside the ports drops the frame (counted). */
    @FunctionalInterface
    public interface PortMapper {
        int port(long dstMac, long srcMac);
    }

    private static final Logger LOG = LoggerFactory.getLogger(PcapFileIo.class);
    private static final int BATCH = 64;
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final List<Port> ports;
    private final PcapFileReader reader;
    private final PcapFileWriter writer;
    private final PortMapper mapper;
    private final Object writeLock = new Object();
    private final LogLimiter writeErrors = new LogLimiter(LOG_INTERVAL_NANOS);
    private volatile long currentTimestampNanos;
    private boolean pending;
    private int pendingLength;
    private int pendingPort;
    private boolean exhausted;
    private volatile boolean closed;
    private long framesRead;
    private long unmapped;
    private long framesWritten;

    /** Every frame arrives on port 0. */
    public PcapFileIo(List<Port> ports, Path input, Path output) throws IOException {
        this(ports, input, output, (dst, src) -> 0);
    }

    /**
     * @param output where injected frames are written, or null to discard them (counted all the same)
     * @throws IOException when the input is not a classic Ethernet pcap file or a file cannot be opened
     */
    public PcapFileIo(List<Port> ports, Path input, Path output, PortMapper mapper) throws IOException {
        this.ports = List.copyOf(ports);
        this.mapper = mapper;
        this.reader = new PcapFileReader(input);
        try {
            this.writer = output == null ? null : new PcapFileWriter(output);
        } catch (IOException e) {
            reader.close();
            throw e;
        }
    }

    /** The capture time of the frame being delivered (or last delivered), 0 before the first. */
    public long currentTimestampNanos() {
        return currentTimestampNanos;
    }

    @Override
    public List<Port> ports() {
        return ports;
    }

    @Override
    public synchronized int receive(int port, FrameReceiver receiver) {
        if (closed) {
            return END;
        }
        int count = 0;
        while (count < BATCH && !exhausted) {
            if (!pending && !advance()) {
                break;
            }
            if (pendingPort < 0 || pendingPort >= ports.size()) {
                unmapped++;
                pending = false;
                continue;
            }
            if (pendingPort != port) {
                break;
            }
            pending = false;
            currentTimestampNanos = reader.timestampNanos();
            receiver.onFrame(port, reader.buffer(), reader.frameOffset(), pendingLength, reader.timestampNanos());
            count++;
        }
        return count == 0 && exhausted ? END : count;
    }

    private boolean advance() {
        try {
            pendingLength = reader.next();
        } catch (IOException e) {
            LOG.error("replay input ends early after {} frames: {}", framesRead, e.getMessage());
            pendingLength = -1;
        }
        if (pendingLength < 0) {
            exhausted = true;
            return false;
        }
        framesRead++;
        pending = true;
        if (pendingLength < EthernetFlyweight.HEADER_LENGTH) {
            pendingPort = -1;
        } else {
            final DirectBuffer b = reader.buffer();
            pendingPort = mapper.port(EthernetFlyweight.dstMac(b, reader.frameOffset()),
                    EthernetFlyweight.srcMac(b, reader.frameOffset()));
        }
        return true;
    }

    /** Frames read from the input, delivered or not. */
    public synchronized long framesRead() {
        return framesRead;
    }

    /** Frames dropped because the mapper put them on no port (or they were too short to map). */
    public synchronized long unmapped() {
        return unmapped;
    }

    /** Frames injected (written, or discarded without an output). */
    public long framesWritten() {
        synchronized (writeLock) {
            return framesWritten;
        }
    }

    @Override
    public Injector openInjector() {
        return new FileInjector();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            try {
                reader.close();
            } catch (IOException e) {
                LOG.warn("closing {}: {}", reader.path(), e.getMessage());
            }
        }
        synchronized (writeLock) {
            if (writer != null) {
                try {
                    writer.close();
                } catch (IOException e) {
                    LOG.error("replay output incomplete: {}", e.getMessage());
                }
            }
        }
    }

    private final class FileInjector implements Injector {
        private long failures;

        @Override
        public void send(int port, DirectBuffer buffer, int offset, int length) {
            synchronized (writeLock) {
                if (closed || port < 0 || port >= ports.size()) {
                    failures++;
                    return;
                }
                try {
                    if (writer != null) {
                        writer.write(currentTimestampNanos, buffer, offset, length);
                    }
                    framesWritten++;
                } catch (IOException e) {
                    failures++;
                    final long held = writeErrors.admit(System.nanoTime());
                    if (held >= 0) {
                        LOG.error("replay output: {} ({} more failures not logged)", e.getMessage(), held);
                    }
                }
            }
        }

        @Override
        public long failures() {
            return failures;
        }

        @Override
        public void close() {
        }
    }
}
