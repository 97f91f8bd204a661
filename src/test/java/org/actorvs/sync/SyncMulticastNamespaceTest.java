package org.actorvs.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.conn.ConnFlags;
import org.actorvs.forward.Port;
import org.actorvs.io.PcapFileIo;
import org.actorvs.lab.LabHost;
import org.actorvs.runtime.Director;
import org.actorvs.runtime.DirectorSetup;
import org.actorvs.runtime.SyncActor;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real multicast between this JVM's namespace and a fresh network namespace over a veth pair made
 * for the test (a Java socket can only live in its own namespace, so the far side is a small
 * Python socket run with {@code ip netns exec}). Our master's datagrams must reach a plain
 * multicast listener with TTL 1 from the interface's address; the kernel master's datagrams sent
 * into our backup must end in a director's tables.
 */
class SyncMulticastNamespaceTest {
    private static final String RECEIVE = String.join("\n",
            "import socket, struct, sys",
            "g, port, ifaddr = sys.argv[1], int(sys.argv[2]), sys.argv[3]",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind((g, port))",
            "s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(g) + socket.inet_aton(ifaddr))",
            "s.setsockopt(socket.IPPROTO_IP, 12, 1)  # IP_RECVTTL (Linux), not named by Python",
            "s.settimeout(10)",
            "data, anc, flags, addr = s.recvmsg(65535, 64)",
            "ttl = [struct.unpack('i', d[:4])[0] for l, t, d in anc if t == 2]",
            "print('GOT', data.hex(), addr[0], ttl[0] if ttl else -1)");
    private static final String SEND = String.join("\n",
            "import socket, sys, time",
            "g, port, ifaddr = sys.argv[1], int(sys.argv[2]), sys.argv[3]",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ifaddr))",
            "s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)",
            "for h in sys.argv[4].split(','):",
            "    s.sendto(bytes.fromhex(h), (g, port))",
            "    time.sleep(0.02)",
            "print('SENT')");
    private static final Path CAPTURE = Path.of("src/test/resources/replay/v1-run.traffic.pcap");
    private static final Path CONFIG = Path.of("src/test/resources/replay/kernel-v1.conf");

    private String ns;
    private String here;
    private String there;
    private String hereAddress;
    private String thereAddress;
    private int port;

    @BeforeEach
    void namespace() {
        LabHost.requireNamespaces();
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
        int net = ThreadLocalRandom.current().nextInt(1, 250);
        ns = "avt" + suffix;
        here = "avt" + suffix + "a";
        there = "avt" + suffix + "b";
        hereAddress = "10.251." + net + ".1";
        thereAddress = "10.251." + net + ".2";
        port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
        sh("ip", "netns", "add", ns);
        sh("ip", "link", "add", here, "type", "veth", "peer", "name", there, "netns", ns);
        sh("ip", "addr", "add", hereAddress + "/24", "dev", here);
        sh("ip", "link", "set", here, "up");
        sh("ip", "netns", "exec", ns, "ip", "addr", "add", thereAddress + "/24", "dev", there);
        sh("ip", "netns", "exec", ns, "ip", "link", "set", there, "up");
        sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
    }

    @AfterEach
    void cleanUp() {
        if (ns != null) {
            LabHost.run(List.of("ip", "link", "del", here), 10);
            LabHost.run(List.of("ip", "netns", "del", ns), 10);
        }
    }

    private static void sh(String... command) {
        LabHost.Result r = LabHost.run(List.of(command), 10);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ": " + r.output());
    }

    private SyncDaemon daemon(int syncId) {
        return new SyncDaemon(here, syncId, 1, 0, SyncDaemon.DEFAULT_GROUP, port, 1);
    }

    @Test
    void ourMastersDatagramReachesAMulticastListenerWithTtlOneFromTheInterfaceAddress() throws Exception {
        SyncMessageEncoder encoder = new SyncMessageEncoder(1, 9, 1472);
        encoder.append(new SyncEntry().connection(4, 6, ConnFlags.MASQ, 1).client(0, 0x0A000001L, 40000)
                .virtual(0, 0x0A000064L, 80).destination(0, 0x0A000015L, 8080).timeoutSeconds(900));
        byte[] message = new byte[encoder.length()];
        encoder.buffer().getBytes(0, message);
        CompletableFuture<LabHost.Result> listener = CompletableFuture.supplyAsync(() -> LabHost.run(List.of("ip",
                "netns", "exec", ns, "python3", "-c", RECEIVE, "224.0.0.81", String.valueOf(port), thereAddress), 20));
        try (MulticastSyncSender sender = new MulticastSyncSender(daemon(9))) {
            assertEquals(hereAddress, sender.localAddress().getAddress().getHostAddress());
            // the listener joins a moment after it starts: send until it has one, a bounded number of times
            for (int i = 0; i < 50 && !listener.isDone(); i++) {
                assertTrue(sender.send(message, 0));
                Thread.sleep(200);
            }
        }
        LabHost.Result r = listener.get(30, TimeUnit.SECONDS);
        String line = r.output().lines().filter(l -> l.startsWith("GOT ")).findFirst().orElse(r.output());
        assertEquals("GOT " + HexFormat.of().formatHex(message) + " " + hereAddress + " 1", line);
    }

    @Test
    void theKernelMastersDatagramsSentOverTheWireEndInTheBackupsTables() throws Exception {
        List<byte[]> datagrams = KernelCaptures.datagrams("v1.pcap");
        Set<String> expected = new HashSet<>();
        SyncMessageDecoder decoder = new SyncMessageDecoder(0);
        StringBuilder hex = new StringBuilder();
        for (byte[] d : datagrams) {
            decoder.decode(new UnsafeBuffer(d), 0, d.length, e -> expected.add(e.protocol() + " " + e.af() + " "
                    + e.caddrHi() + "/" + e.caddrLo() + ":" + e.cport() + " " + e.vaddrHi() + "/" + e.vaddrLo() + ":"
                    + e.vport() + (e.template() ? " T " + e.peDataString() : "")));
            hex.append(hex.length() == 0 ? "" : ",").append(HexFormat.of().formatHex(d));
        }
        DirectorConfig config = DirectorConfigLoader.load(CONFIG);
        List<Port> ports = config.ports(name -> {
            throw new IllegalArgumentException(name);
        });
        try (PcapFileIo io = new PcapFileIo(ports, CAPTURE, null);
                Director backup = Director.offline(setup(config, ports), io)) {
            backup.apply(config.services(), config.drainTimeout());
            SyncActor.Reply started = backup.sync(r -> new SyncActor.StartBackup(daemon(0),
                    SyncSettings.kernelDefaults(), true, r));
            assertTrue(started.ok(), started.text());
            LabHost.Result sent = LabHost.run(List.of("ip", "netns", "exec", ns, "python3", "-c", SEND, "224.0.0.81",
                    String.valueOf(port), thereAddress, hex.toString()), 20);
            assertTrue(sent.output().contains("SENT"), sent.output());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            SyncActor.Stats stats = backup.syncStats();
            while (stats.datagramsReceived() < datagrams.size() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                stats = backup.syncStats();
            }
            assertEquals(datagrams.size(), stats.datagramsReceived());
            assertEquals(0, stats.rejectedTotal());
            int held = backup.connections(10_000).toCompletableFuture().get(10, TimeUnit.SECONDS).size();
            assertEquals(expected.size(), held);
            assertTrue(backup.sync(SyncActor.StopBackup::new).ok());
        }
    }

    private static DirectorSetup setup(DirectorConfig config, List<Port> ports) {
        return new DirectorSetup(ports, config.routeTable(), i -> config.staticNeighbours(),
                config.ipvs(), config.timeouts().toTimeouts(), config.shards(), config.connectionTableCapacity(),
                100_000_000L, config.services(), config.drainTimeout());
    }
}
