package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.forward.Outcome;
import org.actorvs.forward.Port;
import org.actorvs.io.MemoryPacketIo;
import org.actorvs.io.NeighbourTable;
import org.actorvs.packet.ArpFlyweight;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.FrameParser;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.MacAddress;
import org.actorvs.packet.ParsedFrame;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A live director (in-memory ports) whose ARP table starts empty, as a new VRRP master's does: the
 * first SYN for a real server waits for that server's MAC and goes out once the ARP reply is in,
 * where it used to be dropped and cost the client a retransmission timeout.
 */
@Timeout(60)
class ArpQueueTest {
    private static final int CLIENT = InetAddresses.parseIpv4("10.99.0.77");
    private static final long CLIENT_MAC = MacAddress.parse("02:00:00:00:00:77");
    /** kernel-v1.rules: 10.99.0.11:80 is served by direct routing to 10.99.0.22 alone. */
    private static final int VIP = InetAddresses.parseIpv4("10.99.0.11");
    private static final int RS = InetAddresses.parseIpv4("10.99.0.22");
    private static final long RS_MAC = MacAddress.parse("02:00:00:00:00:22");
    private static final long WAIT_SECONDS = 10;

    @Test
    void theFirstSynToARealServerWhoseMacIsUnknownArrivesAfterTheArpReply() throws Exception {
        DirectorConfig config = DirectorConfigLoader.load(AdminFixture.CONFIG);
        List<Port> ports = config.ports(name -> {
            throw new IllegalArgumentException(name);
        });
        Port eth0 = ports.get(0);
        // No configured neighbours: every real server must be resolved by ARP.
        NeighbourTable neighbours = new NeighbourTable(ports, NeighbourTable.Params.kernelDefaults());
        BlockingQueue<UnsafeBuffer> injected = new LinkedBlockingQueue<>();
        try (MemoryPacketIo io = new MemoryPacketIo(ports);
                Director director = Director.live(Main.setup(config, ports, i -> neighbours), io,
                        new Director.LinkLayer(neighbours, Main.owned(config)))) {
            io.onInjected(0, (port, buffer, offset, length) -> {
                byte[] copy = new byte[length];
                buffer.getBytes(offset, copy);
                injected.add(new UnsafeBuffer(copy));
            });
            director.apply(config.services(), config.drainTimeout());
            io.deliver(0, syn(eth0.mac()));

            UnsafeBuffer request = await(injected, f -> isArp(f, ArpFlyweight.OP_REQUEST)
                    && ArpFlyweight.targetIp(f, EthernetFlyweight.HEADER_LENGTH) == RS);
            assertNotNull(request, "the director asked for the real server's MAC");
            io.deliver(0, arpReply(eth0));

            UnsafeBuffer forwarded = await(injected, f -> EthernetFlyweight.dstMac(f, 0) == RS_MAC);
            assertNotNull(forwarded, "the SYN reached the real server once its MAC was known");
            ParsedFrame parsed = new ParsedFrame();
            assertEquals(0, new FrameParser(true).parse(forwarded, 0, forwarded.capacity(), parsed));
            assertEquals(CLIENT, parsed.src4);
            assertEquals(VIP, parsed.dst4);
            assertEquals(0x02, parsed.tcpFlags);
            List<ShardStats> stats = director.stats().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(1, stats.stream().mapToLong(s -> s.outcome(Outcome.NEIGHBOUR_QUEUED)).sum());
            assertEquals(0, stats.stream().mapToLong(s -> s.outcome(Outcome.NEIGHBOUR_UNRESOLVED)).sum());
            assertEquals(1, stats.stream().mapToLong(s -> s.held().sent()).sum(), "sent from the queue");
            assertEquals(0, stats.stream().mapToLong(s -> s.held().waiting()).sum(), "nothing left waiting");
        }
    }

    /** The first frame sent that matches, waiting at most {@link #WAIT_SECONDS} in all; null if none came. */
    private static UnsafeBuffer await(BlockingQueue<UnsafeBuffer> frames, Predicate<UnsafeBuffer> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            UnsafeBuffer f = frames.poll(left, TimeUnit.NANOSECONDS);
            if (f != null && wanted.test(f)) {
                return f;
            }
        }
        return null;
    }

    private static boolean isArp(UnsafeBuffer frame, int op) {
        return EthernetFlyweight.etherType(frame, 0) == EthernetFlyweight.ETHER_TYPE_ARP
                && ArpFlyweight.op(frame, EthernetFlyweight.HEADER_LENGTH) == op;
    }

    private static byte[] syn(long directorMac) {
        return build(new FrameBuilder().ethernet(directorMac, CLIENT_MAC)
                .ipv4(CLIENT, VIP, IpProtocol.TCP, 64, 1, true).tcp(40000, 80, 1, 0, 0x02, 65535));
    }

    private static byte[] arpReply(Port director) {
        return build(new FrameBuilder().ethernet(director.mac(), RS_MAC)
                .arp(ArpFlyweight.OP_REPLY, RS_MAC, RS, director.mac(), (int) director.ipv4()));
    }

    private static byte[] build(FrameBuilder builder) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[builder.frameLength()]);
        builder.build(b, 0);
        return b.byteArray();
    }
}
