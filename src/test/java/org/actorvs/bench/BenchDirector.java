package org.actorvs.bench;

import java.util.List;

import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.TcpStates;
import org.actorvs.forward.Egress;
import org.actorvs.forward.FrameSink;
import org.actorvs.forward.IpvsSettings;
import org.actorvs.forward.Outcome;
import org.actorvs.forward.PacketProcessor;
import org.actorvs.forward.Port;
import org.actorvs.forward.RouteTable;
import org.actorvs.forward.StaticNeighbours;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.TcpFlyweight;
import org.actorvs.service.Destination;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.ForwardingMethod;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceTable;
import org.actorvs.service.VirtualService;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One shard of a two-armed NAT director for the packet-path benchmarks: front port towards the
 * clients (who sit behind a gateway, 172.16.0.0/12), back port towards real servers 10.0.1.11 and
 * up, one TCP service VIP:80 → RS:8080 (masquerading), every next hop resolved, and a sink that only
 * counts what would be sent. Frames are 64 bytes: Ethernet, IPv4, TCP and 10 bytes of data.
 */
final class BenchDirector {
    static final int FRAME_LENGTH = 64;
    static final int VIP = 0x0A000064;          // 10.0.0.100
    static final int VPORT = 80;
    static final int RPORT = 8080;
    private static final long FRONT_MAC = 0x0200_0000_0001L;
    private static final long BACK_MAC = 0x0200_0000_0002L;
    private static final long GATEWAY_MAC = 0x0200_0000_0ffeL;
    private static final long RS_MAC_BASE = 0x0200_0001_0000L;
    private static final long FRONT = 0x0A000001L;      // 10.0.0.1/24
    private static final long BACK = 0x0A000101L;       // 10.0.1.1/24
    private static final long GATEWAY = 0x0A0000FEL;    // 10.0.0.254
    private static final int RS_BASE = 0x0A00010B;      // 10.0.1.11
    private static final int CLIENT_BASE = 0xAC100000;  // 172.16.0.0
    private static final int CLIENT_PORTS = 64;
    private static final byte[] DATA = new byte[10];

    final DestinationRegistry registry = new DestinationRegistry();
    final ConnectionTable table;
    final CountingSink sink = new CountingSink();
    final PacketProcessor processor;
    private final List<Destination> destinations;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[FRAME_LENGTH]);

    /** The frames the director sends, counted and dropped: the cost of a real injector is not measured. */
    static final class CountingSink implements FrameSink {
        long frames;

        @Override
        public void send(int port, DirectBuffer buffer, int offset, int length) {
            frames++;
        }
    }

    /**
     * A director whose table holds {@code capacity} connections, its timers ticking every
     * {@code tickNanos}, with the kernel's default settings but for {@code verifyChecksums}.
     */
    BenchDirector(int capacity, long tickNanos, int realServers, String scheduler, boolean verifyChecksums) {
        if (realServers < 1 || realServers > 200) {
            throw new IllegalArgumentException("1..200 real servers fit the back /24: " + realServers);
        }
        this.table = new ConnectionTable(capacity, tickNanos, registry);
        StaticNeighbours neighbours = new StaticNeighbours().put(4, 0, GATEWAY, GATEWAY_MAC);
        VirtualService vs = new VirtualService(registry, 4, IpProtocol.TCP, 0, VIP, VPORT, 0, scheduler, 0);
        for (int i = 0; i < realServers; i++) {
            vs.addDestination(4, 0, realServer(i), RPORT, ForwardingMethod.MASQ, 1, 0, 0);
            neighbours.put(4, 0, realServer(i), RS_MAC_BASE + i);
        }
        RouteTable routes = RouteTable.of(List.of(
                new RouteTable.Route(4, 0, FRONT & 0xFFFFFF00L, 24, 0, 0, 0),
                new RouteTable.Route(4, 0, BACK & 0xFFFFFF00L, 24, 1, 0, 0),
                new RouteTable.Route(4, 0, 0, 0, 0, 0, GATEWAY)));
        Port[] ports = {
            new Port(0, "front", FRONT_MAC, FRONT, 0, 0, 1500, -1),
            new Port(1, "back", BACK_MAC, BACK, 0, 0, 1500, -1)};
        Egress egress = new Egress(ports, routes, neighbours, sink);
        processor = new PacketProcessor(table, registry, egress, new long[] {FRONT_MAC, BACK_MAC},
                IpvsSettings.defaults().toBuilder().verifyChecksums(verifyChecksums).build());
        destinations = vs.destinations();
        Schedule service = new Schedule(4, IpProtocol.TCP, 0, VIP, VPORT, 0, 0, 0, 0, 0xFFFF_FFFFL, null,
                vs.scheduler(), vs.destinations());
        processor.services(new ServiceTable(List.of(service)));
    }

    static long realServer(int i) {
        return RS_BASE + i;
    }

    /** Client number {@code i}'s address: 64 clients (ports) share each address. */
    static int clientAddress(int i) {
        return CLIENT_BASE + (i / CLIENT_PORTS);
    }

    static int clientPort(int i) {
        return 1024 + i % CLIENT_PORTS;
    }

    /** A 64-byte frame of client {@code i} to VIP:80, as the gateway hands it to the front port. */
    static int clientFrame(int i, int tcpFlags, MutableDirectBuffer out, int offset) {
        return new FrameBuilder().ethernet(FRONT_MAC, GATEWAY_MAC)
                .ipv4(clientAddress(i), VIP, IpProtocol.TCP, 64, i, true)
                .tcp(clientPort(i), VPORT, 1000, 2000, tcpFlags, 65535).payload(DATA).build(out, offset);
    }

    /** A 64-byte reply of real server {@code rs} (its address) to client {@code i}, into the back port. */
    static int replyFrame(long rs, int i, int tcpFlags, MutableDirectBuffer out, int offset) {
        return new FrameBuilder().ethernet(BACK_MAC, RS_MAC_BASE + (rs - RS_BASE))
                .ipv4((int) rs, clientAddress(i), IpProtocol.TCP, 64, i, true)
                .tcp(RPORT, clientPort(i), 2000, 1001, tcpFlags, 65535).payload(DATA).build(out, offset);
    }

    /** Client {@code i}'s connection, or NONE. */
    int connection(int i) {
        return table.lookupIn(IpProtocol.TCP, 4, 0, clientAddress(i) & 0xFFFF_FFFFL, clientPort(i), 0, VIP, VPORT);
    }

    /** Runs client {@code i}'s handshake (SYN, SYN-ACK, ACK) through the director; returns its connection. */
    int establish(int i, long nowNanos) {
        expect(Outcome.FORWARDED_IN, process(clientFrame(i, TcpFlyweight.SYN, scratch, 0), nowNanos));
        int cp = connection(i);
        long rs = table.daddrLo(cp);
        expect(Outcome.FORWARDED_OUT,
                process(replyFrame(rs, i, TcpFlyweight.SYN | TcpFlyweight.ACK, scratch, 0), nowNanos));
        expect(Outcome.FORWARDED_IN, process(clientFrame(i, TcpFlyweight.ACK, scratch, 0), nowNanos));
        if (table.state(cp) != TcpStates.ESTABLISHED) {
            throw new IllegalStateException("client " + i + " did not reach ESTABLISHED: state " + table.state(cp));
        }
        return cp;
    }

    private Outcome process(int length, long nowNanos) {
        if (length != FRAME_LENGTH) {
            throw new IllegalStateException("benchmark frames are " + FRAME_LENGTH + " bytes, not " + length);
        }
        return processor.process(scratch, 0, length, nowNanos);
    }

    /** Connections scheduled so far, over all real servers. */
    long connectionsMade() {
        long n = 0;
        for (Destination d : destinations) {
            n += processor.traffic().connections(d.id());
        }
        return n;
    }

    static void expect(Outcome expected, Outcome actual) {
        if (actual != expected) {
            throw new IllegalStateException("expected " + expected + ", the director returned " + actual);
        }
    }

    /** After a run: every frame processed was forwarded, none dropped or passed. */
    void checkAllForwarded() {
        long total = processor.outcomes().total();
        long forwarded = processor.outcomes().total(Outcome.Kind.FORWARDED);
        if (forwarded != total || sink.frames != total) {
            throw new IllegalStateException("of " + total + " frames " + forwarded + " were forwarded and "
                    + sink.frames + " sent");
        }
    }
}
