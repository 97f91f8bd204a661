package org.actorvs.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.actorvs.config.DirectorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The admin API on HTTP (the JDK's server): authenticates, bounds what a client may send, and
 * hands each request to {@link AdminApi}. Two worker threads: requests are rare and short, and a
 * client that floods the API must not take more of the director than that.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    /** The largest request body: a rules file of some ten thousand services and destinations. */
    static final int MAX_BODY = 1 << 20;
    /** A body longer than this is not even read to the end before the 413. */
    private static final long DISCARD_LIMIT = 8L * MAX_BODY;
    /** Query strings are a few short parameters; anything longer is not ours. */
    private static final int MAX_QUERY = 1024;
    private static final int THREADS = 2;

    private final HttpServer server;
    private final ExecutorService workers;
    private final AdminApi api;
    private final byte[] token;

    private AdminServer(HttpServer server, ExecutorService workers, AdminApi api, Optional<String> token) {
        this.server = server;
        this.workers = workers;
        this.api = api;
        this.token = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /**
     * Serves {@code director} on the configured address (port 0: any free port, see {@link #port()}).
     *
     * @throws IOException when the address cannot be bound
     */
    public static AdminServer start(DirectorConfig.Admin config, Director director) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(config.address(), config.port()), 16);
        ExecutorService workers = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "admin-api");
            t.setDaemon(true);
            return t;
        });
        AdminServer s = new AdminServer(http, workers, new AdminApi(director), config.token());
        http.createContext("/", s::exchange);
        http.setExecutor(workers);
        http.start();
        LOG.info("admin API on http://{}:{}{}", config.address().getHostAddress(), s.port(),
                config.token().isPresent() ? " (bearer token required)" : "");
        return s;
    }

    /**
     * The daemon's admin API: started for {@code director} and stopped with it. When it cannot start,
     * the director is closed, so that a daemon never runs without the API its operator configured.
     */
    public static void serve(Director director, DirectorConfig.Admin config) throws IOException {
        AdminServer s;
        try {
            s = start(config, director);
        } catch (IOException | RuntimeException e) {
            director.close();
            throw new IOException("admin API: cannot listen on " + config.address().getHostAddress() + ":"
                    + config.port() + ": " + e.getMessage(), e);
        }
        director.system().getWhenTerminated().thenRun(s::close);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void exchange(HttpExchange x) {
        try (x) {
            AdminApi.Response r = answer(x);
            if (r.status() == 401) {
                x.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            }
            x.getResponseHeaders().set("Content-Type", r.contentType());
            x.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(r.body());
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, or sent what the JDK server could not take: nothing to answer
            LOG.debug("admin request failed", e);
        }
    }

    private AdminApi.Response answer(HttpExchange x) throws IOException {
        if (!authorized(x.getRequestHeaders().getFirst("Authorization"))) {
            return api.error(401, "missing or wrong token (expected Authorization: Bearer TOKEN; actorvsadm"
                    + " sends $ACTORVS_ADMIN_TOKEN)");
        }
        String length = x.getRequestHeaders().getFirst("Content-Length");
        if (length != null && (length.length() > 10 || !length.chars().allMatch(Character::isDigit)
                || Long.parseLong(length) > DISCARD_LIMIT)) {
            // not worth reading: the connection is closed under the client
            return api.error(413, "request body too large (at most " + MAX_BODY + " bytes)");
        }
        byte[] body = readBody(x.getRequestBody());
        if (body == null) {
            return api.error(413, "request body too large (at most " + MAX_BODY + " bytes)");
        }
        String rawQuery = x.getRequestURI().getRawQuery();
        if (rawQuery != null && rawQuery.length() > MAX_QUERY) {
            return api.error(400, "query string too long (at most " + MAX_QUERY + " characters)");
        }
        Map<String, String> query;
        try {
            query = query(rawQuery);
        } catch (IllegalArgumentException e) {
            return api.error(400, "malformed query string: " + e.getMessage());
        }
        return api.handle(x.getRequestMethod(), x.getRequestURI().getPath(), query, body);
    }

    /** Constant-time, so that the answer's timing does not tell how much of a guess was right. */
    private boolean authorized(String header) {
        return token == null
                || header != null && MessageDigest.isEqual(token, header.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The body, or null when it is longer than {@link #MAX_BODY} (chunked bodies carry no length).
     * The rest of a body too long is read and dropped up to {@link #DISCARD_LIMIT}, so that the
     * client gets to read its 413 instead of a reset connection.
     */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length <= MAX_BODY) {
            return body;
        }
        byte[] sink = new byte[64 * 1024];
        long left = DISCARD_LIMIT - body.length;
        for (int n = 0; left > 0 && n >= 0; left -= n) {
            n = in.read(sink, 0, (int) Math.min(sink.length, left));
        }
        return null;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (out.put(name, value) != null) {
                throw new IllegalArgumentException("parameter '" + name + "' given twice");
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
