package org.actorvs.runtime;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.actorvs.packet.TcpFlyweight;

/**
 * The lab's client: one HTTP/1.0 GET per TCP connection to the virtual service, as curl does it —
 * SYN, the SYN-ACK's ACK with the request, the response up to the server's FIN, then its own FIN.
 * An exchange completes with the response body once the server has acknowledged that FIN, so the
 * whole life of the connection went through the director.
 */
final class SimulatedClient extends SimulatedHost {
    private static final int SYN = TcpFlyweight.SYN;
    private static final int ACK = TcpFlyweight.ACK;
    private static final int FIN = TcpFlyweight.FIN;
    private static final int PSH = TcpFlyweight.PSH;

    private final Map<Integer, Exchange> exchanges = new HashMap<>();

    SimulatedClient(String name, int ip, int prefixLength, Consumer<byte[]> wire) {
        super(name, ip, prefixLength, 0, wire);
    }

    /** One connection's client side. */
    final class Exchange {
        final int localPort;
        final int server;
        final int serverPort;
        final CompletableFuture<String> body = new CompletableFuture<>();
        private final int iss;
        private final byte[] request;
        private int sndNext;
        private int rcvNext;
        private boolean established;
        private boolean finSent;
        private final StringBuilder response = new StringBuilder();

        private Exchange(int localPort, int server, int serverPort, int iss, String host) {
            this.localPort = localPort;
            this.server = server;
            this.serverPort = serverPort;
            this.iss = iss;
            this.sndNext = iss + 1;
            this.request = ("GET / HTTP/1.0\r\nHost: " + host + "\r\nUser-Agent: actorvs-lab\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }

        /** Sends the SYN again while it is unanswered, as the TCP retransmission timer would. */
        void retransmitSyn() {
            synchronized (SimulatedClient.this) {
                if (!established) {
                    sendSegment(new Segment(server, localPort, serverPort, iss, 0, SYN, new byte[0]));
                }
            }
        }

        private Segment segment(int seq, int flags, byte[] payload) {
            return new Segment(server, localPort, serverPort, seq, rcvNext, flags, payload);
        }
    }

    /** Opens a connection from {@code localPort} and sends its SYN. */
    synchronized Exchange get(int server, int serverPort, int localPort, int iss, String host) {
        Exchange e = new Exchange(localPort, server, serverPort, iss, host);
        exchanges.put(localPort, e);
        sendSegment(new Segment(server, localPort, serverPort, iss, 0, SYN, new byte[0]));
        return e;
    }

    @Override
    void onTcp(int srcIp, int srcPort, int dstPort, int seq, int ack, int flags, byte[] payload) {
        Exchange e = exchanges.get(dstPort);
        if (e == null || srcIp != e.server || srcPort != e.serverPort) {
            return;
        }
        if ((flags & TcpFlyweight.RST) != 0) {
            exchanges.remove(dstPort);
            e.body.completeExceptionally(new IllegalStateException("connection reset"));
            return;
        }
        if ((flags & (SYN | ACK)) == (SYN | ACK)) {
            if (ack != e.iss + 1 || e.established) {
                return;
            }
            e.established = true;
            e.rcvNext = seq + 1;
            sendSegment(e.segment(e.sndNext, PSH | ACK, e.request));
            e.sndNext += e.request.length;
            return;
        }
        if (!e.established || seq != e.rcvNext) {
            return; // nothing is reordered on the simulated segment: out of window
        }
        e.response.append(new String(payload, StandardCharsets.US_ASCII));
        e.rcvNext += payload.length;
        if ((flags & FIN) != 0 && !e.finSent) {
            e.rcvNext++;
            e.finSent = true;
            sendSegment(e.segment(e.sndNext, FIN | ACK, new byte[0]));
            e.sndNext++;
        } else if (e.finSent && (flags & ACK) != 0 && ack == e.sndNext) {
            exchanges.remove(dstPort);
            e.body.complete(bodyOf(e.response.toString()));
        }
    }

    private static String bodyOf(String response) {
        int start = response.indexOf("\r\n\r\n");
        return start < 0 ? "" : response.substring(start + 4).strip();
    }
}
