package org.actorvs.io;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

import org.actorvs.forward.FrameSink;
import org.actorvs.forward.Port;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An in-process network for tests, benchmarks and the no-root demo. Frames "arrive" on a port when
 * a test or a simulated host {@link #deliver}s them; frames the shards inject go to the port's
 * listener ({@link #onInjected}), called on the injecting thread, so a listener must be
 * thread-safe when several shards inject. Each port's receive queue is bounded: when it is full a
 * delivered frame is dropped and counted, as a NIC ring would drop it.
 */
public final class MemoryPacketIo implements PacketIo {
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    private static final int BATCH = 64;
    private static final FrameSink NOWHERE = (port, buffer, offset, length) -> {
    };

    private final List<Port> ports;
    private final ArrayBlockingQueue<byte[]>[] queues;
    private final UnsafeBuffer[] views;
    private final AtomicReferenceArray<FrameSink> listeners;
    private final AtomicLongArray injected;
    private final AtomicLongArray dropped;
    private final long pollMillis;
    private final LongSupplier clock;
    private volatile boolean closed;

    public MemoryPacketIo(List<Port> ports) {
        this(ports, 10, System::nanoTime, DEFAULT_QUEUE_CAPACITY);
    }

    /** @param clock the receive timestamps' clock (a simulated one makes a test deterministic) */
    @SuppressWarnings("unchecked")
    public MemoryPacketIo(List<Port> ports, long pollMillis, LongSupplier clock, int queueCapacity) {
        this.ports = List.copyOf(ports);
        this.pollMillis = pollMillis;
        this.clock = clock;
        final int n = ports.size();
        queues = new ArrayBlockingQueue[n];
        views = new UnsafeBuffer[n];
        for (int i = 0; i < n; i++) {
            queues[i] = new ArrayBlockingQueue<>(queueCapacity);
            views[i] = new UnsafeBuffer(0, 0);
        }
        listeners = new AtomicReferenceArray<>(n);
        for (int i = 0; i < n; i++) {
            listeners.set(i, NOWHERE);
        }
        injected = new AtomicLongArray(n);
        dropped = new AtomicLongArray(n);
    }

    /** A frame arrives on {@code port} (copied); false when the port's queue is full or the I/O closed. */
    public boolean deliver(int port, DirectBuffer buffer, int offset, int length) {
        final byte[] frame = new byte[length];
        buffer.getBytes(offset, frame);
        return deliver(port, frame);
    }

    /** A frame arrives on {@code port}; the array is kept, so the caller must not reuse it. */
    public boolean deliver(int port, byte[] frame) {
        if (closed || !queues[port].offer(frame)) {
            dropped.incrementAndGet(port);
            return false;
        }
        return true;
    }

    /** Where frames injected on {@code port} go from now on; replaces the previous listener. */
    public void onInjected(int port, FrameSink listener) {
        listeners.set(port, listener == null ? NOWHERE : listener);
    }

    /** Frames injected on {@code port} by all injectors. */
    public long injected(int port) {
        return injected.get(port);
    }

    /** Frames {@link #deliver}ed to a full queue or after close. */
    public long dropped(int port) {
        return dropped.get(port);
    }

    @Override
    public List<Port> ports() {
        return ports;
    }

    @Override
    public int receive(int port, FrameReceiver receiver) {
        if (closed) {
            return END;
        }
        final ArrayBlockingQueue<byte[]> queue = queues[port];
        byte[] frame;
        try {
            frame = queue.poll(pollMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return END;
        }
        int count = 0;
        final UnsafeBuffer view = views[port];
        while (frame != null && !closed) {
            view.wrap(frame);
            receiver.onFrame(port, view, 0, frame.length, clock.getAsLong());
            if (++count == BATCH) {
                break;
            }
            frame = queue.poll();
        }
        return closed && count == 0 ? END : count;
    }

    @Override
    public Injector openInjector() {
        return new MemoryInjector();
    }

    @Override
    public void close() {
        closed = true;
    }

    private final class MemoryInjector implements Injector {
        private long failures;

        @Override
        public void send(int port, DirectBuffer buffer, int offset, int length) {
            if (closed || port < 0 || port >= ports.size()) {
                failures++;
                return;
            }
            injected.incrementAndGet(port);
            listeners.get(port).send(port, buffer, offset, length);
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
