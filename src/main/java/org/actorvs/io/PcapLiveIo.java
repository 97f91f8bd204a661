package org.actorvs.io;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.actorvs.forward.Port;
import org.actorvs.packet.MacAddress;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.RawPacketListener;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live packet I/O through libpcap (pcap4j): one capture handle per port, in immediate mode so a
 * frame is handed over as soon as it arrives, reading only inbound frames (PCAP_D_IN) so frames
 * the director injects never come back to it; {@link #receive} returns after the poll interval
 * on a quiet link. Each {@link Injector} opens its own send handles.
 *
 * <p>pcap4j copies every received frame into a new byte[] before handing it over; the frame is
 * then read in place through a reused buffer. Frames to our MAC and broadcast are all the
 * director needs (VIPs answer with the port's own MAC), so the interface is not made promiscuous.
 */
public final class PcapLiveIo implements PacketIo {
    public static final int SNAPLEN = 65_535;
    public static final int DEFAULT_POLL_MILLIS = 10;
    /** libpcap's own default (pcap_set_buffer_size not called): 2 MiB. */
    public static final int DEFAULT_BUFFER_BYTES = 2 * 1024 * 1024;
    /** A filter no frame passes: injection handles must not buffer the link's traffic. */
    private static final String NO_FRAMES = "less 1";
    private static final int BATCH = 64;
    /**
     * How long an idle receive sleeps between non-blocking reads. libpcap's read timeout is not
     * honoured in immediate mode here (pcap_dispatch() blocked indefinitely on a quiet veth), so
     * the handles are non-blocking and receive() waits itself: at most this much added latency
     * on an idle link, at the cost of a few thousand empty reads a second per port.
     */
    private static final long IDLE_PARK_NANOS = 50_000;
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(PcapLiveIo.class);

    private final List<Port> ports;
    private final PcapHandle[] handles;
    private final PortReader[] readers;
    private final int pollMillis;
    private final long pollNanos;
    private final List<LiveInjector> injectors = new ArrayList<>();
    private volatile boolean closed;

    /**
     * Opens a capture handle on every port's interface.
     *
     * @param bpfFilter   a libpcap filter expression every port's capture applies (null or empty: all frames)
     * @param snaplen     bytes captured of each frame (pcap_set_snaplen)
     * @param bufferBytes the kernel's capture buffer per port (pcap_set_buffer_size): what absorbs a
     *                    burst while the capture thread is not running
     * @throws IOException when an interface cannot be opened (no such device, no permission), is
     *                     not Ethernet, or the filter does not compile
     */
    public PcapLiveIo(List<Port> ports, String bpfFilter, int pollMillis, int snaplen, int bufferBytes)
            throws IOException {
        this.ports = List.copyOf(ports);
        this.pollMillis = pollMillis;
        this.pollNanos = TimeUnit.MILLISECONDS.toNanos(pollMillis);
        this.handles = new PcapHandle[ports.size()];
        this.readers = new PortReader[ports.size()];
        try {
            for (int i = 0; i < handles.length; i++) {
                handles[i] = open(ports.get(i).name(), snaplen, pollMillis, bufferBytes, true);
                handles[i].setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
                readers[i] = new PortReader(i);
                filter(i, bpfFilter);
            }
        } catch (PcapNativeException | NotOpenException e) {
            closeHandles(handles);
            throw new IOException("cannot make the capture non-blocking: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeHandles(handles);
            throw e;
        }
    }

    public PcapLiveIo(List<Port> ports, String bpfFilter, int pollMillis) throws IOException {
        this(ports, bpfFilter, pollMillis, SNAPLEN, DEFAULT_BUFFER_BYTES);
    }

    public PcapLiveIo(List<Port> ports, String bpfFilter) throws IOException {
        this(ports, bpfFilter, DEFAULT_POLL_MILLIS);
    }

    /**
     * Replaces a port's capture filter (VIPs come and go with failover). libpcap swaps the socket
     * filter atomically, so a concurrent {@link #receive} sees either filter.
     */
    public void filter(int port, String bpfFilter) throws IOException {
        if (bpfFilter == null || bpfFilter.isBlank()) {
            bpfFilter = "";
        }
        try {
            handles[port].setFilter(bpfFilter, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException(ports.get(port).name() + ": filter \"" + bpfFilter + "\": " + e.getMessage(), e);
        }
    }

    /**
     * A port for an interface of this host (of the JVM's network namespace), read from the OS:
     * MAC and MTU from sysfs, the first IPv4 and the first non-link-local IPv6 address. Untagged.
     * Sysfs because java.net.NetworkInterface lists only interfaces that have an address, and a
     * director's port may have none.
     */
    public static Port portOf(int index, String interfaceName) throws IOException {
        final Path sys = Path.of("/sys/class/net", interfaceName);
        if (interfaceName.contains("/") || !Files.isDirectory(sys)) {
            throw new IOException("no network interface " + interfaceName);
        }
        final String mac = Files.readString(sys.resolve("address")).strip();
        if (mac.length() != 17) {
            throw new IOException(interfaceName + " has no Ethernet address (" + mac + ")");
        }
        final int mtu = Integer.parseInt(Files.readString(sys.resolve("mtu")).strip());
        long ipv4 = 0;
        long ipv6Hi = 0;
        long ipv6Lo = 0;
        final NetworkInterface nif = NetworkInterface.getByName(interfaceName);
        if (nif != null) {
            for (final InetAddress a : Collections.list(nif.getInetAddresses())) {
                final byte[] b = a.getAddress();
                if (a instanceof Inet4Address && ipv4 == 0) {
                    ipv4 = ByteBuffer.wrap(b).getInt() & 0xFFFF_FFFFL;
                } else if (a instanceof Inet6Address && !a.isLinkLocalAddress() && ipv6Hi == 0 && ipv6Lo == 0) {
                    ipv6Hi = ByteBuffer.wrap(b).getLong(0);
                    ipv6Lo = ByteBuffer.wrap(b).getLong(8);
                }
            }
        }
        return new Port(index, interfaceName, MacAddress.parse(mac), ipv4, ipv6Hi, ipv6Lo, mtu, -1);
    }

    @Override
    public List<Port> ports() {
        return ports;
    }

    @Override
    public int receive(int port, FrameReceiver receiver) {
        final PortReader reader = readers[port];
        reader.receiver = receiver;
        final long deadline = System.nanoTime() + pollNanos;
        while (!closed) {
            reader.count = 0;
            try {
                handles[port].dispatch(BATCH, reader);
            } catch (NotOpenException | InterruptedException e) {
                // Closed, or pcap_breakloop() from close().
                return reader.count > 0 ? reader.count : END;
            } catch (PcapNativeException e) {
                final long held = reader.errors.admit(System.nanoTime());
                if (held >= 0) {
                    LOG.error("capture on {}: {} ({} more errors not logged)", ports.get(port).name(), e.getMessage(), held);
                }
                // Do not spin on a broken interface: wait out the poll interval as on a quiet link.
                LockSupport.parkNanos(Math.max(0, deadline - System.nanoTime()));
                return 0;
            }
            if (reader.count > 0) {
                return reader.count;
            }
            if (System.nanoTime() - deadline >= 0) {
                return 0;
            }
            LockSupport.parkNanos(IDLE_PARK_NANOS);
        }
        return END;
    }

    @Override
    public Injector openInjector() {
        synchronized (injectors) {
            if (closed) {
                throw new IllegalStateException("packet I/O closed");
            }
            final LiveInjector injector = new LiveInjector();
            injectors.add(injector);
            return injector;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (final PcapHandle h : handles) {
            try {
                h.breakLoop();
            } catch (NotOpenException e) {
                // already closed
            }
        }
        // PcapHandle.close() waits for a dispatch in progress (pcap4j's handle lock).
        closeHandles(handles);
        synchronized (injectors) {
            for (final LiveInjector injector : injectors) {
                injector.close();
            }
            injectors.clear();
        }
    }

    private static PcapHandle open(String name, int snaplen, int timeoutMillis, int bufferBytes, boolean inboundOnly)
            throws IOException {
        try {
            final PcapHandle.Builder builder = new PcapHandle.Builder(name).snaplen(snaplen)
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS).timeoutMillis(timeoutMillis)
                    .bufferSize(bufferBytes).immediateMode(true);
            if (inboundOnly) {
                builder.direction(PcapHandle.PcapDirection.IN);
            }
            final PcapHandle handle = builder.build();
            if (handle.getDlt() != DataLinkType.EN10MB) {
                handle.close();
                throw new IOException(name + ": link type " + handle.getDlt() + " is not Ethernet");
            }
            return handle;
        } catch (PcapNativeException e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }

    private static void closeHandles(PcapHandle[] handles) {
        for (final PcapHandle h : handles) {
            if (h != null && h.isOpen()) {
                h.close();
            }
        }
    }

    /** Hands a port's frames to the receiver of the current {@link #receive} call; one thread per port. */
    private static final class PortReader implements RawPacketListener {
        final int port;
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        final LogLimiter errors = new LogLimiter(LOG_INTERVAL_NANOS);
        FrameReceiver receiver;
        int count;

        PortReader(int port) {
            this.port = port;
        }

        @Override
        public void gotPacket(byte[] packet) {
            view.wrap(packet);
            receiver.onFrame(port, view, 0, packet.length, System.nanoTime());
            count++;
        }
    }

    private final class LiveInjector implements Injector {
        private final PcapHandle[] send = new PcapHandle[ports.size()];
        private final byte[] scratch = new byte[PcapFileReader.MAX_RECORD_LENGTH];
        private final LogLimiter errors = new LogLimiter(LOG_INTERVAL_NANOS);
        private long failures;

        LiveInjector() {
            try {
                for (int i = 0; i < send.length; i++) {
                    send[i] = open(ports.get(i).name(), 64, pollMillis, DEFAULT_BUFFER_BYTES, false);
                    send[i].setFilter(NO_FRAMES, BpfProgram.BpfCompileMode.OPTIMIZE);
                }
            } catch (IOException | PcapNativeException | NotOpenException e) {
                closeHandles(send);
                throw new IllegalStateException("cannot open injection handles: " + e.getMessage(), e);
            }
        }

        @Override
        public void send(int port, DirectBuffer buffer, int offset, int length) {
            try {
                buffer.getBytes(offset, scratch, 0, length);
                send[port].sendPacket(scratch, length);
            } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                failures++;
                final long held = errors.admit(System.nanoTime());
                if (held >= 0) {
                    LOG.warn("inject on port {}: {} ({} more failures not logged)", port, e.getMessage(), held);
                }
            }
        }

        @Override
        public long failures() {
            return failures;
        }

        @Override
        public void close() {
            closeHandles(send);
        }
    }
}
