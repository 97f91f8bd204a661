package org.actorvs.health;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * keepalived's HTTP_GET with one url block: an HTTP/1.0 GET of {@code path}; the server is healthy when
 * the status code is one of {@code status} (keepalived's default 200-299) and, when a digest is given,
 * the MD5 of the body equals it (the value genhash prints). Connect, request and answer together must
 * finish within the timeout.
 */
public final class HttpGetChecker extends BlockingChecker {
    /** keepalived's default status_code. */
    public static final List<StatusRange> DEFAULT_STATUS = List.of(new StatusRange(200, 299));
    /** The most header bytes read before the answer is taken as malformed. */
    static final int MAX_HEADER = 16 * 1024;

    /** Status codes {@code from..to} inclusive, as keepalived's status_code 200-299. */
    public record StatusRange(int from, int to) {
        public StatusRange {
            if (from < 100 || to > 999 || from > to) {
                throw new IllegalArgumentException("status range " + from + "-" + to + " outside 100..999");
            }
        }

        public boolean contains(final int code) {
            return code >= from && code <= to;
        }

        @Override
        public String toString() {
            return from == to ? Integer.toString(from) : from + "-" + to;
        }
    }

    private final String path;
    private final List<StatusRange> status;
    private final String digest;

    /**
     * @param digest the expected MD5 of the body as 32 hex digits, or null for none
     * @param executor where the check waits (a blocking-I/O pool, never an actor's dispatcher)
     */
    public HttpGetChecker(final InetSocketAddress target, final String path, final List<StatusRange> status,
                          final String digest, final Duration timeout, final Executor executor) {
        super(target, timeout, executor);
        this.path = Objects.requireNonNull(path, "path");
        this.status = List.copyOf(status);
        if (this.status.isEmpty()) {
            throw new IllegalArgumentException("no status code");
        }
        if (digest != null && !digest.matches("[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("digest is not 32 hex digits: " + digest);
        }
        this.digest = digest == null ? null : digest.toLowerCase(Locale.ROOT);
    }

    @Override
    public CheckResult checkNow() {
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (Selector selector = Selector.open();
             SocketChannel channel = Channels.connect(target, selector, deadline, timeout)) {
            Channels.writeAll(channel, selector, ByteBuffer.wrap(request().getBytes(StandardCharsets.US_ASCII)),
                deadline, timeout);
            return answer(channel, selector, deadline);
        } catch (final IOException e) {
            return fail(Channels.describe(e));
        }
    }

    /** As keepalived's request: HTTP/1.0, so the server closes after the body and never chunks it. */
    private String request() {
        final String host = target.getAddress() instanceof Inet6Address
            ? "[" + target.getAddress().getHostAddress() + "]" : target.getAddress().getHostAddress();
        return "GET " + path + " HTTP/1.0\r\nUser-Agent: ActorVS-HealthCheck\r\nHost: " + host
            + (target.getPort() == 80 ? "" : ":" + target.getPort()) + "\r\n\r\n";
    }

    private CheckResult answer(final SocketChannel channel, final Selector selector, final long deadline)
        throws IOException {
        final ByteBuffer buf = ByteBuffer.allocate(MAX_HEADER);
        int headerEnd;
        while ((headerEnd = headerEnd(buf)) < 0) {
            if (!buf.hasRemaining()) {
                return fail("answer header longer than " + MAX_HEADER + " bytes");
            }
            if (Channels.read(channel, selector, buf, deadline, timeout) < 0) {
                return fail("connection closed before the answer header ended");
            }
        }
        final String header = new String(buf.array(), 0, headerEnd, StandardCharsets.ISO_8859_1);
        final int code = statusCode(header);
        if (code < 0) {
            return fail("not an HTTP answer: " + header.lines().findFirst().orElse(""));
        }
        if (status.stream().noneMatch(r -> r.contains(code))) {
            return fail("status " + code + " is not " + status.stream().map(StatusRange::toString).toList());
        }
        if (digest == null) {
            return CheckResult.OK;
        }
        final MessageDigest md5 = md5();
        md5.update(buf.array(), headerEnd + 4, buf.position() - headerEnd - 4);
        final long length = contentLength(header);
        long read = buf.position() - headerEnd - 4L;
        while (length < 0 || read < length) {
            buf.clear();
            final int n = Channels.read(channel, selector, buf, deadline, timeout);
            if (n < 0) {
                if (length >= 0) {
                    return fail("body ended after " + read + " of " + length + " bytes");
                }
                break;
            }
            md5.update(buf.array(), 0, n);
            read += n;
        }
        final String got = HexFormat.of().formatHex(md5.digest());
        return got.equals(digest) ? CheckResult.OK : fail("MD5 digest " + got + " is not " + digest);
    }

    private CheckResult fail(final String why) {
        return CheckResult.failed("HTTP GET " + Channels.text(target) + path + ": " + why);
    }

    /** Index of the blank line ending the header, or -1 while it has not arrived. */
    private static int headerEnd(final ByteBuffer buf) {
        final byte[] b = buf.array();
        for (int i = 0; i + 3 < buf.position(); i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The code of "HTTP/x.y CODE reason", or -1. */
    static int statusCode(final String header) {
        final String line = header.lines().findFirst().orElse("");
        final String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("[0-9]{3}")) {
            return -1;
        }
        return Integer.parseInt(parts[1]);
    }

    /** Content-Length, or -1 when absent (the body then runs to the end of the connection). */
    static long contentLength(final String header) {
        for (final String line : header.lines().skip(1).toList()) {
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                final String v = line.substring(colon + 1).trim();
                return v.matches("[0-9]{1,18}") ? Long.parseLong(v) : -1;
            }
        }
        return -1;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    @Override
    public String toString() {
        return "HTTP_GET " + Channels.text(target) + path;
    }
}
