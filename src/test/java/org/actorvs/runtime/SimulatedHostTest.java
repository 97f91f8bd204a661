package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.actorvs.packet.ArpFlyweight;
import org.actorvs.packet.DropReason;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.FrameParser;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.ParsedFrame;
import org.actorvs.packet.TcpFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The simulated hosts' ARP and TCP where a failover puts them to the test. */
class SimulatedHostTest {
    private static final int CLIENT = InetAddresses.parseIpv4("10.77.0.2");
    private static final int SERVER = InetAddresses.parseIpv4("10.78.0.21");
    private static final int GATEWAY = InetAddresses.parseIpv4("10.78.0.254");
    private static final long FIRST_MASTER = 0x0200_0A4E_0001L;
    private static final long SECOND_MASTER = 0x0200_0A4E_0002L;
    private static final byte[] NONE = new byte[0];
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: vip\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private final SimulatedRealServer server = new SimulatedRealServer("r1", SERVER, 24, GATEWAY, sent::add);

    private static byte[] build(FrameBuilder frame) {
        byte[] bytes = new byte[frame.frameLength()];
        frame.build(new UnsafeBuffer(bytes), 0);
        return bytes;
    }

    /** keepalived's announcement of {@code ip} at {@code mac} (GratuitousArp): a broadcast request for itself. */
    private static byte[] gratuitous(long mac, int ip) {
        return build(new FrameBuilder().ethernet(EthernetFlyweight.BROADCAST_MAC, mac)
                .arp(ArpFlyweight.OP_REQUEST, mac, ip, EthernetFlyweight.BROADCAST_MAC, ip));
    }

    /** The server's ARP request for its gateway answered by {@code mac}. */
    private void gatewayIsAt(long mac) {
        server.receive(build(new FrameBuilder().ethernet(server.mac, mac)
                .arp(ArpFlyweight.OP_REPLY, mac, GATEWAY, server.mac, SERVER)));
    }

    private void fromClient(int seq, int ack, int flags, byte[] payload) {
        server.receive(build(new FrameBuilder().ethernet(server.mac, FIRST_MASTER)
                .ipv4(CLIENT, SERVER, IpProtocol.TCP, 64, 1, true).tcp(40_000, 80, seq, ack, flags, 65_535)
                .payload(payload)));
    }

    private void sendToClient() {
        server.sendSegment(new SimulatedHost.Segment(CLIENT, 80, 40_000, 1, 1, TcpFlyweight.ACK, NONE));
    }

    private static long dstMac(byte[] frame) {
        return EthernetFlyweight.dstMac(new UnsafeBuffer(frame), 0);
    }

    private static ParsedFrame parsed(byte[] frame) {
        ParsedFrame f = new ParsedFrame();
        assertEquals(DropReason.OK.code(), new FrameParser(true).parse(new UnsafeBuffer(frame), 0, frame.length, f));
        return f;
    }

    private byte[] last() {
        return sent.get(sent.size() - 1);
    }

    @Test
    void aGratuitousArpMovesTheEntryAHostHas() {
        sendToClient();
        gatewayIsAt(FIRST_MASTER);
        assertEquals(FIRST_MASTER, dstMac(last()));
        server.receive(gratuitous(SECOND_MASTER, GATEWAY));
        sendToClient();
        assertEquals(SECOND_MASTER, dstMac(last()), "the gateway moved to the new master");
    }

    @Test
    void aGratuitousArpTeachesNoNewEntry() {
        server.receive(gratuitous(SECOND_MASTER, GATEWAY));
        sendToClient();
        assertEquals(1, sent.size());
        assertEquals(EthernetFlyweight.ETHER_TYPE_ARP, parsed(last()).etherType, "arp_accept=0: it still asks");
    }

    @Test
    void aReplyIsGratuitousOnlyWithItsSenderAsTarget() {
        sendToClient();
        gatewayIsAt(FIRST_MASTER);
        // arp_is_garp(): a reply is gratuitous only when its target MAC is its sender MAC
        server.receive(build(new FrameBuilder().ethernet(EthernetFlyweight.BROADCAST_MAC, SECOND_MASTER)
                .arp(ArpFlyweight.OP_REPLY, SECOND_MASTER, GATEWAY, EthernetFlyweight.BROADCAST_MAC, GATEWAY)));
        sendToClient();
        assertEquals(FIRST_MASTER, dstMac(last()));
    }

    @Test
    void aRequestSentAgainGetsItsUnacknowledgedReplyAgain() {
        sendToClient();
        gatewayIsAt(FIRST_MASTER);
        fromClient(100, 0, TcpFlyweight.SYN, NONE);
        int iss = parsed(last()).tcpSeq;
        fromClient(101, iss + 1, TcpFlyweight.PSH | TcpFlyweight.ACK, REQUEST);
        ParsedFrame reply = parsed(last());
        int replyLength = reply.payloadLength;
        assertTrue(replyLength > 0);
        int before = sent.size();
        fromClient(101, iss + 1, TcpFlyweight.PSH | TcpFlyweight.ACK, REQUEST);
        assertEquals(before + 1, sent.size(), "the reply went out again");
        assertEquals(reply.tcpSeq, parsed(last()).tcpSeq);
        assertEquals(replyLength, parsed(last()).payloadLength);
        fromClient(101 + REQUEST.length, iss + 1 + replyLength, TcpFlyweight.PSH | TcpFlyweight.ACK, REQUEST);
        assertEquals(iss + 1 + replyLength, parsed(last()).tcpSeq, "the next request's reply follows the first");
        int answered = sent.size();
        fromClient(101, iss + 1 + 2 * replyLength, TcpFlyweight.PSH | TcpFlyweight.ACK, REQUEST);
        assertEquals(answered, sent.size(), "an acknowledged reply is not sent again");
        assertEquals(2, server.served());
    }

    @Test
    void aKeepAliveConnectionCarriesOnAfterItsServerWasCutOffForAWhile() {
        SimulatedSegment lan = new SimulatedSegment("lan");
        int near = InetAddresses.parseIpv4("10.77.0.21");
        SimulatedRealServer r1 = new SimulatedRealServer("r1", near, 24, 0, lan::send);
        try (SimulatedClient client = new SimulatedClient("c1", CLIENT, 24, lan::send)) {
            lan.attach(client.mac, client::receive);
            lan.attach(r1.mac, r1::receive);
            SimulatedClient.KeepAlive k = client.keepAlive(near, 80, "r1", 20);
            assertTrue(within(() -> k.replies().size() >= 3), "answers before the cut");
            lan.detach(r1.mac);
            assertTrue(within(() -> k.retransmissions() >= 2), "the unanswered request is sent again");
            long back = System.nanoTime();
            lan.attach(r1.mac, r1::receive);
            assertTrue(within(() -> k.replies().stream().anyMatch(r -> r.nanos() > back)), "answers after");
            assertNull(k.failure());
            assertEquals(List.of("r1"), k.replies().stream().map(SimulatedClient.Reply::server).distinct().toList());
        } finally {
            lan.close();
        }
    }

    /** Polls {@code condition} for at most 10 s. */
    private static boolean within(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
