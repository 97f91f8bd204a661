package org.actorvs.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * keepalived's TCP_CHECK: the server is healthy when a TCP connection to it completes within the
 * connect_timeout; the connection is closed at once (tcp_check_thread()).
 */
public final class TcpConnectChecker extends BlockingChecker {
    /** @param executor where the check waits (a blocking-I/O pool, never an actor's dispatcher) */
    public TcpConnectChecker(final InetSocketAddress target, final Duration timeout, final Executor executor) {
        super(target, timeout, executor);
    }

    @Override
    public CheckResult checkNow() {
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (Selector selector = Selector.open();
             SocketChannel channel = Channels.connect(target, selector, deadline, timeout)) {
            return CheckResult.OK;
        } catch (final IOException e) {
            return CheckResult.failed("TCP connection to " + Channels.text(target) + ": " + Channels.describe(e));
        }
    }

    @Override
    public String toString() {
        return "TCP_CHECK " + Channels.text(target);
    }
}
