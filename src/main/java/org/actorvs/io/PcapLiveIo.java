package org.actorvs.io;

import java.io.IOException;
import java.lang.ref.Reference;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.actorvs.forward.Port;
import org.actorvs.packet.MacAddress;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live packet I/O through libpcap: one capture handle per port, in immediate mode so a frame is
 * handed over as soon as it arrives, reading only inbound frames (PCAP_D_IN) so frames the
 * director injects never come back to it; {@link #receive} returns after the poll interval on a
 * quiet link. Each {@link Injector} opens its own send handles.
 *
 * <p>Nothing is allocated per frame, in either direction. libpcap is bound directly
 * ({@link Libpcap}, JNA direct mapping with addresses as {@code long}): a frame is read with
 * pcap_next_ex() and handed to the receiver in place, in libpcap's ring, through a reused buffer
 * view; a frame out is copied into a native buffer allocated once per injector and sent with
 * pcap_inject(). An idle port sleeps in poll(2) on the capture socket, not in a loop of empty reads.
 * The handles are opened here too (pcap_create ... pcap_activate) rather than taken from pcap4j:
 * its PcapHandle keeps the pcap_t in a private field (reflection tied to one pcap4j version) and
 * would be a second owner of it, with its own lock and close. pcap4j's dispatch() was the problem
 * this replaces: it built a JNA callback by reflection on every call and copied every frame into a
 * new byte[] (about 50 MB/s of garbage in the wire benchmark, and young-GC pauses with it).
 *
 * <p>Frames to our MAC and broadcast are all the director needs (VIPs answer with the port's own
 * MAC), so the interface is not made promiscuous.
 */
public final class PcapLiveIo implements PacketIo {
    public static final int SNAPLEN = 65_535;
    public static final int DEFAULT_POLL_MILLIS = 10;
    /** libpcap's own default (pcap_set_buffer_size not called): 2 MiB. */
    public static final int DEFAULT_BUFFER_BYTES = 2 * 1024 * 1024;
    /** A filter no frame passes: injection handles must not buffer the link's traffic. */
    private static final String NO_FRAMES = "less 1";
    private static final int BATCH = 64;
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(PcapLiveIo.class);

    private final List<Port> ports;
    private final PortReader[] readers;
    private final int pollMillis;
    private final long pollNanos;
    /** Signalled once by close(): every poll() also waits on it, so a blocked receive ends at once. */
    private final int wakeFd;
    private final List<LiveInjector> injectors = new ArrayList<>();
    private volatile boolean closed;
    private boolean released;

    /**
     * Opens a capture handle on every port's interface.
     *
     * @param bpfFilter   a libpcap filter expression every port's capture applies (null or empty: all frames)
     * @param snaplen     bytes captured of each frame (pcap_set_snaplen)
     * @param bufferBytes the kernel's capture buffer per port (pcap_set_buffer_size): what absorbs a
     *                    burst while the capture thread is not running
     * @throws IOException when an interface cannot be opened (no such device, no permission), is
     *                     not Ethernet, the filter does not compile, or libpcap cannot be loaded
     */
    public PcapLiveIo(List<Port> ports, String bpfFilter, int pollMillis, int snaplen, int bufferBytes)
            throws IOException {
        this.ports = List.copyOf(ports);
        this.pollMillis = pollMillis;
        this.pollNanos = TimeUnit.MILLISECONDS.toNanos(pollMillis);
        this.readers = new PortReader[ports.size()];
        loadNative();
        this.wakeFd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        if (wakeFd < 0) {
            throw new IOException("eventfd() failed");
        }
        try {
            for (int i = 0; i < readers.length; i++) {
                final long handle = open(ports.get(i).name(), snaplen, pollMillis, bufferBytes, true);
                readers[i] = new PortReader(i, handle, wakeFd);
                filter(i, bpfFilter);
            }
        } catch (IOException | RuntimeException e) {
            release();
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
     * Replaces a port's capture filter (VIPs come and go with failover). Waits for a receive in
     * progress on the port to return (at most the poll interval), so libpcap never sees its
     * filter replaced under a read.
     */
    public void filter(int port, String bpfFilter) throws IOException {
        final PortReader reader = readers[port];
        reader.lock.lock();
        try {
            if (reader.handle == 0) {
                throw new IOException(ports.get(port).name() + ": capture closed");
            }
            setFilter(reader.handle, ports.get(port).name(), bpfFilter);
        } finally {
            reader.lock.unlock();
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
        reader.lock.lock();
        try {
            final long deadline = System.nanoTime() + pollNanos;
            while (!closed) {
                final int n = reader.read(receiver);
                if (n > 0) {
                    return n;
                }
                final long remaining = deadline - System.nanoTime();
                if (n < 0) {
                    reader.failed(ports.get(port).name());
                    // Do not spin on a broken interface: wait out the poll interval as on a quiet link.
                    LockSupport.parkNanos(Math.max(0, remaining));
                    return 0;
                }
                if (remaining <= 0) {
                    return 0;
                }
                // Rounded up: a 0 ms poll would return at once and spin out the rest of the interval.
                Libc.poll(reader.pollFds, 2, (int) ((remaining + 999_999) / 1_000_000));
            }
            return END;
        } finally {
            reader.lock.unlock();
        }
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
        synchronized (injectors) {
            if (released) {
                return;
            }
            closed = true;
            // Wakes every receive blocked in poll(); each then sees closed and releases its port.
            final UnsafeBuffer one = new UnsafeBuffer(ByteBuffer.allocateDirect(Long.BYTES));
            one.putLong(0, 1L);
            Libc.write(wakeFd, one.addressOffset(), Long.BYTES);
            // Only the address went to native code: the buffer must outlive the call.
            Reference.reachabilityFence(one);
            release();
            for (final LiveInjector injector : injectors) {
                injector.close();
            }
            injectors.clear();
        }
    }

    /** Closes the capture handles (each once its receive has returned), then the wake-up descriptor. */
    private void release() {
        for (final PortReader reader : readers) {
            if (reader != null) {
                reader.close();
            }
        }
        Libc.close(wakeFd);
        released = true;
    }

    private static void loadNative() throws IOException {
        try {
            Libpcap.load();
            Libc.load();
        } catch (LinkageError e) { // UnsatisfiedLinkError, or ExceptionInInitializerError (32-bit JVM)
            throw new IOException("cannot load libpcap: " + e, e);
        }
    }

    /** An activated handle on the interface, non-blocking, or IOException with libpcap's reason. */
    private static long open(String name, int snaplen, int timeoutMillis, int bufferBytes, boolean inboundOnly)
            throws IOException {
        final byte[] errbuf = new byte[Libpcap.PCAP_ERRBUF_SIZE];
        final long p = Libpcap.pcap_create(name, errbuf);
        if (p == 0) {
            throw new IOException(name + ": " + cString(errbuf));
        }
        try {
            check(p, name, "pcap_set_snaplen", Libpcap.pcap_set_snaplen(p, snaplen));
            check(p, name, "pcap_set_promisc", Libpcap.pcap_set_promisc(p, 0));
            check(p, name, "pcap_set_timeout", Libpcap.pcap_set_timeout(p, timeoutMillis));
            check(p, name, "pcap_set_buffer_size", Libpcap.pcap_set_buffer_size(p, bufferBytes));
            check(p, name, "pcap_set_immediate_mode", Libpcap.pcap_set_immediate_mode(p, 1));
            // A positive result is a warning (e.g. promiscuous mode not supported): the handle works.
            check(p, name, "pcap_activate", Libpcap.pcap_activate(p));
            final int dlt = Libpcap.pcap_datalink(p);
            if (dlt != Libpcap.DLT_EN10MB) {
                throw new IOException(name + ": link type " + dlt + " is not Ethernet");
            }
            if (inboundOnly) {
                check(p, name, "pcap_setdirection", Libpcap.pcap_setdirection(p, Libpcap.PCAP_D_IN));
            }
            // libpcap's read timeout is not honoured in immediate mode (a read blocked indefinitely
            // on a quiet veth), so reads are non-blocking and receive() waits in poll() itself.
            if (Libpcap.pcap_setnonblock(p, 1, errbuf) < 0) {
                throw new IOException(name + ": cannot make the capture non-blocking: " + cString(errbuf));
            }
            return p;
        } catch (IOException | RuntimeException e) {
            Libpcap.pcap_close(p);
            throw e;
        }
    }

    private static void setFilter(long p, String name, String bpfFilter) throws IOException {
        final String expression = bpfFilter == null || bpfFilter.isBlank() ? "" : bpfFilter;
        final UnsafeBuffer program = new UnsafeBuffer(ByteBuffer.allocateDirect(Libpcap.BPF_PROGRAM_SIZE));
        final long address = program.addressOffset();
        try {
            if (Libpcap.pcap_compile(p, address, expression, 1, Libpcap.PCAP_NETMASK_UNKNOWN) < 0) {
                throw filterFailed(p, name, expression);
            }
            final int set = Libpcap.pcap_setfilter(p, address);
            Libpcap.pcap_freecode(address);
            if (set < 0) {
                throw filterFailed(p, name, expression);
            }
        } finally {
            // Only the address went to native code: the buffer must outlive the calls.
            Reference.reachabilityFence(program);
        }
    }

    private static IOException filterFailed(long p, String name, String expression) {
        return new IOException(name + ": filter \"" + expression + "\": " + Libpcap.pcap_geterr(p));
    }

    private static void check(long p, String name, String call, int status) throws IOException {
        if (status < 0) {
            throw new IOException(name + ": " + call + ": " + Libpcap.pcap_statustostr(status) + " "
                    + Libpcap.pcap_geterr(p));
        }
    }

    private static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** One port's capture handle and what reading it reuses; read by one thread at a time (its lock). */
    private static final class PortReader {
        final int port;
        /** Held for a whole receive, by filter() and by close(): the pcap_t is never used after pcap_close. */
        final ReentrantLock lock = new ReentrantLock(true);
        /** pcap_next_ex's two out-parameters, header at 0 and data at 8; then the two pollfds. */
        final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(16 + 2 * Libc.POLLFD_SIZE));
        final long headerOut = scratch.addressOffset();
        final long dataOut = headerOut + 8;
        final long pollFds = headerOut + 16;
        final UnsafeBuffer header = new UnsafeBuffer(0, 0);
        final UnsafeBuffer frame = new UnsafeBuffer(0, 0);
        final LogLimiter errors = new LogLimiter(LOG_INTERVAL_NANOS);
        long handle;

        PortReader(int port, long handle, int wakeFd) {
            this.port = port;
            this.handle = handle;
            scratch.putInt(16, Libpcap.pcap_get_selectable_fd(handle));
            scratch.putShort(16 + Libc.POLLFD_EVENTS_OFFSET, Libc.POLLIN);
            scratch.putInt(16 + Libc.POLLFD_SIZE, wakeFd);
            scratch.putShort(16 + Libc.POLLFD_SIZE + Libc.POLLFD_EVENTS_OFFSET, Libc.POLLIN);
        }

        /** Hands over up to a batch of waiting frames: their count, 0 when none waits, -1 on an error. */
        int read(FrameReceiver receiver) {
            int count = 0;
            while (count < BATCH) {
                final int rc = Libpcap.pcap_next_ex(handle, headerOut, dataOut);
                if (rc != 1) {
                    return count > 0 || rc == 0 ? count : -1;
                }
                header.wrap(scratch.getLong(0), Libpcap.PKTHDR_CAPLEN_OFFSET + Integer.BYTES);
                final int length = header.getInt(Libpcap.PKTHDR_CAPLEN_OFFSET);
                // In place in libpcap's ring: valid until the next pcap_next_ex(), as FrameReceiver allows.
                frame.wrap(scratch.getLong(8), length);
                receiver.onFrame(port, frame, 0, length, System.nanoTime());
                count++;
            }
            return count;
        }

        void failed(String name) {
            final long held = errors.admit(System.nanoTime());
            if (held >= 0) {
                LOG.error("capture on {}: {} ({} more errors not logged)", name, Libpcap.pcap_geterr(handle), held);
            }
        }

        void close() {
            lock.lock();
            try {
                if (handle != 0) {
                    Libpcap.pcap_close(handle);
                    handle = 0;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private final class LiveInjector implements Injector {
        private final long[] send = new long[ports.size()];
        /** The frame out, copied into native memory allocated once: pcap_inject() reads it from there. */
        private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(PcapFileReader.MAX_RECORD_LENGTH));
        /** Uncontended but for close(), which must not free a handle under a send. */
        private final ReentrantLock lock = new ReentrantLock();
        private final LogLimiter errors = new LogLimiter(LOG_INTERVAL_NANOS);
        private boolean open = true;
        private long failures;

        LiveInjector() {
            try {
                for (int i = 0; i < send.length; i++) {
                    send[i] = open(ports.get(i).name(), 64, pollMillis, DEFAULT_BUFFER_BYTES, false);
                    setFilter(send[i], ports.get(i).name(), NO_FRAMES);
                }
            } catch (IOException e) {
                close();
                throw new IllegalStateException("cannot open injection handles: " + e.getMessage(), e);
            }
        }

        @Override
        public void send(int port, DirectBuffer buffer, int offset, int length) {
            lock.lock();
            try {
                if (!open || length > out.capacity()) {
                    failed(port, open ? "frame of " + length + " bytes" : "injector closed");
                    return;
                }
                out.putBytes(0, buffer, offset, length);
                if (Libpcap.pcap_inject(send[port], out.addressOffset(), length) < 0) {
                    failed(port, Libpcap.pcap_geterr(send[port]));
                }
            } finally {
                lock.unlock();
            }
        }

        private void failed(int port, String why) {
            failures++;
            final long held = errors.admit(System.nanoTime());
            if (held >= 0) {
                LOG.warn("inject on port {}: {} ({} more failures not logged)", port, why, held);
            }
        }

        @Override
        public long failures() {
            return failures;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                for (int i = 0; i < send.length; i++) {
                    if (send[i] != 0) {
                        Libpcap.pcap_close(send[i]);
                        send[i] = 0;
                    }
                }
                open = false;
            } finally {
                lock.unlock();
            }
        }
    }
}
