package org.actorvs.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executor;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TCP and HTTP checkers against real servers on 127.0.0.1. */
class CheckersTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Executor CALLER = Runnable::run;
    private static final byte[] BODY = "r2\n".getBytes(StandardCharsets.US_ASCII);

    private HttpServer http;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void server() throws IOException {
        http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        http.createContext("/", ex -> {
            ex.sendResponseHeaders(200, BODY.length);
            ex.getResponseBody().write(BODY);
            ex.close();
        });
        http.createContext("/broken", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        http.start();
    }

    @AfterEach
    void stop() throws Exception {
        http.stop(0);
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private InetSocketAddress httpAddress() {
        return new InetSocketAddress(LOOPBACK, http.getAddress().getPort());
    }

    /** A port nothing listens on: bound, then closed. */
    private static InetSocketAddress closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return new InetSocketAddress(LOOPBACK, s.getLocalPort());
        }
    }

    /** A server that accepts connections (the kernel completes the handshake) and never answers. */
    private InetSocketAddress silentServer() throws IOException {
        ServerSocket s = new ServerSocket(0, 10, LOOPBACK);
        closeables.add(s);
        return new InetSocketAddress(LOOPBACK, s.getLocalPort());
    }

    private HttpGetChecker get(InetSocketAddress target, String path, String digest) {
        return new HttpGetChecker(target, path, HttpGetChecker.DEFAULT_STATUS, digest, TIMEOUT, CALLER);
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    @Test
    void tcpConnectToAListeningPortPasses() {
        CheckResult r = new TcpConnectChecker(httpAddress(), TIMEOUT, CALLER).checkNow();
        assertTrue(r.ok(), r.detail());
    }

    @Test
    void tcpConnectToAClosedPortFailsAsRefused() throws IOException {
        CheckResult r = new TcpConnectChecker(closedPort(), TIMEOUT, CALLER).checkNow();
        assertFalse(r.ok());
        assertTrue(r.detail().contains("refused"), r.detail());
    }

    @Test
    void tcpCheckRunsOnTheGivenExecutor() throws Exception {
        List<Runnable> queued = new ArrayList<>();
        var future = new TcpConnectChecker(httpAddress(), TIMEOUT, queued::add).check();
        assertFalse(future.isDone(), "nothing ran on the caller's thread");
        queued.forEach(Runnable::run);
        assertTrue(future.get().ok());
    }

    @Test
    void httpGetWithTheExpectedStatusPasses() {
        CheckResult r = get(httpAddress(), "/", null).checkNow();
        assertTrue(r.ok(), r.detail());
    }

    @Test
    void httpGetWithAStatusOutsideTheListFails() {
        CheckResult r = get(httpAddress(), "/broken", null).checkNow();
        assertFalse(r.ok());
        assertTrue(r.detail().contains("status 503"), r.detail());
    }

    @Test
    void httpGetAcceptsAStatusInAConfiguredRange() {
        CheckResult r = new HttpGetChecker(httpAddress(), "/broken",
                List.of(new HttpGetChecker.StatusRange(200, 200), new HttpGetChecker.StatusRange(500, 599)), null,
                TIMEOUT, CALLER).checkNow();
        assertTrue(r.ok(), r.detail());
    }

    @Test
    void httpGetToAClosedPortFails() throws IOException {
        CheckResult r = get(closedPort(), "/", null).checkNow();
        assertFalse(r.ok());
        assertTrue(r.detail().contains("refused"), r.detail());
    }

    @Test
    void httpGetWithTheBodysDigestPasses() throws Exception {
        CheckResult r = get(httpAddress(), "/", md5(BODY).toUpperCase()).checkNow();
        assertTrue(r.ok(), r.detail());
    }

    @Test
    void httpGetWithAnotherDigestFails() throws Exception {
        String other = md5("r1\n".getBytes(StandardCharsets.US_ASCII));
        CheckResult r = get(httpAddress(), "/", other).checkNow();
        assertFalse(r.ok());
        assertTrue(r.detail().contains("MD5 digest " + md5(BODY) + " is not " + other), r.detail());
    }

    @Test
    void httpGetToAServerThatNeverAnswersTimesOut() throws IOException {
        CheckResult r = get(silentServer(), "/", null).checkNow();
        assertFalse(r.ok());
        assertTrue(r.detail().contains("no complete answer within 500ms"), r.detail());
    }

    @Test
    void httpGetDigestsABodyThatRunsToTheEndOfTheConnection() throws Exception {
        ServerSocket s = new ServerSocket(0, 10, LOOPBACK);
        closeables.add(s);
        Thread t = new Thread(() -> {
            try (Socket c = s.accept()) {
                c.getInputStream().read(new byte[1024]);
                c.getOutputStream().write("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nr2\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the check then fails and the assertion says so
            }
        });
        t.start();
        CheckResult r = get(new InetSocketAddress(LOOPBACK, s.getLocalPort()), "/", md5(BODY)).checkNow();
        t.join();
        assertTrue(r.ok(), r.detail());
    }

    @Test
    void statusLineAndContentLengthAreParsed() {
        assertEquals(204, HttpGetChecker.statusCode("HTTP/1.1 204 No Content\r\nContent-Length: 12"));
        assertEquals(-1, HttpGetChecker.statusCode("SSH-2.0-OpenSSH_9.0"));
        assertEquals(12, HttpGetChecker.contentLength("HTTP/1.1 200 OK\r\ncontent-length: 12"));
        assertEquals(-1, HttpGetChecker.contentLength("HTTP/1.0 200 OK"));
    }
}
