package org.actorvs.forward;

import java.util.ArrayList;
import java.util.List;

import org.actorvs.app.AppRegistry;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.FrameParser;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.MacAddress;
import org.actorvs.packet.ParsedFrame;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.ForwardingMethod;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceTable;
import org.actorvs.service.VirtualService;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A two-armed director as the tests see it: front port 10.0.0.1 towards the clients, back port
 * 10.0.1.1 towards the real servers, all next hops resolved, and every frame it sends captured.
 */
final class DirectorFixture {
    static final long FRONT_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final long BACK_MAC = MacAddress.parse("02:00:00:00:00:02");
    static final long CLIENT_MAC = MacAddress.parse("02:00:00:00:0c:01");
    static final long GATEWAY_MAC = MacAddress.parse("02:00:00:00:0f:fe");
    static final long[] RS_MAC = {
        MacAddress.parse("02:00:00:00:01:11"), MacAddress.parse("02:00:00:00:01:12"), MacAddress.parse("02:00:00:00:01:13")};
    static final int FRONT = InetAddresses.parseIpv4("10.0.0.1");
    static final int BACK = InetAddresses.parseIpv4("10.0.1.1");
    static final int CLIENT = InetAddresses.parseIpv4("10.0.0.2");
    static final int GATEWAY = InetAddresses.parseIpv4("10.0.0.254");
    static final int VIP = InetAddresses.parseIpv4("10.0.0.100");
    static final int[] RS = {
        InetAddresses.parseIpv4("10.0.1.11"), InetAddresses.parseIpv4("10.0.1.12"), InetAddresses.parseIpv4("10.0.1.13")};
    static final long[] VIP6 = InetAddresses.parseIpv6("fd00::100");
    static final long[] CLIENT6 = InetAddresses.parseIpv6("fd00::2");
    static final long[] FRONT6 = InetAddresses.parseIpv6("fd00::1");
    static final long[] RS6 = InetAddresses.parseIpv6("fd01::11");

    /** One frame the director sent. */
    record Sent(int port, byte[] bytes) {
        UnsafeBuffer buffer() {
            return new UnsafeBuffer(bytes);
        }

        ParsedFrame parse() {
            ParsedFrame f = new ParsedFrame();
            int rc = new FrameParser(true).parse(buffer(), 0, bytes.length, f);
            if (rc != 0) {
                throw new AssertionError("the director sent a frame that does not parse: reason " + rc);
            }
            return f;
        }
    }

    final List<Sent> sent = new ArrayList<>();
    final DestinationRegistry registry = new DestinationRegistry();
    final ConnectionTable table = new ConnectionTable(1024, 10_000_000L, registry);
    final StaticNeighbours neighbours = new StaticNeighbours();
    final Port front = new Port(0, "front", FRONT_MAC, FRONT & 0xFFFF_FFFFL, FRONT6[0], FRONT6[1], 1500, -1);
    final Port back = new Port(1, "back", BACK_MAC, BACK & 0xFFFF_FFFFL, 0, 0, 1500, -1);
    final Egress egress;
    final PacketProcessor processor;
    final UnsafeBuffer rx = new UnsafeBuffer(new byte[70_000]);
    long now = 1_000_000_000L;

    DirectorFixture(IpvsSettings settings) {
        this(settings, null);
    }

    /** With application helpers (null: none). */
    DirectorFixture(IpvsSettings settings, AppRegistry apps) {
        RouteTable routes = RouteTable.of(List.of(
                new RouteTable.Route(4, 0, u(FRONT), 24, 0, 0, 0),
                new RouteTable.Route(4, 0, u(BACK), 24, 1, 0, 0),
                new RouteTable.Route(4, 0, 0, 0, 0, 0, u(GATEWAY)),
                new RouteTable.Route(6, FRONT6[0], 0, 64, 0, 0, 0),
                new RouteTable.Route(6, RS6[0], 0, 64, 1, 0, 0)));
        neighbours.put(4, 0, u(CLIENT), CLIENT_MAC).put(4, 0, u(GATEWAY), GATEWAY_MAC)
                .put(6, CLIENT6[0], CLIENT6[1], CLIENT_MAC).put(6, RS6[0], RS6[1], RS_MAC[0]);
        for (int i = 0; i < RS.length; i++) {
            neighbours.put(4, 0, u(RS[i]), RS_MAC[i]);
        }
        egress = new Egress(new Port[] {front, back}, routes, neighbours,
                (port, buffer, offset, length) -> sent.add(new Sent(port, copy(buffer, offset, length))));
        processor = new PacketProcessor(table, registry, egress, new long[] {FRONT_MAC, BACK_MAC}, settings,
                apps);
    }

    DirectorFixture() {
        this(IpvsSettings.defaults());
    }

    static long u(int ipv4) {
        return ipv4 & 0xFFFF_FFFFL;
    }

    private static byte[] copy(DirectBuffer b, int offset, int length) {
        byte[] bytes = new byte[length];
        b.getBytes(offset, bytes);
        return bytes;
    }

    /** A service on the VIP with real servers RS[0..n) added in order (so listed most recent first). */
    VirtualService virtualService(int protocol, int port, String scheduler, int flags, ForwardingMethod method,
            int n, int rsPort) {
        VirtualService vs = new VirtualService(registry, 4, protocol, 0, u(VIP), port, 0, scheduler, flags);
        for (int i = 0; i < n; i++) {
            vs.addDestination(4, 0, u(RS[i]), rsPort, method, 1, 0, 0);
        }
        return vs;
    }

    /** What the service's actor publishes to the shards. */
    static Schedule schedule(VirtualService vs, int persistentTimeout, long netmask) {
        return new Schedule(vs.af(), vs.protocol(), vs.addrHi(), vs.addrLo(), vs.port(), vs.fwmark(), vs.flags(),
                persistentTimeout, 0, netmask, null, vs.scheduler(), vs.destinations());
    }

    /** What the service's actor publishes, with the service's own persistence settings and match rules. */
    static Schedule schedule(VirtualService vs) {
        return new Schedule(vs.af(), vs.protocol(), vs.addrHi(), vs.addrLo(), vs.port(), vs.fwmark(), vs.flags(),
                vs.persistentTimeout(), vs.netmaskHi(), vs.netmaskLo(), vs.persistenceEngine(), vs.scheduler(),
                vs.destinations(), vs.matchRules());
    }

    void services(Schedule... schedules) {
        processor.services(new ServiceTable(List.of(schedules)));
    }

    /** A client frame arriving on the front port, addressed to the director's MAC. */
    Outcome receive(FrameBuilder frame) {
        sent.clear();
        int length = frame.build(rx, 0);
        return processor.process(rx, 0, length, now);
    }

    static FrameBuilder tcp(long dstMac, long srcMac, int src, int sport, int dst, int dport, int flags) {
        return new FrameBuilder().ethernet(dstMac, srcMac).ipv4(src, dst, 6, 64, 0x1234, true)
                .tcp(sport, dport, 1000, 0, flags, 65535);
    }

    static FrameBuilder clientTcp(int sport, int flags) {
        return tcp(FRONT_MAC, CLIENT_MAC, CLIENT, sport, VIP, 80, flags);
    }

    static FrameBuilder clientUdp(int sport, int dport, byte[] payload) {
        return new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC).ipv4(CLIENT, VIP, 17, 64, 0x4321, false)
                .udp(sport, dport).payload(payload);
    }

    Sent only() {
        if (sent.size() != 1) {
            throw new AssertionError("expected exactly one frame sent, got " + sent.size());
        }
        return sent.get(0);
    }
}
