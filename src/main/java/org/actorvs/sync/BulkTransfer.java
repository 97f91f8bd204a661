package org.actorvs.sync;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The bulk transfer of a whole connection table between directors, over TCP: a starting director
 * (the client) pulls the table of a running one (the server) before it may take the VIPs, so a
 * failback loses no connection. The kernel has no such thing (its backup only learns what the
 * master sends from then on); the table travels in the kernel's own v1 sync messages.
 *
 * <p>Framing: every frame is {@code length:u32 type:u8 payload}, big-endian, where length counts
 * the type byte and the payload and is at most {@link #MAX_FRAME}:
 * <pre>
 * server → client  HELLO   magic:u32 "AVSB"  version:u8 = 1  flags:u8 (bit 0 KEYED)  nonce[32]
 * client → server  AUTH    flags:u8 (bit 0 KEYED)  nonce[32]  mac[32] = HMAC-SHA256(key, server nonce || client nonce)
 * server → client  ACCEPT  mac[32] = HMAC-SHA256(key, client nonce || server nonce)
 * server → client  MESSAGE one v1 sync message (header and entries, as SyncMessageEncoder builds it), repeated
 * server → client  END     entries:u64  messages:u32  mac[32] = HMAC-SHA256(key, server nonce || client nonce
 *                                                     || every MESSAGE payload || entries || messages)
 * </pre>
 * Without a key every mac is zeros. Either side refuses (closes the connection) when the other's
 * KEYED flag differs from its own, when a mac is wrong, or on any frame it does not expect: the
 * authentication is mutual, and a keyed client never takes a table from an unkeyed server.
 *
 * <p>Without a key the server serves loopback clients only, unless configured {@code insecure}:
 * a table tells who talks to which real server, and a forged one would steer traffic, so the
 * network must not see it unauthenticated by accident.
 *
 * <p>Every read and write runs against one absolute deadline; nothing here throws on peer input
 * except {@link Refused}, which names the {@link Failure}.
 */
public final class BulkTransfer {
    public static final int MAGIC = 0x41565342;
    public static final int VERSION = 1;

    public static final int LENGTH_OFFSET = 0;
    public static final int TYPE_OFFSET = 4;
    public static final int HEADER_LENGTH = 5;
    /** The type byte and the largest v1 message (its size field is 16 bits). */
    public static final int MAX_FRAME = 1 + SyncLimits.MAX_DATAGRAM;

    public static final int HELLO = 1;
    public static final int AUTH = 2;
    public static final int ACCEPT = 3;
    public static final int MESSAGE = 4;
    public static final int END = 5;

    public static final int NONCE_LENGTH = 32;
    public static final int MAC_LENGTH = 32;
    public static final int FLAG_KEYED = 1;
    /** A shorter shared key is refused by the configuration. */
    public static final int MIN_KEY_LENGTH = 16;

    public static final int HELLO_MAGIC_OFFSET = 0;
    public static final int HELLO_VERSION_OFFSET = 4;
    public static final int HELLO_FLAGS_OFFSET = 5;
    public static final int HELLO_NONCE_OFFSET = 6;
    public static final int HELLO_LENGTH = HELLO_NONCE_OFFSET + NONCE_LENGTH;

    public static final int AUTH_FLAGS_OFFSET = 0;
    public static final int AUTH_NONCE_OFFSET = 1;
    public static final int AUTH_MAC_OFFSET = AUTH_NONCE_OFFSET + NONCE_LENGTH;
    public static final int AUTH_LENGTH = AUTH_MAC_OFFSET + MAC_LENGTH;

    public static final int ACCEPT_MAC_OFFSET = 0;
    public static final int ACCEPT_LENGTH = MAC_LENGTH;

    public static final int END_ENTRIES_OFFSET = 0;
    public static final int END_MESSAGES_OFFSET = 8;
    public static final int END_MAC_OFFSET = 12;
    public static final int END_LENGTH = END_MAC_OFFSET + MAC_LENGTH;

    /** Why a transfer did not complete; each is counted by the side that saw it. */
    public enum Failure {
        /** No connection could be made (nobody listening, unreachable), or no HELLO came in time. */
        CONNECT,
        /** The deadline passed. */
        TIMEOUT,
        /** The peer closed the connection early (what the other side sees of a refusal). */
        CLOSED,
        /** A frame of the wrong type, size or content, or a sync message the decoder refuses. */
        MALFORMED,
        /** A frame longer than {@link #MAX_FRAME}. */
        OVERSIZED,
        /** One side has a key and the other not. */
        KEY_MISMATCH,
        /** A mac is wrong: the peer has another key, or the table was altered on the way. */
        AUTH_FAILED,
        /** An unkeyed client from outside loopback while the server is not insecure. */
        UNAUTHENTICATED_REMOTE,
        /** More entries than the client can hold, or END disagrees with what arrived. */
        COUNT,
        /** The server could not take its snapshot in time. */
        SNAPSHOT,
        /** Any other I/O error. */
        IO;

        public static final int COUNT_OF = values().length;
    }

    /** The transfer was given up for {@link #failure()}; the connection is closed. */
    public static final class Refused extends Exception {
        private final Failure failure;

        public Refused(Failure failure, String detail) {
            super(failure + ": " + detail, null, false, false);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    private BulkTransfer() {
    }

    /** HMAC-SHA256 of {@code first || second}; a zero mac without a key. */
    static byte[] mac(byte[] key, byte[] first, byte[] second) {
        Mac mac = hmac(key);
        if (mac == null) {
            return new byte[MAC_LENGTH];
        }
        mac.update(first);
        mac.update(second);
        return mac.doFinal();
    }

    /** An HMAC-SHA256 keyed with {@code key}, null without a key. */
    private static Mac hmac(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            // every Java platform has HmacSHA256 (Mac's javadoc): not reachable on a conforming JVM
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * The mac END carries: HMAC-SHA256(key, server nonce || client nonce || every MESSAGE payload
     * in order || END's entries and messages fields), so a table altered or cut on the way after
     * the handshake is refused, not only an impostor at the handshake. Zeros without a key.
     */
    static final class Transcript {
        private final Mac mac;
        private final byte[] counts = new byte[END_MAC_OFFSET];

        Transcript(byte[] key, byte[] serverNonce, byte[] clientNonce) {
            this.mac = hmac(key);
            if (mac != null) {
                mac.update(serverNonce);
                mac.update(clientNonce);
            }
        }

        void message(byte[] message) {
            if (mac != null) {
                mac.update(message);
            }
        }

        byte[] finish(long entries, int messages) {
            if (mac == null) {
                return new byte[MAC_LENGTH];
            }
            UnsafeBuffer b = new UnsafeBuffer(counts);
            b.putLong(END_ENTRIES_OFFSET, entries, ByteOrder.BIG_ENDIAN);
            b.putInt(END_MESSAGES_OFFSET, messages, ByteOrder.BIG_ENDIAN);
            mac.update(counts);
            return mac.doFinal();
        }
    }

    /** Compares in constant time, so a wrong mac tells nothing about the right one. */
    static boolean macEquals(byte[] expected, UnsafeBuffer frame, int offset) {
        byte[] got = new byte[MAC_LENGTH];
        frame.getBytes(offset, got);
        return MessageDigest.isEqual(expected, got);
    }

    /**
     * One side of a transfer: a non-blocking channel driven by a selector, so every read and write
     * waits at most until the deadline. Not thread-safe.
     */
    static final class Link implements AutoCloseable {
        private final SocketChannel channel;
        private final Selector selector;
        private long deadlineNanos;
        private final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.BIG_ENDIAN);
        private final ByteBuffer frame = ByteBuffer.allocate(MAX_FRAME - 1);
        private final UnsafeBuffer payload = new UnsafeBuffer(frame);
        private final ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH + MAX_FRAME - 1).order(ByteOrder.BIG_ENDIAN);
        private final UnsafeBuffer outView = new UnsafeBuffer(out);
        private int payloadLength;

        private Link(SocketChannel channel, long deadlineNanos) throws IOException {
            this.channel = channel;
            this.deadlineNanos = deadlineNanos;
            channel.configureBlocking(false);
            this.selector = Selector.open();
        }

        /** Wraps an accepted channel. */
        static Link accepted(SocketChannel channel, long deadlineNanos) throws IOException {
            try {
                return new Link(channel, deadlineNanos);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }

        /** Connects to {@code peer} by the deadline. */
        static Link connect(InetSocketAddress peer, long deadlineNanos) throws Refused {
            SocketChannel channel = null;
            Link link = null;
            try {
                channel = SocketChannel.open();
                link = new Link(channel, deadlineNanos);
                if (!channel.connect(peer)) {
                    link.await(SelectionKey.OP_CONNECT, Failure.CONNECT);
                    while (!channel.finishConnect()) {
                        link.await(SelectionKey.OP_CONNECT, Failure.CONNECT);
                    }
                }
                return link;
            } catch (IOException e) {
                closeQuietly(link, channel);
                throw new Refused(Failure.CONNECT, peer + ": " + e.getMessage());
            } catch (Refused e) {
                closeQuietly(link, channel);
                throw e;
            }
        }

        private static void closeQuietly(Link link, SocketChannel channel) {
            try {
                if (link != null) {
                    link.close();
                } else if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // already failing: the first error is the one reported
            }
        }

        /** Moves the deadline (a client gives each peer a share of the bound until it answers). */
        void deadline(long nanos) {
            this.deadlineNanos = nanos;
        }

        /** The buffer a frame's payload is written into before {@link #send}, from offset 0. */
        UnsafeBuffer outgoing() {
            return outView;
        }

        /** Sends a frame whose payload the caller put at {@link #outgoing()} from {@link #HEADER_LENGTH}. */
        void send(int type, int length) throws Refused {
            outView.putInt(LENGTH_OFFSET, 1 + length, ByteOrder.BIG_ENDIAN);
            outView.putByte(TYPE_OFFSET, (byte) type);
            out.clear().limit(HEADER_LENGTH + length);
            try {
                while (out.hasRemaining()) {
                    if (channel.write(out) == 0) {
                        await(SelectionKey.OP_WRITE, Failure.TIMEOUT);
                    }
                }
            } catch (IOException e) {
                throw new Refused(Failure.IO, "send: " + e.getMessage());
            }
        }

        /** Sends {@code bytes} as the payload of a frame. */
        void send(int type, byte[] bytes) throws Refused {
            outView.putBytes(HEADER_LENGTH, bytes);
            send(type, bytes.length);
        }

        /**
         * Reads the next frame: its type is returned, its payload is {@link #payload()} for
         * {@link #payloadLength()} bytes until the next receive.
         */
        int receive() throws Refused {
            header.clear();
            fill(header);
            final int length = header.getInt(LENGTH_OFFSET);
            if (length < 1 || length > MAX_FRAME) {
                // compared as signed: a length past 2^31 is negative here and refused the same
                throw new Refused(length < 1 ? Failure.MALFORMED : Failure.OVERSIZED, "frame length " + length);
            }
            final int type = header.get(TYPE_OFFSET) & 0xFF;
            frame.clear().limit(length - 1);
            fill(frame);
            payloadLength = length - 1;
            return type;
        }

        /** Reads a frame that must be of {@code type} and exactly {@code length} bytes long. */
        void expect(int type, int length) throws Refused {
            final int got = receive();
            if (got != type || payloadLength != length) {
                throw new Refused(Failure.MALFORMED, "expected frame " + type + " of " + length + " bytes, got "
                        + got + " of " + payloadLength);
            }
        }

        UnsafeBuffer payload() {
            return payload;
        }

        int payloadLength() {
            return payloadLength;
        }

        private void fill(ByteBuffer into) throws Refused {
            try {
                while (into.hasRemaining()) {
                    final int n = channel.read(into);
                    if (n < 0) {
                        throw new Refused(Failure.CLOSED, "the peer closed the connection");
                    }
                    if (n == 0) {
                        await(SelectionKey.OP_READ, Failure.TIMEOUT);
                    }
                }
            } catch (IOException e) {
                throw new Refused(Failure.IO, "receive: " + e.getMessage());
            }
        }

        private void await(int op, Failure onTimeout) throws IOException, Refused {
            final long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new Refused(onTimeout, "deadline passed");
            }
            SelectionKey key = channel.register(selector, op);
            // select(ms) with 0 waits forever: at least 1 ms
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
            key.interestOps(0);
            if (deadlineNanos - System.nanoTime() <= 0 && !ready(key, op)) {
                throw new Refused(onTimeout, "deadline passed");
            }
        }

        private static boolean ready(SelectionKey key, int op) {
            return key.isValid() && (key.readyOps() & op) != 0;
        }

        InetSocketAddress remote() {
            try {
                return (InetSocketAddress) channel.getRemoteAddress();
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                selector.close();
            } finally {
                channel.close();
            }
        }
    }
}
