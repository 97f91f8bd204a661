package org.actorvs.runtime;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.forward.Port;
import org.actorvs.io.MemoryPacketIo;
import org.actorvs.packet.InetAddresses;

/**
 * {@code actorvs lab} without root: the namespace lab's NAT topology (deploy/lab/lab.sh) as an
 * in-process network. The director is the real one — capture threads, dispatcher, shards,
 * scheduler, NAT forwarding, ARP — reading and writing a {@link MemoryPacketIo}; the client and
 * the real servers are {@link SimulatedHost}s speaking ARP and TCP in Ethernet frames on
 * {@link SimulatedSegment}s, so every byte the director sends is parsed, checksums verified, by
 * the host it is addressed to. Topology pair runs the active/backup pair through a failover and
 * back ({@link SimulatedPair}).
 */
public final class SimulatedLab {
    static final String CLIENT = SimulatedNetwork.CLIENT;
    /** Each exchange's bound; the client's timer sends its SYN again meanwhile. */
    private static final long REQUEST_TIMEOUT_MILLIS = 10_000;

    private SimulatedLab() {
    }

    /** What a simulated demo did. */
    record Outcome(DirectorConfig config, Map<String, Integer> split, int failed, List<ConnectionView> connections,
            long badFrames, long unclaimedFrames) {
    }

    /** What a run of short requests got: answers per real server, and how many failed. */
    record Split(Map<String, Integer> answers, int failed) {
    }

    /** Runs the demo of {@code topology} (nat or pair are simulated) and prints it as the namespace lab does. */
    public static int run(String topology, int requests, PrintStream out) throws ConfigError {
        if ("pair".equals(topology)) {
            return SimulatedPair.run(requests, out);
        }
        if (!"nat".equals(topology)) {
            out.println("actorvs lab: the simulated network has the nat and pair topologies only; --topology "
                    + topology + " needs the namespace lab (root).");
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
        printFrames(o.badFrames(), o.unclaimedFrames(), out);
        return o.failed() == 0 && o.badFrames() == 0 ? 0 : 1;
    }

    /** Starts the director on the simulated network of {@code configFile}, sends the requests, stops it. */
    static Outcome simulate(Path configFile, int requests, PrintStream out) throws ConfigError {
        DirectorConfig config = DirectorConfigLoader.load(configFile);
        List<Port> ports = SimulatedNetwork.ports(config);
        MemoryPacketIo io = new MemoryPacketIo(ports);
        try (SimulatedNetwork net = new SimulatedNetwork(config, ports)) {
            net.plug(ports, io);
            try (Director director = Main.start(config, ports, io)) {
                out.println("== director up; " + requests + " HTTP requests from " + CLIENT + " to http://"
                        + InetAddresses.formatIpv4(net.vip) + "/");
                Split split = requests(net, requests);
                List<ConnectionView> table = director.connections(Math.max(requests, LabDemo.CONNECTIONS_SHOWN))
                        .toCompletableFuture().join();
                return new Outcome(config, split.answers(), split.failed(), table, net.badFrames(), net.unclaimed());
            }
        } finally {
            io.close();
        }
    }

    /** {@code count} HTTP/1.0 GETs of the VIP one after the other, each on a connection of its own. */
    static Split requests(SimulatedNetwork net, int count) {
        Map<String, Integer> answers = new TreeMap<>();
        int failed = 0;
        for (int i = 0; i < count; i++) {
            String body = body(net.client.get(net.vip, net.vipPort, InetAddresses.formatIpv4(net.vip)));
            if (body == null || body.isEmpty()) {
                failed++;
            } else {
                answers.merge(body, 1, Integer::sum);
            }
        }
        return new Split(answers, failed);
    }

    /** Waits for one exchange's body (its SYN sent again by the client's timer meanwhile); null when it failed. */
    private static String body(SimulatedClient.Exchange e) {
        try {
            return e.body.get(REQUEST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException failure) {
            return null;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static void printFrames(long bad, long unclaimed, PrintStream out) {
        if (bad > 0 || unclaimed > 0) {
            out.println("frames refused by the hosts (bad checksum or malformed): " + bad
                    + ", addressed to no station on their segment: " + unclaimed);
        }
    }
}
