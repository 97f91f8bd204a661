package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.actorvs.forward.Port;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.MacAddress;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.ForwardingMethod;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceTable;
import org.actorvs.service.VirtualService;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class FrameDispatcherTest {
    private static final long DIRECTOR_MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final long PEER_MAC = MacAddress.parse("02:00:00:00:00:02");
    private static final int VIP = InetAddresses.parseIpv4("10.0.0.100");
    private static final int RS = InetAddresses.parseIpv4("10.0.1.11");
    private static final int DIRECTOR = InetAddresses.parseIpv4("10.0.1.1");
    private static final int ROUTER = InetAddresses.parseIpv4("10.0.0.254");
    private static final int SHARDS = 8;

    private record Delivery(int shard, int frames) {
    }

    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<Integer> arp = new ArrayList<>();
    private final List<Integer> vrrp = new ArrayList<>();
    private final FrameBatch.Pool pool = new FrameBatch.Pool(4, 4096, 16);
    private final ServiceAddresses addresses = serviceAddresses();
    private final FrameDispatcher dispatcher = new FrameDispatcher(SHARDS, pool, (shard, batch) -> {
        deliveries.add(new Delivery(shard, batch.count()));
        batch.release();
    }, (kind, port, buffer, offset, length, ts) -> (kind == FrameDispatcher.ARP ? arp : vrrp).add(port),
            () -> addresses);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[2048]);

    private static ServiceAddresses serviceAddresses() {
        DestinationRegistry registry = new DestinationRegistry();
        VirtualService vs = new VirtualService(registry, 4, 6, 0, u(VIP), 80, 0, "rr", 0);
        vs.addDestination(4, 0, u(RS), 80, ForwardingMethod.MASQ, 1, 0, 0);
        Schedule s = new Schedule(4, 6, 0, u(VIP), 80, 0, 0, 0, 0, -1L, null, vs.scheduler(), vs.destinations());
        Port port = new Port(0, "eth0", DIRECTOR_MAC, u(DIRECTOR), 0, 0, 1500, -1);
        return ServiceAddresses.of(new ServiceTable(List.of(s)), List.of(port));
    }

    private static long u(int a) {
        return a & 0xFFFF_FFFFL;
    }

    private int shardOf(FrameBuilder b) {
        int length = b.build(frame, 0);
        return dispatcher.classify(frame, 0, length);
    }

    private static FrameBuilder tcp(int src, int dst) {
        return new FrameBuilder().ethernet(DIRECTOR_MAC, PEER_MAC).ipv4(src, dst, IpProtocol.TCP, 64, 1, true)
                .tcp(40000, 80, 1, 0, 0x02, 65535);
    }

    private static int client(int i) {
        return InetAddresses.parseIpv4("192.0.2.0") + i;
    }

    @Test
    void bothDirectionsOfANatFlowGoToTheClientsShard() {
        for (int i = 0; i < 50; i++) {
            int c = client(i);
            assertEquals(shardOf(tcp(c, VIP)), shardOf(tcp(RS, c)), "client " + InetAddresses.formatIpv4(c));
        }
    }

    @Test
    void clientsSpreadOverEveryShard() {
        boolean[] seen = new boolean[SHARDS];
        for (int i = 0; i < 200; i++) {
            seen[shardOf(tcp(client(i), VIP))] = true;
        }
        for (int s = 0; s < SHARDS; s++) {
            assertEquals(true, seen[s], "shard " + s + " got no client of 200");
        }
    }

    @Test
    void anIcmpErrorAboutAReplyGoesToTheShardOfTheClientItQuotes() {
        int c = client(7);
        byte[] quote = new byte[28];
        UnsafeBuffer q = new UnsafeBuffer(new byte[128]);
        new FrameBuilder().ipv4(VIP, c, IpProtocol.TCP, 63, 2, true).tcp(80, 40000, 1, 1, 0x10, 100).build(q, 0);
        q.getBytes(0, quote);
        FrameBuilder error = new FrameBuilder().ethernet(DIRECTOR_MAC, PEER_MAC)
                .ipv4(ROUTER, VIP, IpProtocol.ICMP, 64, 3, false).icmp(3, 4, 1400).payload(quote);
        assertEquals(shardOf(tcp(c, VIP)), shardOf(error));
    }

    @Test
    void anIcmpErrorAboutATunnelledPacketGoesToTheShardOfTheClientInside() {
        int c = client(9);
        UnsafeBuffer q = new UnsafeBuffer(new byte[128]);
        new FrameBuilder().ipv4(DIRECTOR, RS, IpProtocol.IPIP, 64, 0, true).build(q, 0);
        new FrameBuilder().ipv4(c, VIP, IpProtocol.TCP, 63, 2, true).tcp(40000, 80, 1, 0, 0x02, 100).build(q, 20);
        byte[] quote = new byte[20 + 28];
        q.getBytes(0, quote);
        FrameBuilder error = new FrameBuilder().ethernet(DIRECTOR_MAC, PEER_MAC)
                .ipv4(RS, DIRECTOR, IpProtocol.ICMP, 64, 3, false).icmp(3, 4, 1400).payload(quote);
        assertEquals(shardOf(tcp(c, VIP)), shardOf(error));
    }

    @Test
    void arpGoesToTheArpSinkWithItsPort() {
        int length = new FrameBuilder().ethernet(-1L & 0xFFFF_FFFF_FFFFL, PEER_MAC)
                .arp(1, PEER_MAC, ROUTER, 0, VIP).build(frame, 0);
        dispatcher.onFrame(3, frame, 0, length, 1);
        assertEquals(List.of(3), arp);
        assertEquals(List.of(), deliveries);
    }

    /** An ICMPv6 message of {@code type} from fd00:77::2 to fd00:77::100 with {@code hopLimit}, 24 bytes of body. */
    private int icmpv6(int type, int hopLimit) {
        long prefix = 0xFD00_0077_0000_0000L;
        return new FrameBuilder().ethernet(DIRECTOR_MAC, PEER_MAC)
                .ipv6(prefix, 2, prefix, 0x100, IpProtocol.ICMPV6, hopLimit).icmp(type, 0, 0).payload(new byte[16])
                .build(frame, 0);
    }

    @Test
    void neighbourSolicitationsAndAdvertisementsGoToTheArpSinkWithTheirPort() {
        int length = icmpv6(135, 255);
        dispatcher.onFrame(1, frame, 0, length, 1);
        length = icmpv6(136, 255);
        dispatcher.onFrame(2, frame, 0, length, 1);
        dispatcher.flush();
        assertEquals(List.of(1, 2), arp);
        assertEquals(List.of(), deliveries);
        assertEquals(2, dispatcher.arpFrames());
    }

    @Test
    void neighbourDiscoveryWithAHopLimitBelow255AndOtherIcmpv6GoToTheShards() {
        int length = icmpv6(135, 64);
        dispatcher.onFrame(0, frame, 0, length, 1);
        length = icmpv6(128, 255);
        dispatcher.onFrame(0, frame, 0, length, 1);
        dispatcher.flush();
        assertEquals(List.of(), arp);
        assertEquals(2, deliveries.stream().mapToInt(Delivery::frames).sum());
    }

    @Test
    void vrrpAdvertsGoToTheControlSinkWithTheirPort() {
        int length = new FrameBuilder().ethernet(0x01005E000012L, PEER_MAC)
                .ipv4(ROUTER, InetAddresses.parseIpv4("224.0.0.18"), 112, 255, 0, false).payload(new byte[20])
                .build(frame, 0);
        dispatcher.onFrame(2, frame, 0, length, 1);
        dispatcher.flush();
        assertEquals(List.of(2), vrrp);
        assertEquals(List.of(), deliveries);
    }

    @Test
    void otherLinkProtocolsAreCountedAndIgnored() {
        int length = new FrameBuilder().ethernet(DIRECTOR_MAC, PEER_MAC).etherType(0x88CC).payload(new byte[46])
                .build(frame, 0);
        dispatcher.onFrame(0, frame, 0, length, 1);
        dispatcher.flush();
        assertEquals(1, dispatcher.ignored());
        assertEquals(List.of(), deliveries);
    }

    @Test
    void aTruncatedFrameStillReachesAShardToBeCountedThere() {
        frame.setMemory(0, 10, (byte) 0);
        dispatcher.onFrame(0, frame, 0, 10, 1);
        dispatcher.flush();
        assertEquals(List.of(new Delivery(0, 1)), deliveries);
    }

    @Test
    void framesOfOneShardTravelTogetherUntilFlush() {
        int length = tcp(client(1), VIP).build(frame, 0);
        for (int i = 0; i < 5; i++) {
            dispatcher.onFrame(0, frame, 0, length, i);
        }
        assertEquals(List.of(), deliveries);
        dispatcher.flush();
        assertEquals(1, deliveries.size());
        assertEquals(5, deliveries.get(0).frames());
    }

    @Test
    void aFullBatchIsSentAndANewOneStarted() {
        int length = tcp(client(1), VIP).build(frame, 0);
        for (int i = 0; i < 17; i++) {
            dispatcher.onFrame(0, frame, 0, length, i);
        }
        dispatcher.flush();
        assertEquals(List.of(16, 1), deliveries.stream().map(Delivery::frames).toList());
    }

    @Test
    void framesAreDroppedAndCountedWhenEveryBatchIsWithTheShards() {
        FrameDispatcher holding = new FrameDispatcher(1, pool, (shard, batch) -> { }, (k, p, b, o, l, t) -> { },
                () -> addresses);
        int length = tcp(client(1), VIP).build(frame, 0);
        for (int i = 0; i < 4 * 16 + 3; i++) {
            holding.onFrame(0, frame, 0, length, i);
        }
        assertEquals(3, holding.backPressureDrops());
        assertEquals(new CaptureStats("eth0", 4 * 16 + 3, 0, 0, 0, 3, 0), holding.stats("eth0"));
    }

    @Test
    void aFrameLargerThanAWholeBatchIsDroppedAndCountedAsOversize() {
        UnsafeBuffer jumbo = new UnsafeBuffer(new byte[4096 + 8]);
        int length = tcp(client(1), VIP).build(jumbo, 0);
        dispatcher.onFrame(0, jumbo, 0, jumbo.capacity(), 1);
        dispatcher.onFrame(0, jumbo, 0, length, 2);
        dispatcher.flush();
        assertEquals(1, dispatcher.oversizeDrops());
        assertEquals(List.of(new Delivery(shardOf(tcp(client(1), VIP)), 1)), deliveries);
        assertEquals(4, pool.available(), "the batch taken for the oversize frame went back to the pool");
    }

    @Test
    void theShardOfAClientDoesNotDependOnTheDispatcher() {
        int c = client(42);
        assertEquals(FrameDispatcher.shardOf(0, u(c), SHARDS), shardOf(tcp(c, VIP)));
    }
}
