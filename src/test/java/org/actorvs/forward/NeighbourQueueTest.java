package org.actorvs.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.actorvs.io.NeighbourTable;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.FrameParser;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.MacAddress;
import org.actorvs.packet.ParsedFrame;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Packets for a next hop whose MAC is not known yet wait in the shard's {@link NeighbourQueue}, as
 * the kernel's arp_queue, with the director's real ARP table ({@link NeighbourTable}) resolving.
 */
class NeighbourQueueTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long DIRECTOR_MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final int DIRECTOR = InetAddresses.parseIpv4("10.0.0.1");
    private static final int CLIENT = InetAddresses.parseIpv4("10.0.0.50");
    private static final long CLIENT_MAC = MacAddress.parse("02:00:00:00:00:50");
    private static final int RS = InetAddresses.parseIpv4("10.0.0.7");
    private static final int RS_B = InetAddresses.parseIpv4("10.0.0.8");
    private static final long RS_MAC = MacAddress.parse("02:00:00:00:00:07");
    private static final long V6_HI = 0xFD00_0000_0000_0000L;
    private static final int IP = EthernetFlyweight.HEADER_LENGTH;
    /** A full-size packet: 1500 bytes of IP, twelve 128-byte blocks. */
    private static final int FULL = 1500;

    private final Port lan = new Port(0, "lan0", DIRECTOR_MAC, DIRECTOR & 0xFFFF_FFFFL, V6_HI, 1, 1500, -1);
    private final RouteTable routes = RouteTable.of(List.of(
            new RouteTable.Route(4, 0, InetAddresses.parseIpv4("10.0.0.0") & 0xFFFF_FFFFL, 24, 0, 0, 0),
            new RouteTable.Route(6, V6_HI, 0, 64, 0, 0, 0)));
    private final NeighbourTable table = new NeighbourTable(List.of(lan), NeighbourTable.Params.kernelDefaults());
    private final List<byte[]> sent = new ArrayList<>();
    private final FrameSink sink = (port, buffer, offset, length) -> {
        byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        sent.add(copy);
    };
    private final List<byte[]> arp = new ArrayList<>();
    private final FrameSink arpSink = (port, buffer, offset, length) -> arp.add(new byte[length]);
    private final Egress egress = new Egress(new Port[] {lan}, routes, table, sink);
    private final IcmpSender icmp = new IcmpSender(egress);

    /** A TCP segment from the client to {@code dst} (as NAT rewrote it), IP id {@code id}, of ipLength bytes. */
    private static UnsafeBuffer segment(int dst, int id, int ipLength) {
        FrameBuilder b = new FrameBuilder().ethernet(DIRECTOR_MAC, CLIENT_MAC)
                .ipv4(CLIENT, dst, IpProtocol.TCP, 63, id, true).tcp(40000, 8080, 1000 + id, 0, 0x18, 65535);
        b.payload(new byte[ipLength - 40]);
        UnsafeBuffer frame = new UnsafeBuffer(new byte[b.frameLength()]);
        b.build(frame, 0);
        return frame;
    }

    private Outcome send(int dst, UnsafeBuffer frame) {
        return send(egress, dst, frame);
    }

    private static Outcome send(Egress through, int dst, UnsafeBuffer frame) {
        return through.send(4, 0, dst & 0xFFFF_FFFFL, frame, 0, IP, frame.capacity() - IP, Outcome.FORWARDED_IN);
    }

    private Outcome send(int dst, int id, int ipLength) {
        return send(dst, segment(dst, id, ipLength));
    }

    /** The table sends its ARP request for rs, and rs answers it. */
    private void resolve(int rs, long nowNanos) {
        table.tick(nowNanos, arpSink);
        assertTrue(table.learn(0, rs, RS_MAC, true, nowNanos + 1));
    }

    private static int ipId(byte[] frame) {
        return new Ipv4Flyweight().wrap(new UnsafeBuffer(frame), IP).id();
    }

    @Test
    void aPacketForAnUnresolvedNeighbourIsHeldThenSentIntactWithItsMacOnceResolved() {
        UnsafeBuffer frame = segment(RS, 1, 60);
        byte[] packet = new byte[frame.capacity() - IP];
        frame.getBytes(IP, packet);

        assertEquals(Outcome.NEIGHBOUR_QUEUED, send(RS, frame));
        assertEquals(0, sent.size());
        resolve(RS, 0);
        assertEquals(1, arp.size(), "the first held packet asked for resolution");
        assertEquals(0, egress.flushNeighbours(icmp, SECOND / 100));

        assertEquals(1, sent.size());
        UnsafeBuffer out = new UnsafeBuffer(sent.get(0));
        ParsedFrame parsed = new ParsedFrame();
        assertEquals(0, new FrameParser(true).parse(out, 0, out.capacity(), parsed), "checksums verified");
        assertEquals(RS_MAC, EthernetFlyweight.dstMac(out, 0));
        assertEquals(DIRECTOR_MAC, EthernetFlyweight.srcMac(out, 0));
        byte[] after = new byte[packet.length];
        out.getBytes(IP, after);
        assertArrayEquals(packet, after);
        assertEquals(1, egress.neighbourQueue().sent());
    }

    @Test
    void heldPacketsLeaveInTheOrderTheyCame() {
        for (int id = 0; id < 5; id++) {
            assertEquals(Outcome.NEIGHBOUR_QUEUED, send(RS, id, 60));
        }
        resolve(RS, 0);
        egress.flushNeighbours(icmp, 0);
        assertEquals(5, sent.size());
        for (int id = 0; id < 5; id++) {
            assertEquals(id, ipId(sent.get(id)));
        }
    }

    @Test
    void aPacketThatFindsTheMacResolvedLeavesBehindTheHeldOnes() {
        send(RS, 0, 60);
        send(RS, 1, 60);
        resolve(RS, 0);
        assertEquals(Outcome.FORWARDED_IN, send(RS, 2, 60), "sent before the shard flushed");
        assertEquals(List.of(0, 1, 2), sent.stream().map(NeighbourQueueTest::ipId).toList());
    }

    @Test
    void theWatchWakesTheShardWhenANeighbourItHoldsPacketsForResolves() {
        AtomicInteger wakes = new AtomicInteger();
        egress.watchNeighbours(wakes::incrementAndGet);
        table.putStatic(0, CLIENT, CLIENT_MAC);
        assertEquals(0, wakes.get(), "nothing held: no wake-up");
        send(RS, 0, 60);
        resolve(RS, 0);
        assertEquals(1, wakes.get());
        egress.flushNeighbours(icmp, 0);
        assertEquals(1, sent.size());
    }

    @Test
    void overTheNeighboursBytesTheOldestHeldPacketsAreDroppedFirstAndCounted() {
        int fit = NeighbourQueue.NEIGHBOUR_BYTES / (12 * 128);
        for (int id = 0; id < fit + 2; id++) {
            assertEquals(Outcome.NEIGHBOUR_QUEUED, send(RS, id, FULL));
        }
        NeighbourQueue queue = egress.neighbourQueue();
        assertEquals(2, queue.evicted());
        assertEquals(fit, queue.packets());
        resolve(RS, 0);
        egress.flushNeighbours(icmp, 0);
        assertEquals(fit, sent.size());
        assertEquals(2, ipId(sent.get(0)), "packets 0 and 1 went first");
        assertEquals(fit + 1, ipId(sent.get(fit - 1)));
    }

    @Test
    void overTheShardsTotalANewPacketIsNotHeldAndIsCounted() {
        int fivePackets = 5 * 12 * 128;
        Egress small = new Egress(new Port[] {lan}, routes, table, sink, fivePackets, NeighbourQueue.DEFAULT_NEIGHBOURS);
        for (int id = 0; id < 5; id++) {
            int rs = id < 3 ? RS : RS_B;
            assertEquals(Outcome.NEIGHBOUR_QUEUED, send(small, rs, segment(rs, id, FULL)));
        }
        assertEquals(Outcome.NEIGHBOUR_UNRESOLVED, send(small, RS_B, segment(RS_B, 5, FULL)));
        assertEquals(1, small.neighbourQueue().refused());
        assertEquals(5, small.neighbourQueue().packets());
    }

    @Test
    void aFailedResolutionDropsTheHeldPacketsWithHostUnreachableToTheirSource() {
        table.putStatic(0, CLIENT, CLIENT_MAC);
        UnsafeBuffer first = segment(RS, 0, 60);
        send(RS, first);
        send(RS, 1, 60);
        failResolution();
        assertEquals(NeighbourTable.State.FAILED, table.state(RS));

        assertEquals(0, egress.flushNeighbours(icmp, 3 * SECOND));
        assertEquals(2, egress.neighbourQueue().failed());
        assertEquals(2, sent.size());
        ParsedFrame error = assertError(0, IpProtocol.ICMP, 1, first);
        assertEquals(CLIENT, error.dst4);
        assertEquals(DIRECTOR, error.src4);
    }

    @Test
    void aPacketForANeighbourWhoseResolutionFailedIsNotHeld() {
        send(RS, 0, 60);
        failResolution();
        assertEquals(Outcome.NEIGHBOUR_UNRESOLVED, send(RS, 1, 60));
    }

    @Test
    void theTimerAsksAgainForAHopWhoseFailureWentUnseen() {
        send(RS, 0, 60);
        failResolution();
        table.tick(4 * SECOND, arpSink);
        assertEquals(NeighbourTable.State.NONE, table.state(RS), "failed, then forgotten after its hold-down");
        long probes = table.probesSent();
        egress.flushNeighbours(icmp, 4 * SECOND);
        table.tick(4 * SECOND + 1, arpSink);
        assertEquals(probes, table.probesSent(), "a wake-up's flush does not ask");

        assertEquals(1, egress.tickNeighbours(icmp, 4 * SECOND + 2));
        table.tick(4 * SECOND + 3, arpSink);
        assertEquals(probes + 1, table.probesSent());
        assertEquals(NeighbourTable.State.INCOMPLETE, table.state(RS));
    }

    @Test
    void aFailedIpv6NeighbourAnswersAddressUnreachable() {
        FailingV6Neighbours neighbours = new FailingV6Neighbours();
        neighbours.table.put(6, V6_HI, 0x50, CLIENT_MAC);
        Egress v6 = new Egress(new Port[] {lan}, routes, neighbours, sink);
        FrameBuilder b = new FrameBuilder().ethernet(DIRECTOR_MAC, CLIENT_MAC).ipv6(V6_HI, 0x50, V6_HI, 0x7,
                IpProtocol.UDP, 63).udp(5000, 53).payload(new byte[12]);
        UnsafeBuffer frame = new UnsafeBuffer(new byte[b.frameLength()]);
        b.build(frame, 0);
        int length = frame.capacity() - IP;
        assertEquals(Outcome.NEIGHBOUR_QUEUED, v6.send(6, V6_HI, 0x7, frame, 0, IP, length, Outcome.FORWARDED_IN));
        neighbours.failed = true;
        v6.flushNeighbours(new IcmpSender(v6), 0);

        assertEquals(1, sent.size());
        assertEquals(0x50, assertError(0, IpProtocol.ICMPV6, 3, frame).dstLo);
    }

    @Test
    void holdingAndFlushingAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        FrameSink discard = (port, buffer, offset, length) -> { };
        Egress quiet = new Egress(new Port[] {lan}, routes, table, discard);
        UnsafeBuffer[] frames = new UnsafeBuffer[50];
        long allocated = -1;
        for (int round = 0; round < 20; round++) {
            int rs = RS + 100 + round;
            for (int i = 0; i < frames.length; i++) {
                frames[i] = segment(rs, i, 100 + 20 * i);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (UnsafeBuffer f : frames) {
                send(quiet, rs, f);
            }
            long held = threads.getCurrentThreadAllocatedBytes() - before;
            resolve(rs, round * SECOND);
            before = threads.getCurrentThreadAllocatedBytes();
            quiet.flushNeighbours(icmp, round * SECOND);
            allocated = held + threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, quiet.neighbourQueue().packets());
        }
        assertEquals(20L * frames.length, quiet.neighbourQueue().sent());
        assertEquals(0, allocated, "bytes allocated holding and sending the last round's packets");
    }

    /**
     * Frame {@code index} sent is a destination unreachable error of {@code code} to the client
     * (checksums verified) that quotes the start of {@code original}; returns it parsed.
     */
    private ParsedFrame assertError(int index, int protocol, int code, UnsafeBuffer original) {
        UnsafeBuffer error = new UnsafeBuffer(sent.get(index));
        ParsedFrame parsed = new ParsedFrame();
        assertEquals(0, new FrameParser(true).parse(error, 0, error.capacity(), parsed));
        assertEquals(CLIENT_MAC, EthernetFlyweight.dstMac(error, 0));
        assertEquals(protocol, parsed.protocol);
        // Destination unreachable is type 3 in ICMP, 1 in ICMPv6.
        assertEquals(protocol == IpProtocol.ICMP ? 3 : 1, parsed.icmpType);
        assertEquals(code, parsed.icmpCode);
        int at = parsed.l4Offset + 8;
        int length = Math.min(original.capacity() - IP, error.capacity() - at);
        byte[] quoted = new byte[length];
        byte[] expected = new byte[length];
        error.getBytes(at, quoted);
        original.getBytes(IP, expected);
        assertArrayEquals(expected, quoted);
        return parsed;
    }

    /** The table probes three times, a second apart, and gives up at 3 s (arp_tbl's defaults). */
    private void failResolution() {
        for (int probe = 0; probe <= 3; probe++) {
            table.tick(probe * SECOND, arpSink);
        }
    }

    /**
     * IPv6 next hops: the director's ARP table does not resolve them, so this stand-in holds their
     * packets and then reports the resolution failed; the client's MAC is configured.
     */
    private static final class FailingV6Neighbours implements NeighbourCache {
        final StaticNeighbours table = new StaticNeighbours();
        boolean failed;

        @Override
        public long mac(int af, long hi, long lo) {
            return table.mac(af, hi, lo);
        }

        @Override
        public void resolutionNeeded(int af, long hi, long lo, int port) {
        }

        @Override
        public boolean queues(int af) {
            return true;
        }

        @Override
        public boolean failed(int af, long hi, long lo) {
            return failed && table.mac(af, hi, lo) == UNRESOLVED;
        }
    }
}
