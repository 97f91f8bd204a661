package org.actorvs.runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.actorvs.packet.TcpFlyweight;

/**
 * The lab's client, with just enough TCP for the demo's two kinds of connection to the virtual
 * service. An {@link Exchange} is one HTTP/1.0 GET, as curl does it: SYN, the SYN-ACK's ACK with
 * the request, the response up to the server's FIN, then its own FIN; it completes with the body
 * once the server has acknowledged that FIN, so the whole life of the connection went through the
 * director. A {@link KeepAlive} is a long-lived HTTP/1.1 connection carrying one GET after the
 * other, each a period after the previous answer, as a browser or a load balancer's health probe
 * would keep one open. The client's timers send an unanswered SYN or request again with
 * exponential backoff, as the kernel's retransmission timer does, so a connection outlives a
 * director that fails over.
 */
final class SimulatedClient extends SimulatedHost implements AutoCloseable {
    private static final int SYN = TcpFlyweight.SYN;
    private static final int ACK = TcpFlyweight.ACK;
    private static final int FIN = TcpFlyweight.FIN;
    private static final int PSH = TcpFlyweight.PSH;
    private static final byte[] NONE = new byte[0];
    /** TCP_TIMEOUT_INIT: an unanswered SYN is sent again after 1 s (a director resolving a real server's MAC drops it). */
    private static final long SYN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** TCP_RTO_MIN: on a quiet LAN the retransmission timeout is its floor, 200 ms. */
    private static final long RTO_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** TCP_RTO_MAX. */
    private static final long RTO_MAX_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final long TIMER_TICK_MILLIS = 10;
    /** Linux's ephemeral port range (ip_local_port_range) the client's connections come from. */
    private static final int FIRST_PORT = 32_768;
    private static final int LAST_PORT = 60_999;
    private static final String END_OF_HEAD = "\r\n\r\n";
    private static final String CONTENT_LENGTH = "Content-Length: ";

    private final Map<Integer, Connection> connections = new HashMap<>();
    private final ScheduledExecutorService timers;
    private int nextPort = FIRST_PORT;
    private int opened;

    SimulatedClient(String name, int ip, int prefixLength, Consumer<byte[]> wire) {
        super(name, ip, prefixLength, 0, wire);
        timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-tcp-timers");
            t.setDaemon(true);
            return t;
        });
        timers.scheduleWithFixedDelay(this::onTimer, TIMER_TICK_MILLIS, TIMER_TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** One connection's client side; its fields are guarded by the client's monitor. */
    abstract class Connection {
        final int localPort;
        final int server;
        final int serverPort;
        private final int iss;
        int sndNext;
        int rcvNext;
        boolean established;
        private long synTimeout = SYN_TIMEOUT_NANOS;
        private long synAgainAt;

        private Connection(int server, int serverPort) {
            this.localPort = freePort();
            this.server = server;
            this.serverPort = serverPort;
            this.iss = 0x1000_0000 + opened++ * 100_003;
            this.sndNext = iss + 1;
            connections.put(localPort, this);
            sendSyn(System.nanoTime());
        }

        private void sendSyn(long now) {
            sendSegment(new Segment(server, localPort, serverPort, iss, 0, SYN, NONE));
            synAgainAt = now + synTimeout;
            synTimeout = Math.min(synTimeout * 2, RTO_MAX_NANOS);
        }

        /** Runs the connection's timers. */
        void onTimer(long now) {
            if (!established && now - synAgainAt >= 0) {
                sendSyn(now);
            }
        }

        private void onSegment(int seq, int ack, int flags, byte[] payload, long from) {
            if ((flags & TcpFlyweight.RST) != 0) {
                connections.remove(localPort);
                failed("connection reset");
                return;
            }
            if ((flags & (SYN | ACK)) == (SYN | ACK)) {
                if (ack == iss + 1 && !established) {
                    established = true;
                    rcvNext = seq + 1;
                    onEstablished();
                }
                return;
            }
            if (established && seq == rcvNext) {
                // nothing is reordered on the simulated segment: anything else is a copy already had
                onData(ack, flags, payload, from);
            }
        }

        Segment segment(int seq, int flags, byte[] payload) {
            return new Segment(server, localPort, serverPort, seq, rcvNext, flags, payload);
        }

        abstract void onEstablished();

        /** In-order data (or a bare ACK or FIN) from the server, sent through {@code from}. */
        abstract void onData(int ack, int flags, byte[] payload, long from);

        abstract void failed(String why);
    }

    /** One HTTP/1.0 GET on a connection of its own. */
    final class Exchange extends Connection {
        final CompletableFuture<String> body = new CompletableFuture<>();
        private final byte[] request;
        private boolean finSent;
        private final StringBuilder response = new StringBuilder();

        private Exchange(int server, int serverPort, String host) {
            super(server, serverPort);
            this.request = request("HTTP/1.0", host);
        }

        @Override
        void onEstablished() {
            sendSegment(segment(sndNext, PSH | ACK, request));
            sndNext += request.length;
        }

        @Override
        void onData(int ack, int flags, byte[] payload, long from) {
            response.append(new String(payload, StandardCharsets.US_ASCII));
            rcvNext += payload.length;
            if ((flags & FIN) != 0 && !finSent) {
                rcvNext++;
                finSent = true;
                sendSegment(segment(sndNext, FIN | ACK, NONE));
                sndNext++;
            } else if (finSent && (flags & ACK) != 0 && ack == sndNext) {
                connections.remove(localPort);
                int start = response.indexOf(END_OF_HEAD);
                body.complete(start < 0 ? "" : response.substring(start + END_OF_HEAD.length()).strip());
            }
        }

        @Override
        void failed(String why) {
            body.completeExceptionally(new IllegalStateException(why));
        }
    }

    /** An answer on a kept connection: when it arrived, which real server gave it, through which director MAC. */
    record Reply(long nanos, String server, long from) {
    }

    /**
     * A long-lived HTTP/1.1 connection: a GET a period after each answer. An unanswered GET is
     * sent again from RTO_MIN on, doubling, as tcp_retransmit_timer() backs off.
     */
    final class KeepAlive extends Connection {
        private final byte[] request;
        private final long periodNanos;
        private final StringBuilder pending = new StringBuilder();
        private final List<Reply> replies = new ArrayList<>();
        private boolean inFlight;
        private long nextRequestAt;
        private long rto = RTO_MIN_NANOS;
        private long againAt;
        private long retransmissions;
        private String failure;

        private KeepAlive(int server, int serverPort, String host, long periodNanos) {
            super(server, serverPort);
            this.request = request("HTTP/1.1", host);
            this.periodNanos = periodNanos;
        }

        @Override
        void onEstablished() {
            nextRequestAt = System.nanoTime();
            onTimer(nextRequestAt);
        }

        @Override
        void onTimer(long now) {
            super.onTimer(now);
            if (!established || failure != null) {
                return;
            }
            if (!inFlight && now - nextRequestAt >= 0) {
                inFlight = true;
                sendRequest(now);
            } else if (inFlight && now - againAt >= 0) {
                // the request is sent again, or lost before its acknowledgement: rewind to it
                sndNext -= request.length;
                rto = Math.min(rto * 2, RTO_MAX_NANOS);
                retransmissions++;
                sendRequest(now);
            }
        }

        private void sendRequest(long now) {
            sendSegment(segment(sndNext, PSH | ACK, request));
            sndNext += request.length;
            againAt = now + rto;
        }

        @Override
        void onData(int ack, int flags, byte[] payload, long from) {
            if ((flags & FIN) != 0) {
                failed("closed by the server");
                return;
            }
            rcvNext += payload.length;
            pending.append(new String(payload, StandardCharsets.US_ASCII));
            String body;
            while ((body = nextBody()) != null) {
                long now = System.nanoTime();
                replies.add(new Reply(now, body, from));
                inFlight = false;
                rto = RTO_MIN_NANOS;
                nextRequestAt = now + periodNanos;
            }
        }

        /** Takes one whole response off the received bytes; its body, or null while it is incomplete. */
        private String nextBody() {
            int end = pending.indexOf(END_OF_HEAD);
            if (end < 0) {
                return null;
            }
            int at = pending.indexOf(CONTENT_LENGTH);
            int length = 0;
            if (at >= 0 && at < end) {
                length = Integer.parseInt(pending.substring(at + CONTENT_LENGTH.length(), pending.indexOf("\r\n", at)));
            }
            int bodyStart = end + END_OF_HEAD.length();
            if (pending.length() < bodyStart + length) {
                return null;
            }
            String body = pending.substring(bodyStart, bodyStart + length).strip();
            pending.delete(0, bodyStart + length);
            return body;
        }

        @Override
        void failed(String why) {
            failure = why;
            connections.remove(localPort);
        }

        /** The answers so far, oldest first. */
        List<Reply> replies() {
            synchronized (SimulatedClient.this) {
                return List.copyOf(replies);
            }
        }

        /** Why the connection broke (reset, closed), null while it lives. */
        String failure() {
            synchronized (SimulatedClient.this) {
                return failure;
            }
        }

        /** Requests sent again because no answer came in time. */
        long retransmissions() {
            synchronized (SimulatedClient.this) {
                return retransmissions;
            }
        }
    }

    /** Opens a connection for one HTTP/1.0 GET of {@code host}'s / and sends its SYN. */
    synchronized Exchange get(int server, int serverPort, String host) {
        return new Exchange(server, serverPort, host);
    }

    /** Opens a long-lived connection with a GET every {@code periodMillis} after each answer. */
    synchronized KeepAlive keepAlive(int server, int serverPort, String host, long periodMillis) {
        return new KeepAlive(server, serverPort, host, TimeUnit.MILLISECONDS.toNanos(periodMillis));
    }

    private static byte[] request(String version, String host) {
        return ("GET / " + version + "\r\nHost: " + host + "\r\nUser-Agent: actorvs-lab\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The next port of the ephemeral range no open connection uses, as connect() picks one. */
    private int freePort() {
        int port;
        do {
            port = nextPort;
            nextPort = nextPort == LAST_PORT ? FIRST_PORT : nextPort + 1;
        } while (connections.containsKey(port));
        return port;
    }

    private synchronized void onTimer() {
        long now = System.nanoTime();
        for (Connection c : List.copyOf(connections.values())) {
            c.onTimer(now);
        }
    }

    @Override
    void onTcp(int srcIp, int srcPort, int dstPort, int seq, int ack, int flags, byte[] payload, long from) {
        Connection c = connections.get(dstPort);
        if (c != null && srcIp == c.server && srcPort == c.serverPort) {
            c.onSegment(seq, ack, flags, payload, from);
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
