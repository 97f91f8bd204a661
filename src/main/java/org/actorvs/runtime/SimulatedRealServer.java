package org.actorvs.runtime;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.actorvs.packet.TcpFlyweight;

/**
 * A lab real server: an HTTP server on port 80 that answers every request with its own name ("r1",
 * as the namespace lab's nginx does). An HTTP/1.0 request gets its answer and the connection
 * closes; HTTP/1.1 requests are answered one after the other on a connection kept open. Its
 * replies to the client go to its default gateway, the address the NAT director answers for.
 */
final class SimulatedRealServer extends SimulatedHost {
    static final int HTTP_PORT = 80;
    private static final int SYN = TcpFlyweight.SYN;
    private static final int ACK = TcpFlyweight.ACK;
    private static final int FIN = TcpFlyweight.FIN;
    private static final int PSH = TcpFlyweight.PSH;
    private static final byte[] NONE = new byte[0];
    private static final String END_OF_HEAD = "\r\n\r\n";

    private final byte[] response;
    private final byte[] keepAliveResponse;
    private final Map<Long, Connection> connections = new HashMap<>();
    private int nextIss;
    private long served;

    private static final class Connection {
        final int iss;
        int sndNext;
        int rcvNext;
        /** The client's latest acknowledgement: what we sent beyond it may be lost. */
        int acked;
        /** An HTTP/1.0 request was answered with FIN: nothing more is read. */
        boolean closing;
        final StringBuilder request = new StringBuilder();
        Segment lastReply;

        Connection(int iss, int rcvNext) {
            this.iss = iss;
            this.sndNext = iss + 1;
            this.acked = iss;
            this.rcvNext = rcvNext;
        }
    }

    SimulatedRealServer(String name, int ip, int prefixLength, int gateway, Consumer<byte[]> wire) {
        super(name, ip, prefixLength, gateway, wire);
        this.response = response("HTTP/1.0", name);
        this.keepAliveResponse = response("HTTP/1.1", name);
        this.nextIss = ip * 7919;
    }

    private static byte[] response(String version, String name) {
        String body = name + "\n";
        return (version + " 200 OK\r\nServer: actorvs-lab\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    void onTcp(int srcIp, int srcPort, int dstPort, int seq, int ack, int flags, byte[] payload, long from) {
        if (dstPort != HTTP_PORT) {
            return;
        }
        long key = (srcIp & 0xFFFF_FFFFL) << 16 | srcPort;
        Connection c = connections.get(key);
        if ((flags & SYN) != 0) {
            if (c == null) {
                nextIss += 64_000;
                c = new Connection(nextIss, seq + 1);
                connections.put(key, c);
            }
            // A repeated SYN gets the same SYN-ACK again, as a listener in SYN_RECV answers it.
            sendSegment(new Segment(srcIp, HTTP_PORT, srcPort, c.iss, c.rcvNext, SYN | ACK, NONE));
            return;
        }
        if (c == null) {
            return;
        }
        if ((flags & ACK) != 0 && ack - c.acked > 0) {
            c.acked = ack;
        }
        if (seq != c.rcvNext) {
            // A request again that we have answered: our reply was lost (a director failing over).
            // The server's retransmission timer would send it again; the client's timer, which
            // sent the request again, stands in for it.
            if (seq - c.rcvNext < 0 && c.lastReply != null && c.acked - c.sndNext < 0) {
                sendSegment(c.lastReply);
            }
            return;
        }
        c.rcvNext += payload.length;
        c.request.append(new String(payload, StandardCharsets.US_ASCII));
        int end;
        while (!c.closing && (end = c.request.indexOf(END_OF_HEAD)) >= 0) {
            String head = c.request.substring(0, end);
            c.request.delete(0, end + END_OF_HEAD.length());
            answer(c, srcIp, srcPort, head.contains(" HTTP/1.1\r\n") && !head.contains("Connection: close"));
        }
        if ((flags & FIN) != 0) {
            c.rcvNext++;
            connections.remove(key);
            sendSegment(new Segment(srcIp, HTTP_PORT, srcPort, c.sndNext, c.rcvNext, ACK, NONE));
        }
    }

    /** Sends the answer to one request: on a kept connection, or with FIN as HTTP/1.0 closes. */
    private void answer(Connection c, int client, int clientPort, boolean keepAlive) {
        byte[] reply = keepAlive ? keepAliveResponse : response;
        c.lastReply = new Segment(client, HTTP_PORT, clientPort, c.sndNext, c.rcvNext,
                keepAlive ? PSH | ACK : PSH | FIN | ACK, reply);
        sendSegment(c.lastReply);
        c.sndNext += reply.length + (keepAlive ? 0 : 1);
        c.closing = !keepAlive;
        served++;
    }

    /** Requests answered. */
    synchronized long served() {
        return served;
    }
}
