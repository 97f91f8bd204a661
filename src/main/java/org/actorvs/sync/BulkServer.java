package org.actorvs.sync;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicLong;

import org.actorvs.sync.BulkTransfer.Failure;
import org.actorvs.sync.BulkTransfer.Link;
import org.actorvs.sync.BulkTransfer.Refused;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving side of a {@link BulkTransfer}: listens, authenticates each client, asks for a fresh
 * snapshot of the table and streams it. One accept thread and at most {@link #MAX_SESSIONS}
 * transfers at once (more are closed at once: a starting director retries another peer), each on
 * its own thread and bounded by the configured timeout. A client's misbehaviour ends its own
 * transfer and is counted by {@link Failure}; it never reaches the table's owners.
 */
public final class BulkServer implements AutoCloseable {
    /** Where the table comes from: one snapshot per transfer, taken by the table's owners. */
    @FunctionalInterface
    public interface Snapshot {
        /** v1 sync messages holding every connection. */
        CompletionStage<List<byte[]>> messages();
    }

    public static final int MAX_SESSIONS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(BulkServer.class);

    private final ServerSocketChannel listener;
    private final byte[] key;
    private final boolean insecure;
    private final Duration timeout;
    private final Snapshot snapshot;
    private final SecureRandom random = new SecureRandom();
    private final Semaphore sessions = new Semaphore(MAX_SESSIONS);
    private final Thread acceptor;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private final AtomicLongArray failures = new AtomicLongArray(Failure.COUNT_OF);
    private volatile boolean closed;

    /**
     * Binds {@code config.listen()} and starts accepting.
     *
     * @throws IOException when the address cannot be bound
     */
    public BulkServer(BulkConfig config, Snapshot snapshot) throws IOException {
        InetSocketAddress listen = config.listen()
                .orElseThrow(() -> new IllegalArgumentException("sync.bulk has no listen address"));
        this.key = config.key();
        this.insecure = config.insecure();
        this.timeout = config.timeout();
        this.snapshot = snapshot;
        this.listener = ServerSocketChannel.open();
        try {
            // A director restarted at once must bind again while its last transfers sit in TIME_WAIT.
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(listen);
        } catch (IOException e) {
            listener.close();
            throw new IOException("sync.bulk: cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        this.acceptor = new Thread(this::acceptLoop, "bulk-sync-server");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("bulk sync: serving the connection table on {} ({})", address(),
                key != null ? "authenticated" : insecure ? "unauthenticated, insecure" : "unauthenticated, loopback only");
    }

    /** The bound address (the real port when the configured one was 0). */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            final SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("bulk sync: accept failed: {}", e.toString());
                }
                continue;
            }
            if (!sessions.tryAcquire()) {
                busy.incrementAndGet();
                closeQuietly(channel);
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    session(channel);
                } finally {
                    sessions.release();
                }
            }, "bulk-sync-session");
            t.setDaemon(true);
            t.start();
        }
    }

    private void session(SocketChannel channel) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (Link link = Link.accepted(channel, deadline)) {
            final InetSocketAddress remote = link.remote();
            try {
                serve(link, remote, deadline);
                served.incrementAndGet();
            } catch (Refused e) {
                failures.incrementAndGet(e.failure().ordinal());
                LOG.warn("bulk sync: transfer to {} refused: {}", remote, e.getMessage());
            }
        } catch (IOException e) {
            failures.incrementAndGet(Failure.IO.ordinal());
            LOG.warn("bulk sync: a transfer failed: {}", e.toString());
        }
    }

    private void serve(Link link, InetSocketAddress remote, long deadline) throws Refused {
        if (key == null && !insecure && (remote == null || !remote.getAddress().isLoopbackAddress())) {
            throw new Refused(Failure.UNAUTHENTICATED_REMOTE, "no key is configured and " + remote
                    + " is not loopback (sync.bulk.insecure is off)");
        }
        final byte[] serverNonce = new byte[BulkTransfer.NONCE_LENGTH];
        random.nextBytes(serverNonce);
        final UnsafeBuffer out = link.outgoing();
        final int at = BulkTransfer.HEADER_LENGTH;
        out.putInt(at + BulkTransfer.HELLO_MAGIC_OFFSET, BulkTransfer.MAGIC, ByteOrder.BIG_ENDIAN);
        out.putByte(at + BulkTransfer.HELLO_VERSION_OFFSET, (byte) BulkTransfer.VERSION);
        out.putByte(at + BulkTransfer.HELLO_FLAGS_OFFSET, (byte) (key != null ? BulkTransfer.FLAG_KEYED : 0));
        out.putBytes(at + BulkTransfer.HELLO_NONCE_OFFSET, serverNonce);
        link.send(BulkTransfer.HELLO, BulkTransfer.HELLO_LENGTH);

        link.expect(BulkTransfer.AUTH, BulkTransfer.AUTH_LENGTH);
        final UnsafeBuffer in = link.payload();
        final boolean clientKeyed = (in.getByte(BulkTransfer.AUTH_FLAGS_OFFSET) & BulkTransfer.FLAG_KEYED) != 0;
        if (clientKeyed != (key != null)) {
            throw new Refused(Failure.KEY_MISMATCH, key != null ? "the client has no key" : "the client has a key, we not");
        }
        final byte[] clientNonce = new byte[BulkTransfer.NONCE_LENGTH];
        in.getBytes(BulkTransfer.AUTH_NONCE_OFFSET, clientNonce);
        if (!BulkTransfer.macEquals(BulkTransfer.mac(key, serverNonce, clientNonce), in, BulkTransfer.AUTH_MAC_OFFSET)) {
            throw new Refused(Failure.AUTH_FAILED, "the client's proof does not match our key");
        }
        link.send(BulkTransfer.ACCEPT, BulkTransfer.mac(key, clientNonce, serverNonce));

        final List<byte[]> messages = take(deadline);
        final BulkTransfer.Transcript transcript = new BulkTransfer.Transcript(key, serverNonce, clientNonce);
        final V1HeaderFlyweight header = new V1HeaderFlyweight();
        long entries = 0;
        for (byte[] m : messages) {
            entries += header.wrap(new UnsafeBuffer(m), 0).count();
            transcript.message(m);
            link.send(BulkTransfer.MESSAGE, m);
        }
        out.putLong(at + BulkTransfer.END_ENTRIES_OFFSET, entries, ByteOrder.BIG_ENDIAN);
        out.putInt(at + BulkTransfer.END_MESSAGES_OFFSET, messages.size(), ByteOrder.BIG_ENDIAN);
        out.putBytes(at + BulkTransfer.END_MAC_OFFSET, transcript.finish(entries, messages.size()));
        link.send(BulkTransfer.END, BulkTransfer.END_LENGTH);
        LOG.info("bulk sync: sent {} connections in {} messages to {}", entries, messages.size(), link.remote());
    }

    private List<byte[]> take(long deadline) throws Refused {
        try {
            return snapshot.messages().toCompletableFuture()
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(Failure.SNAPSHOT, "interrupted");
        } catch (Exception e) {
            throw new Refused(Failure.SNAPSHOT, e.toString());
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // refusing a connection: nothing to report
        }
    }

    /** Transfers completed. */
    public long served() {
        return served.get();
    }

    /** Connections closed at once because {@link #MAX_SESSIONS} transfers were running. */
    public long busy() {
        return busy.get();
    }

    /** Transfers given up for {@code failure}. */
    public long failures(Failure failure) {
        return failures.get(failure.ordinal());
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            LOG.warn("bulk sync: closing the listener failed", e);
        }
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
