package org.actorvs.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.actorvs.forward.Port;
import org.actorvs.io.Injector;
import org.actorvs.io.NeighbourTable;
import org.actorvs.io.PcapLiveIo;
import org.actorvs.lab.LabHost;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.MacAddress;
import org.actorvs.runtime.ArpActor;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our VrrpActor against Debian's keepalived on one LAN: a bridge in namespace "b" (which is also
 * the client, 10.98.0.3), keepalived in namespace "k" (10.98.0.2), and ours on a veth end left in
 * this JVM's namespace (10.98.0.1 for VRRP only: the kernel has no address and no ARP there, so
 * only our code speaks on it). VIP 10.98.0.100, VRID 51.
 */
class KeepalivedInteropTest {
    static final int OUR_IP = InetAddresses.parseIpv4("10.98.0.1");
    static final int KEEPALIVED_IP = InetAddresses.parseIpv4("10.98.0.2");
    static final String VIP = "10.98.0.100";
    static final int VRID = 51;
    static final long S = 1_000_000_000L;

    private static ActorTestKit kit;

    private String prefix;
    private String nsB;
    private String nsK;
    private String ours;
    private Path dir;
    private Process keepalived;
    private PcapLiveIo io;
    private Thread reader;
    private volatile boolean reading;
    private Port port;
    private ActorRef<ArpActor.Command> arp;
    private ActorRef<VrrpActor.Command> vrrp;
    private TestProbe<VrrpActor.RoleChanged> roles;
    private final ConcurrentLinkedQueue<Heard> heard = new ConcurrentLinkedQueue<>();

    /** A VRRP advert keepalived sent, as our capture saw it. */
    record Heard(long nanos, int priority) {
    }

    @BeforeEach
    void lan() throws IOException {
        LabHost.requireNamespaces();
        prefix = "avt" + Integer.toHexString(0x10000 + ThreadLocalRandom.current().nextInt(0xEFFFF));
        nsB = prefix + "b";
        nsK = prefix + "k";
        ours = prefix + "o";
        dir = Files.createTempDirectory("actorvs-vrrp");
        sh("ip", "netns", "add", nsB);
        sh("ip", "netns", "add", nsK);
        sh("ip", "-n", nsB, "link", "add", "br0", "type", "bridge");
        sh("ip", "-n", nsB, "addr", "add", "10.98.0.3/24", "dev", "br0");
        sh("ip", "-n", nsB, "link", "set", "br0", "up");
        sh("ip", "-n", nsB, "link", "set", "lo", "up");
        sh("ip", "-n", nsK, "link", "set", "lo", "up");
        link(nsK, prefix + "kk", prefix + "kb");
        sh("ip", "-n", nsK, "addr", "add", "10.98.0.2/24", "dev", prefix + "kk");
        sh("ip", "-n", nsK, "link", "set", prefix + "kk", "up");
        sh("ip", "link", "add", ours, "type", "veth", "peer", "name", prefix + "ob");
        sh("ip", "link", "set", prefix + "ob", "netns", nsB);
        sh("ip", "-n", nsB, "link", "set", prefix + "ob", "master", "br0", "up");
        sh("sysctl", "-qw", "net.ipv6.conf." + ours + ".disable_ipv6=1");
        sh("ip", "link", "set", ours, "arp", "off", "up");
        // Read from sysfs: the JDK lists only interfaces with an address, and this one has none.
        final long mac = MacAddress.parse(Files.readString(Path.of("/sys/class/net", ours, "address")).strip());
        port = new Port(0, ours, mac, OUR_IP & 0xFFFF_FFFFL, 0, 0, 1500, -1);
        io = new PcapLiveIo(List.of(port), "arp or ip proto 112", 10);
        if (kit == null) {
            kit = ActorTestKit.create();
        }
        final Injector arpOut = io.openInjector();
        arp = kit.spawn(ArpActor.create(io.ports(), new NeighbourTable(io.ports(), NeighbourTable.Params.kernelDefaults()),
                arpOut, Duration.ofMillis(100), List.of()));
        roles = kit.createTestProbe(VrrpActor.RoleChanged.class);
        reading = true;
        reader = new Thread(this::read, prefix + "-pcap");
        reader.setDaemon(true);
        reader.start();
    }

    private void link(String ns, String inside, String onBridge) {
        sh("ip", "link", "add", inside, "type", "veth", "peer", "name", onBridge);
        sh("ip", "link", "set", inside, "netns", ns);
        sh("ip", "link", "set", onBridge, "netns", nsB);
        sh("ip", "-n", nsB, "link", "set", onBridge, "master", "br0", "up");
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (vrrp != null) {
                kit.stop(vrrp);
            }
            if (arp != null) {
                kit.stop(arp);
            }
            reading = false;
            if (io != null) {
                io.close();
            }
            if (reader != null) {
                reader.interrupt();
            }
            stopKeepalived();
        } finally {
            if (nsK != null) {
                killAll(nsK);
                LabHost.run(List.of("ip", "link", "del", ours), 10);
                LabHost.run(List.of("ip", "netns", "del", nsK), 10);
                LabHost.run(List.of("ip", "netns", "del", nsB), 10);
            }
            if (dir != null) {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(dir);
            }
        }
    }

    @Test
    void keepalivedMasterAtHigherPriorityKeepsOursBackupAndAloneAnswersForTheVip() throws Exception {
        startKeepalived(2, 150, "1");
        awaitKeepalived("Entering MASTER STATE");
        startOurs(VrrpConfig.keepalivedDefaults(VRID, OUR_IP, vip()));
        assertEquals(VrrpActor.Role.BACKUP, roles.receiveMessage(Duration.ofSeconds(5)).role());
        roles.expectNoMessage(Duration.ofSeconds(5));
        final VrrpActor.Status status = status();
        assertEquals(VrrpActor.Role.BACKUP, status.role());
        assertTrue(status.count(VrrpValidator.OK) >= 3, "keepalived's adverts were accepted: " + status.count(VrrpValidator.OK));
        assertEquals(0, status.advertsSent(), "a backup never advertises");
        assertTrue(LabHost.run(List.of("ip", "netns", "exec", nsB, "ping", "-c", "1", "-W", "2", VIP), 10).exitCode() == 0,
                "keepalived answers for the VIP");
        assertTrue(vipNeighbour().contains(keepalivedMac()), vipNeighbour());
    }

    @Test
    void oursMasterAtHigherPriorityKeepsKeepalivedBackupWithoutTheVip() throws Exception {
        oursMasterOverKeepalivedBackup();
        // Longer than keepalived's Master_Down_Interval: it would have taken over by now.
        Thread.sleep(4_500);
        assertFalse(keepalivedLog().contains("Entering MASTER STATE"), keepalivedLog());
        assertFalse(sh("ip", "-n", nsK, "addr", "show").contains(VIP + "/"), "keepalived did not add the VIP");
        LabHost.run(List.of("ip", "netns", "exec", nsB, "ping", "-c", "1", "-W", "1", VIP), 10);
        assertTrue(vipNeighbour().contains(MacAddress.format(port.mac())), "our ArpActor answers for the VIP: " + vipNeighbour());
    }

    @Test
    void oursTakesOverFromACrashedKeepalivedWithinMasterDownIntervalAndYieldsWhenItReturns() throws Exception {
        takeOverFromCrash(2, "1", VrrpConfig.keepalivedDefaults(VRID, OUR_IP, vip()));
    }

    @Test
    void v3AtTenthOfASecondTakesOverFromACrashedKeepalivedWithinMasterDownInterval() throws Exception {
        takeOverFromCrash(3, "0.1", VrrpConfig.keepalivedDefaults(VRID, OUR_IP, vip()).withVersion(3, 10));
    }

    private void takeOverFromCrash(int version, String advertInt, VrrpConfig config) throws Exception {
        startKeepalived(version, 150, advertInt);
        awaitKeepalived("Entering MASTER STATE");
        startOurs(config);
        assertEquals(VrrpActor.Role.BACKUP, roles.receiveMessage(Duration.ofSeconds(5)).role());
        awaitAdverts(3, 5);
        final long masterDown = new VrrpRouter(config).masterDownIntervalNanos();
        // SIGKILL the VRRP child: no priority-0 goodbye; -R keeps the parent from respawning it.
        sh("kill", "-KILL", Files.readString(dir.resolve("vrrp.pid")).strip());
        awaitRole(VrrpActor.Role.MASTER, 10);
        final long tookOver = System.nanoTime();
        final long sinceLastAdvert = tookOver - lastAdvert().nanos();
        System.out.printf("%nVRRPv%d advert_int %s: took over %.3f s after keepalived's last advert (Master_Down_Interval %.3f s)%n",
                version, advertInt, sinceLastAdvert / 1e9, masterDown / 1e9);
        assertTrue(sinceLastAdvert >= masterDown - 20_000_000L, "not before Master_Down_Interval: " + sinceLastAdvert);
        assertTrue(sinceLastAdvert <= masterDown + S / 2, "within Master_Down_Interval (+0.5 s scheduling slack): " + sinceLastAdvert);

        // keepalived back at 150: its Master_Down_Timer runs out over our lower adverts, and it preempts.
        stopKeepalived();
        heard.clear();
        startKeepalived(version, 150, advertInt);
        awaitRole(VrrpActor.Role.BACKUP, 15);
        assertEquals(150, lastAdvert().priority());
        assertTrue(keepalivedLog().contains("Entering MASTER STATE"), keepalivedLog());
    }

    @Test
    void keepalivedTakesOverAfterOurPriorityZeroAndOursPreemptsOnReturn() throws Exception {
        oursMasterOverKeepalivedBackup();
        heard.clear();
        final long stopped = System.nanoTime();
        vrrp.tell(VrrpActor.Shutdown.INSTANCE);
        assertEquals(VrrpActor.Role.INITIALIZE, roles.receiveMessage(Duration.ofSeconds(2)).role());
        awaitAdverts(1, 5);
        final long keepalivedSkew = (256 - 100) * S / 256;
        final long took = heard.peek().nanos() - stopped;
        System.out.printf("keepalived advertised as master %.3f s after our priority-0 advert (its Skew_Time %.3f s)%n",
                took / 1e9, keepalivedSkew / 1e9);
        assertTrue(took < 3 * S, "keepalived took over on Skew_Time, not Master_Down_Interval: " + took);
        awaitTrue(() -> sh("ip", "-n", nsK, "addr", "show").contains(VIP + "/"), 5, "keepalived added the VIP");

        vrrp.tell(VrrpActor.Startup.INSTANCE);
        assertEquals(VrrpActor.Role.BACKUP, roles.receiveMessage(Duration.ofSeconds(2)).role());
        awaitRole(VrrpActor.Role.MASTER, 10);
        awaitTrue(() -> !sh("ip", "-n", nsK, "addr", "show").contains(VIP + "/"), 5, "keepalived released the VIP");
    }

    /** keepalived at 100 and ours at 150, each settled in its role. */
    private void oursMasterOverKeepalivedBackup() throws IOException {
        startKeepalived(2, 100, "1");
        startOurs(VrrpConfig.keepalivedDefaults(VRID, OUR_IP, vip()).withPriority(150));
        awaitRole(VrrpActor.Role.MASTER, 10);
        awaitKeepalived("Entering BACKUP STATE");
    }

    private void startOurs(VrrpConfig config) {
        vrrp = kit.spawn(VrrpActor.create(config, port, io.openInjector(), arp, roles.getRef(), System::nanoTime));
    }

    private VrrpActor.Status status() {
        final TestProbe<VrrpActor.Status> reply = kit.createTestProbe(VrrpActor.Status.class);
        vrrp.tell(new VrrpActor.GetStatus(reply.getRef()));
        return reply.receiveMessage(Duration.ofSeconds(3));
    }

    private void awaitRole(VrrpActor.Role role, int seconds) {
        final long deadline = System.nanoTime() + seconds * S;
        while (System.nanoTime() < deadline) {
            final long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (roles.receiveMessage(Duration.ofMillis(left)).role() == role) {
                return;
            }
        }
        throw new AssertionError("not " + role + " within " + seconds + " s; keepalived:\n" + keepalivedLog());
    }

    private void startKeepalived(int version, int priority, String advertInt) throws IOException {
        final Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, "global_defs {\n  router_id " + prefix + "\n}\n"
                + "vrrp_instance VI_1 {\n"
                + "  state BACKUP\n"
                + "  interface " + prefix + "kk\n"
                + "  version " + version + "\n"
                + "  virtual_router_id " + VRID + "\n"
                + "  priority " + priority + "\n"
                + "  advert_int " + advertInt + "\n"
                + "  virtual_ipaddress {\n    " + VIP + "/24\n  }\n"
                + "}\n", StandardCharsets.US_ASCII);
        keepalived = new ProcessBuilder("ip", "netns", "exec", nsK, "keepalived", "--dont-fork", "--log-console",
                "--log-detail", "--vrrp", "--dont-respawn", "--no-syslog", "-f", conf.toString(),
                "-p", dir.resolve("keepalived.pid").toString(), "-r", dir.resolve("vrrp.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("keepalived.log").toFile()).start();
    }

    /** SIGTERM (keepalived says priority 0 and removes its VIPs), bounded, then SIGKILL. */
    private void stopKeepalived() {
        if (keepalived == null) {
            return;
        }
        keepalived.destroy();
        try {
            if (!keepalived.waitFor(5, TimeUnit.SECONDS)) {
                keepalived.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        killAll(nsK);
        keepalived = null;
    }

    /** Whatever is left in our namespace (keepalived's VRRP child), by pid. */
    private static void killAll(String ns) {
        final LabHost.Result pids = LabHost.run(List.of("ip", "netns", "pids", ns), 10);
        for (String pid : pids.output().split("\\s+")) {
            if (pid.matches("\\d+")) {
                LabHost.run(List.of("kill", "-KILL", pid), 5);
            }
        }
    }

    private String keepalivedLog() {
        try {
            return Files.readString(dir.resolve("keepalived.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private void awaitKeepalived(String line) {
        awaitTrue(() -> keepalivedLog().contains(line), 10, "keepalived log: " + line);
    }

    private void awaitAdverts(int count, int seconds) {
        awaitTrue(() -> heard.size() >= count, seconds, count + " adverts from keepalived");
    }

    private Heard lastAdvert() {
        Heard last = null;
        for (Heard h : heard) {
            last = h;
        }
        if (last == null) {
            throw new AssertionError("no advert from keepalived");
        }
        return last;
    }

    private void awaitTrue(BooleanSupplier condition, int seconds, String what) {
        final long deadline = System.nanoTime() + seconds * S;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what + "\n" + keepalivedLog());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    /** The capture thread: ARP to the ArpActor, protocol 112 to the VrrpActor, as the dispatcher routes them. */
    private void read() {
        while (reading) {
            final int n = io.receive(0, (p, b, o, l, t) -> {
                final byte[] copy = new byte[l];
                b.getBytes(o, copy);
                final int etherType = EthernetFlyweight.payloadEtherType(b, o);
                if (etherType == EthernetFlyweight.ETHER_TYPE_ARP) {
                    arp.tell(new ArpActor.ArpFrame(p, copy, t));
                } else if (etherType == EthernetFlyweight.ETHER_TYPE_IPV4 && l >= 42
                        && Ipv4Flyweight.protocol(b, o + 14) == VrrpFlyweight.IP_PROTOCOL) {
                    if (Ipv4Flyweight.src(b, o + 14) == KEEPALIVED_IP) {
                        heard.add(new Heard(t, VrrpFlyweight.priority(b, o + 34)));
                    }
                    final ActorRef<VrrpActor.Command> target = vrrp;
                    if (target != null) {
                        target.tell(new VrrpActor.Advert(p, copy, t));
                    }
                }
            });
            if (n == PcapLiveIo.END) {
                return;
            }
        }
    }

    private String vipNeighbour() {
        return sh("ip", "-n", nsB, "neigh", "show", VIP);
    }

    private String keepalivedMac() {
        return sh("ip", "netns", "exec", nsK, "cat", "/sys/class/net/" + prefix + "kk/address").strip();
    }

    private static int vip() {
        return InetAddresses.parseIpv4(VIP);
    }

    private static String sh(String... command) {
        final LabHost.Result r = LabHost.run(List.of(command), 10);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ": " + r.output());
        return r.output();
    }

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (kit != null) {
                kit.shutdownTestKit();
            }
        }));
    }
}
