package org.actorvs.runtime;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.forward.FrameSink;
import org.actorvs.forward.Port;
import org.actorvs.io.MemoryPacketIo;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.InetAddresses;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;

/**
 * {@code actorvs lab} without root: the namespace lab's NAT topology (deploy/lab/lab.sh) as an
 * in-process network. The director is the real one — capture threads, dispatcher, shards,
 * scheduler, NAT forwarding, ARP — reading and writing a {@link MemoryPacketIo}; the client and
 * the real servers are {@link SimulatedHost}s speaking ARP and TCP in Ethernet frames, so every
 * byte the director sends is parsed, checksums verified, by the host it is addressed to.
 */
public final class SimulatedLab {
    /** The lab's addresses (deploy/lab/lab.sh): the client and the real servers' default gateway. */
    static final String CLIENT = "10.77.0.2";
    static final String NAT_GATEWAY = "10.78.0.254";
    private static final int PREFIX_LENGTH = 24;
    /** Linux's ephemeral port range (ip_local_port_range) the client's connections come from. */
    private static final int FIRST_CLIENT_PORT = 32_768;
    private static final int CLIENT_PORTS = 60_999 - FIRST_CLIENT_PORT + 1;
    /** TCP_TIMEOUT_INIT: a SYN the director dropped while resolving a real server's MAC is sent again. */
    private static final long SYN_RETRANSMIT_MILLIS = 1_000;
    private static final long REQUEST_TIMEOUT_MILLIS = 10_000;

    private SimulatedLab() {
    }

    /** What a simulated demo did. */
    record Outcome(DirectorConfig config, Map<String, Integer> split, int failed, List<ConnectionView> connections,
            long badFrames, long unclaimedFrames) {
    }

    /** Runs the demo of {@code topology} (only nat is simulated) and prints it as the namespace lab does. */
    public static int run(String topology, int requests, PrintStream out) throws ConfigError {
        if (!"nat".equals(topology)) {
            out.println("actorvs lab: the simulated network has the nat topology only; --topology " + topology
                    + " needs the namespace lab (root).");
            return 1;
        }
        Path config = LabDemo.home().resolve("conf/examples/nat.conf");
        out.println("== SIMULATED NETWORK: no namespaces, no kernel. The real director runs on an in-process network");
        out.println("   with a simulated client " + CLIENT + " and real servers speaking TCP in Ethernet frames ("
                + config + ")");
        Outcome o = simulate(config, requests, out);
        LabDemo.printSplit(o.config(), o.split(), o.failed(), out);
        LabDemo.printConnections(o.connections().subList(0, Math.min(o.connections().size(),
                LabDemo.CONNECTIONS_SHOWN)), out);
        if (o.badFrames() > 0 || o.unclaimedFrames() > 0) {
            out.println("frames refused by the hosts (bad checksum or malformed): " + o.badFrames()
                    + ", addressed to no host: " + o.unclaimedFrames());
        }
        return o.failed() == 0 && o.badFrames() == 0 ? 0 : 1;
    }

    /** Starts the director on the simulated network of {@code configFile}, sends the requests, stops it. */
    static Outcome simulate(Path configFile, int requests, PrintStream out) throws ConfigError {
        DirectorConfig config = DirectorConfigLoader.load(configFile);
        List<Port> ports = config.ports(name -> SimulatedHost.macOf(
                (int) config.interfaces().get(config.interfaceIndex(name)).ipv4().orElseThrow().lo()));
        MemoryPacketIo io = new MemoryPacketIo(ports);
        RuleSet.Service service = config.services().services().get(0);
        int vip = Main.ipv4(service.spec().key().address());
        int vipPort = service.spec().key().port();
        int gateway = InetAddresses.parseIpv4(NAT_GATEWAY);
        List<List<SimulatedHost>> segments = new ArrayList<>();
        ports.forEach(p -> segments.add(new ArrayList<>()));

        int client = InetAddresses.parseIpv4(CLIENT);
        int clientPort = portOn(ports, client);
        SimulatedClient c = new SimulatedClient("c1", client, PREFIX_LENGTH, f -> io.deliver(clientPort, f));
        segments.get(clientPort).add(c);
        List<SimulatedRealServer> servers = new ArrayList<>();
        for (DestinationSpec d : service.destinations()) {
            int ip = Main.ipv4(d.address());
            int port = portOn(ports, ip);
            SimulatedRealServer s = new SimulatedRealServer("r" + (servers.size() + 1), ip, PREFIX_LENGTH, gateway,
                    f -> io.deliver(port, f));
            servers.add(s);
            segments.get(port).add(s);
        }
        AtomicLong unclaimed = new AtomicLong();
        for (int p = 0; p < ports.size(); p++) {
            io.onInjected(p, segment(segments.get(p), unclaimed));
        }

        Map<String, Integer> split = new TreeMap<>();
        int failed = 0;
        try (Director director = Main.start(config, ports, io)) {
            out.println("== director up; " + requests + " HTTP requests from " + CLIENT + " to http://"
                    + InetAddresses.formatIpv4(vip) + "/");
            for (int i = 0; i < requests; i++) {
                String body = exchange(c.get(vip, vipPort, FIRST_CLIENT_PORT + i % CLIENT_PORTS, 0x1000_0000 + i * 100_003,
                        InetAddresses.formatIpv4(vip)));
                if (body == null || body.isEmpty()) {
                    failed++;
                } else {
                    split.merge(body, 1, Integer::sum);
                }
            }
            List<ConnectionView> table = director.connections(Math.max(requests, LabDemo.CONNECTIONS_SHOWN))
                    .toCompletableFuture().join();
            long bad = c.badFrames() + servers.stream().mapToLong(SimulatedHost::badFrames).sum();
            return new Outcome(config, split, failed, table, bad, unclaimed.get());
        } finally {
            io.close();
        }
    }

    /** Waits for one exchange, retransmitting its SYN while it is unanswered; null when it failed. */
    private static String exchange(SimulatedClient.Exchange e) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REQUEST_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            try {
                return e.body.get(SYN_RETRANSMIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException timeout) {
                e.retransmitSyn();
            } catch (ExecutionException failure) {
                return null;
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** The director port whose IPv4 subnet holds {@code ip}: the segment a host lives on. */
    private static int portOn(List<Port> ports, int ip) {
        long mask = 0xFFFF_FFFFL << (32 - PREFIX_LENGTH) & 0xFFFF_FFFFL;
        for (Port p : ports) {
            if (p.hasIpv4() && ((p.ipv4() ^ (ip & 0xFFFF_FFFFL)) & mask) == 0) {
                return p.index();
            }
        }
        throw new IllegalArgumentException(InetAddresses.formatIpv4(ip) + " is on none of the director's subnets");
    }

    /** A shared Ethernet segment: a frame the director sends reaches the host it is addressed to, or all. */
    private static FrameSink segment(List<SimulatedHost> hosts, AtomicLong unclaimed) {
        return (port, buffer, offset, length) -> {
            long dst = EthernetFlyweight.dstMac(buffer, offset);
            boolean claimed = false;
            for (SimulatedHost h : hosts) {
                if (dst == EthernetFlyweight.BROADCAST_MAC || dst == h.mac) {
                    h.receive(buffer, offset, length);
                    claimed = true;
                }
            }
            if (!claimed) {
                unclaimed.incrementAndGet();
            }
        };
    }
}
