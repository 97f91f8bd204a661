package org.actorvs.runtime;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.actorvs.packet.TcpFlyweight;

/**
 * A lab real server: an HTTP/1.0 server on port 80 that answers every request with its own name
 * ("r1", as the namespace lab's nginx does) and closes the connection. Its replies to the client
 * go to its default gateway, the address the NAT director answers for.
 */
final class SimulatedRealServer extends SimulatedHost {
    static final int HTTP_PORT = 80;
    private static final int SYN = TcpFlyweight.SYN;
    private static final int ACK = TcpFlyweight.ACK;
    private static final int FIN = TcpFlyweight.FIN;
    private static final int PSH = TcpFlyweight.PSH;
    private static final byte[] NONE = new byte[0];

    private final byte[] response;
    private final Map<Long, Connection> connections = new HashMap<>();
    private int nextIss;
    private long served;

    private static final class Connection {
        final int iss;
        int sndNext;
        int rcvNext;
        boolean answered;

        Connection(int iss, int rcvNext) {
            this.iss = iss;
            this.sndNext = iss + 1;
            this.rcvNext = rcvNext;
        }
    }

    SimulatedRealServer(String name, int ip, int prefixLength, int gateway, Consumer<byte[]> wire) {
        super(name, ip, prefixLength, gateway, wire);
        String body = name + "\n";
        this.response = ("HTTP/1.0 200 OK\r\nServer: actorvs-lab\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        this.nextIss = ip * 7919;
    }

    @Override
    void onTcp(int srcIp, int srcPort, int dstPort, int seq, int ack, int flags, byte[] payload) {
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
        if (c == null || seq != c.rcvNext) {
            return;
        }
        c.rcvNext += payload.length;
        if (!c.answered && payload.length > 0) {
            c.answered = true;
            served++;
            sendSegment(new Segment(srcIp, HTTP_PORT, srcPort, c.sndNext, c.rcvNext, PSH | FIN | ACK, response));
            c.sndNext += response.length + 1;
        }
        if ((flags & FIN) != 0) {
            c.rcvNext++;
            connections.remove(key);
            sendSegment(new Segment(srcIp, HTTP_PORT, srcPort, c.sndNext, c.rcvNext, ACK, NONE));
        }
    }

    synchronized long served() {
        return served;
    }
}
