package org.actorvs.sync;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The other end of a bulk transfer played by hand over blocking loopback TCP, frame by frame, so a
 * test can send what no real server or client would: wrong macs, bad sizes, corrupt messages.
 */
public final class FakeBulkPeer implements AutoCloseable {
    /** What the fake does with one accepted connection. */
    @FunctionalInterface
    public interface Script {
        void run(SocketChannel channel) throws Exception;
    }

    private final ServerSocketChannel listener;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /** Listens on a free loopback port and runs {@code script} on the first connection. */
    public FakeBulkPeer(Script script) throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(() -> {
            try (SocketChannel c = listener.accept()) {
                script.run(c);
                done.complete(null);
            } catch (Exception | AssertionError e) {
                done.completeExceptionally(e);
            }
        }, "fake-bulk-peer");
        t.setDaemon(true);
        t.start();
    }

    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) listener.getLocalAddress();
    }

    /** Waits for the script to end; rethrows what it threw. */
    public void join() throws Exception {
        done.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    /** Connects a client to {@code server} (for scripts playing the client). */
    public static SocketChannel connect(InetSocketAddress server) throws IOException {
        return SocketChannel.open(server);
    }

    public static void send(SocketChannel c, int type, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(BulkTransfer.HEADER_LENGTH + payload.length).order(ByteOrder.BIG_ENDIAN);
        b.putInt(1 + payload.length).put((byte) type).put(payload).flip();
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    /** Sends a bare frame header claiming {@code length}, and nothing after it. */
    public static void sendHeader(SocketChannel c, int length, int type) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(BulkTransfer.HEADER_LENGTH).order(ByteOrder.BIG_ENDIAN);
        b.putInt(length).put((byte) type).flip();
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    /** Reads one frame's payload, checking its type; null when the peer closed the connection first. */
    public static byte[] receive(SocketChannel c, int type) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(BulkTransfer.HEADER_LENGTH).order(ByteOrder.BIG_ENDIAN);
        if (!fill(c, h)) {
            return null;
        }
        int length = h.getInt(0);
        if ((h.get(4) & 0xFF) != type) {
            throw new IOException("frame type " + (h.get(4) & 0xFF) + ", expected " + type);
        }
        ByteBuffer p = ByteBuffer.allocate(length - 1);
        return fill(c, p) ? p.array() : null;
    }

    /** Whether the peer closed the connection (reads until end of stream). */
    public static boolean closedByPeer(SocketChannel c) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        try {
            while (true) {
                b.clear();
                if (c.read(b) < 0) {
                    return true;
                }
            }
        } catch (IOException e) {
            // a reset is a close too
            return true;
        }
    }

    private static boolean fill(SocketChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A HELLO payload. */
    public static byte[] hello(boolean keyed, byte[] nonce) {
        return ByteBuffer.allocate(BulkTransfer.HELLO_LENGTH).putInt(BulkTransfer.MAGIC).put((byte) BulkTransfer.VERSION)
                .put((byte) (keyed ? BulkTransfer.FLAG_KEYED : 0)).put(nonce).array();
    }

    /** An AUTH payload proving {@code key} (null: unkeyed) against the server's nonce. */
    public static byte[] auth(byte[] key, byte[] serverNonce, byte[] clientNonce) {
        return ByteBuffer.allocate(BulkTransfer.AUTH_LENGTH).put((byte) (key != null ? BulkTransfer.FLAG_KEYED : 0))
                .put(clientNonce).put(BulkTransfer.mac(key, serverNonce, clientNonce)).array();
    }

    /** A mac as either side computes it: HMAC-SHA256(key, first || second). */
    public static byte[] proof(byte[] key, byte[] first, byte[] second) {
        return BulkTransfer.mac(key, first, second);
    }

    /** The client nonce of an AUTH payload. */
    public static byte[] clientNonce(byte[] auth) {
        byte[] n = new byte[BulkTransfer.NONCE_LENGTH];
        System.arraycopy(auth, BulkTransfer.AUTH_NONCE_OFFSET, n, 0, n.length);
        return n;
    }

    /** The server nonce of a HELLO payload. */
    public static byte[] serverNonce(byte[] hello) {
        byte[] n = new byte[BulkTransfer.NONCE_LENGTH];
        System.arraycopy(hello, BulkTransfer.HELLO_NONCE_OFFSET, n, 0, n.length);
        return n;
    }

    /** An unkeyed END (zero mac). */
    public static byte[] end(long entries, int messages) {
        return ByteBuffer.allocate(BulkTransfer.END_LENGTH).putLong(entries).putInt(messages).array();
    }

    /** Plays an unkeyed server up to and including ACCEPT. */
    public static void acceptUnkeyed(SocketChannel c) throws IOException {
        send(c, BulkTransfer.HELLO, hello(false, new byte[BulkTransfer.NONCE_LENGTH]));
        if (receive(c, BulkTransfer.AUTH) == null) {
            throw new IOException("the client closed before AUTH");
        }
        send(c, BulkTransfer.ACCEPT, new byte[BulkTransfer.MAC_LENGTH]);
    }
}
