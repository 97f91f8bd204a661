package org.actorvs.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import org.actorvs.admin.AddressText;

/**
 * Non-blocking socket steps bounded by one deadline, so that a check takes at most its timeout however
 * the server behaves (refuses, never accepts, accepts and never answers, answers byte by byte).
 */
final class Channels {
    /** Thrown when the deadline passes; its message is the log text. */
    static final class TimedOut extends IOException {
        private static final long serialVersionUID = 1L;

        TimedOut(final String what) {
            super(what);
        }
    }

    private Channels() {
    }

    /** A non-blocking channel connected to {@code target}, registered with {@code selector}. */
    static SocketChannel connect(final InetSocketAddress target, final Selector selector, final long deadlineNanos,
                                 final Duration timeout) throws IOException {
        final SocketChannel channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            final SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
            if (!channel.connect(target)) {
                while (!(await(selector, key, deadlineNanos, "no connection within " + text(timeout))
                        && channel.finishConnect())) {
                    // a spurious wake-up: wait again for the rest of the time
                }
            }
            return channel;
        } catch (final IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    static void writeAll(final SocketChannel channel, final Selector selector, final ByteBuffer data,
                         final long deadlineNanos, final Duration timeout) throws IOException {
        final SelectionKey key = channel.keyFor(selector);
        key.interestOps(SelectionKey.OP_WRITE);
        while (data.hasRemaining()) {
            if (channel.write(data) == 0) {
                await(selector, key, deadlineNanos, "request not sent within " + text(timeout));
            }
        }
    }

    /** Reads what is there, waiting up to the deadline for something; -1 at the end of the stream. */
    static int read(final SocketChannel channel, final Selector selector, final ByteBuffer into,
                    final long deadlineNanos, final Duration timeout) throws IOException {
        final SelectionKey key = channel.keyFor(selector);
        key.interestOps(SelectionKey.OP_READ);
        int n;
        while ((n = channel.read(into)) == 0) {
            await(selector, key, deadlineNanos, "no complete answer within " + text(timeout));
        }
        return n;
    }

    /** Waits for the key's interest; true when it is ready, false for a wake-up without it. */
    private static boolean await(final Selector selector, final SelectionKey key, final long deadlineNanos,
                                 final String timedOut) throws IOException {
        final long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new TimedOut(timedOut);
        }
        selector.selectedKeys().clear();
        selector.select(Math.max(1, Duration.ofNanos(left).toMillis()));
        return selector.selectedKeys().contains(key);
    }

    /** The message a failed step is logged with. */
    static String describe(final IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** 10.0.0.2:80 or [fd00::2]:80. */
    static String text(final InetSocketAddress a) {
        return AddressText.formatWithPort(a.getAddress(), a.getPort());
    }

    static String text(final Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
