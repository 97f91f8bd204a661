package org.actorvs.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntFunction;

import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.config.SyncConfig;
import org.actorvs.config.VrrpSettings;
import org.actorvs.forward.NeighbourCache;
import org.actorvs.forward.Port;
import org.actorvs.health.HealthChecks;
import org.actorvs.io.NeighbourTable;
import org.actorvs.io.PacketIo;
import org.actorvs.io.PcapFileIo;
import org.actorvs.io.PcapLiveIo;
import org.actorvs.metrics.DirectorMetrics;
import org.actorvs.sync.BulkConfig;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code actorvs run | replay | lab}: the daemon, the offline replay of a capture, and the guided
 * demo. Exit status 0 on success, 1 when the work failed, 2 for a command line or configuration
 * that cannot be run (the message names the argument, or the file, line and key).
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    static final String USAGE = String.join("\n",
            "usage: actorvs run --config FILE",
            "       actorvs replay --config FILE --in IN.pcap --out OUT.pcap [--sync-out SYNC.pcap]",
            "       actorvs lab [--topology pair|nat|dr|tun] [--requests N] [--name PREFIX]",
            "");
    /** The live timer wheel's tick: connection expiry is accurate to this. */
    static final Duration TICK = Duration.ofMillis(100);

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (args[0]) {
                case "run":
                    return daemon(Arguments.parse("run", rest, List.of("--config")), out);
                case "replay":
                    return replay(Arguments.parse("replay", rest, List.of("--config", "--in", "--out", "--sync-out")), out);
                case "lab":
                    return LabDemo.run(Arguments.parse("lab", rest, List.of("--topology", "--requests", "--name", "--config")),
                            out);
                default:
                    err.println("actorvs: unknown command '" + args[0] + "' (expected run, replay or lab)");
                    err.print(USAGE);
                    return 2;
            }
        } catch (Arguments.UsageException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (ConfigError e) {
            err.println("actorvs: " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("actorvs " + args[0] + ": " + e.getMessage());
            LOG.debug("failure", e);
            return 1;
        }
    }

    /** The daemon: live capture on the configured interfaces until SIGTERM (or SIGINT). */
    static int daemon(Arguments a, PrintStream out) throws Arguments.UsageException, ConfigError, IOException {
        DirectorConfig config = DirectorConfigLoader.load(Path.of(a.required("--config")));
        Director director = startLive(config);
        AdminServer.serve(director, config.admin());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            director.close();
            stopped.countDown();
        }, "shutdown"));
        out.println("actorvs " + config.nodeName() + ": " + config.services().services().size()
                + " virtual services on " + director.setup().ports().stream().map(Port::name).toList() + ", "
                + config.shards() + " shards");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * A live director on the configured interfaces (read from the OS), its services applied, its
     * metrics served as {@code metrics} configures.
     */
    static Director startLive(DirectorConfig config) throws IOException {
        List<Port> ports = livePorts(config);
        Director director = start(config, ports, new PcapLiveIo(ports, CaptureFilter.of(config.services(), ports,
                config.vrrp().isPresent()),
                (int) Math.max(1, config.capture().pollInterval().toMillis()), config.capture().snaplen(),
                config.capture().bufferBytes()));
        DirectorMetrics.serve(director, config);
        HealthChecks.start(director.system(), director.serviceDirectory(), config.healthChecks());
        return director;
    }

    /** A live director on {@code io} (the OS's interfaces, or the simulated lab's), its services applied. */
    static Director start(DirectorConfig config, List<Port> ports, PacketIo io) {
        NeighbourTable neighbours = neighbours(config, ports);
        Director director = Director.live(setup(config, ports, i -> neighbours), io,
                new Director.LinkLayer(neighbours, owned(config), vrrp(config)));
        try {
            director.apply(config.services(), config.drainTimeout());
            if (config.vrrp().isEmpty()) {
                startSyncDaemons(director, config.sync());
            }
            BulkConfig bulk = config.sync().bulk();
            if (bulk.listen().isPresent() || bulk.pulls()) {
                // Serve this table to directors that start later; pull a running peer's first, and
                // only then join the VRRP instance: preemption waits for the table (bounded).
                try {
                    director.startBulk(bulk, config.sync().settings().threshold());
                } catch (IOException e) {
                    throw new UncheckedIOException("sync.bulk.listen: " + e.getMessage(), e);
                }
            } else {
                director.joinVrrp();
            }
        } catch (RuntimeException e) {
            director.close();
            throw e;
        }
        return director;
    }

    /** The live neighbour table, holding the configured neighbours of both families as PERMANENT entries. */
    static NeighbourTable neighbours(DirectorConfig config, List<Port> ports) {
        NeighbourTable neighbours = new NeighbourTable(ports, NeighbourTable.Params.kernelDefaults());
        for (DirectorConfig.Neighbour n : config.neighbours()) {
            ArpActor.Announcement a = announcement(config.interfaceIndex(n.interfaceName()), n.address());
            neighbours.putStatic(a.port(), a.af(), a.hi(), a.lo(), n.mac());
        }
        return neighbours;
    }

    /**
     * The VRRP instance, if configured: its virtual addresses move with mastership, and the role
     * starts and stops the sync daemons (which then do not start with the director).
     */
    static Director.Vrrp vrrp(DirectorConfig config) {
        if (config.vrrp().isEmpty()) {
            return null;
        }
        VrrpSettings v = config.vrrp().get();
        List<ArpActor.Announcement> moving = new ArrayList<>();
        for (DirectorConfig.OwnedAddress a : v.virtualAddresses()) {
            moving.add(announcement(config.interfaceIndex(a.interfaceName()), a.address()));
        }
        for (DirectorConfig.OwnedAddress a : v.excludedAddresses()) {
            moving.add(announcement(config.interfaceIndex(a.interfaceName()), a.address()));
        }
        SyncConfig sync = config.sync();
        return new Director.Vrrp(v.router(), config.interfaceIndex(v.interfaceName()), moving,
                new SyncRoles(sync.settings(), sync.master(), sync.backup(), v.syncBoth()));
    }

    /** The sync daemons the configuration asks for; a daemon that cannot start stops the director. */
    static void startSyncDaemons(Director director, SyncConfig sync) {
        SyncSettings settings = sync.settings();
        sync.master().ifPresent(d -> check(director.sync(r -> new SyncActor.StartMaster(d, settings, null, r))));
        sync.backup().ifPresent(d -> check(director.sync(r -> new SyncActor.StartBackup(d, settings, true, r))));
    }

    private static void check(SyncActor.Reply reply) {
        if (!reply.ok()) {
            throw new IllegalStateException(reply.text());
        }
    }

    /** Offline: every frame of a capture through the whole director, what it sends into another file. */
    static int replay(Arguments a, PrintStream out) throws Arguments.UsageException, ConfigError, IOException {
        DirectorConfig config = DirectorConfigLoader.load(Path.of(a.required("--config")));
        Path in = Path.of(a.required("--in"));
        if (!Files.isReadable(in)) {
            throw new Arguments.UsageException("actorvs replay: --in " + in + ": no such readable file");
        }
        Path output = Path.of(a.required("--out"));
        Optional<Path> syncOut = a.optional("--sync-out").map(Path::of);
        List<Port> ports = config.ports(name -> {
            throw new IllegalArgumentException(config.source() + ": interface " + name
                    + " has no mac: an offline replay cannot ask the OS, give interfaces[].mac");
        });
        long failures;
        try (PcapFileIo io = new PcapFileIo(ports, in, output);
                Director director = Director.offline(setup(config, ports, i -> config.staticNeighbours()), io)) {
            director.apply(config.services(), config.drainTimeout());
            SyncPcapSender sync = null;
            if (syncOut.isPresent()) {
                sync = startReplayMaster(director, config, ports, syncOut.get());
            }
            Replay.Summary summary = Replay.run(director, io);
            out.print(summary.format());
            out.printf("frames out: %d -> %s%n", io.framesWritten(), output);
            if (sync != null) {
                // what the kernel's master thread would send within 2 s goes out at the end
                director.flushSync();
                SyncActor.Stats stats = director.syncStats();
                check(director.sync(SyncActor.StopMaster::new));
                out.printf("sync messages out: %d (dropped %d) -> %s%n", sync.frames(), stats.messagesDropped(),
                        syncOut.get());
            }
            failures = summary.failures();
        }
        return failures == 0 ? 0 : 1;
    }

    /**
     * The replay's sync master writes to a capture: the configured master daemon's parameters, or
     * the kernel's defaults on the first interface; from that interface's MAC and IPv4 address.
     */
    private static SyncPcapSender startReplayMaster(Director director, DirectorConfig config, List<Port> ports,
            Path file) throws IOException {
        SyncDaemon daemon = config.sync().master().orElse(SyncDaemon.defaults(ports.get(0).name(), 0));
        Port from = ports.stream().filter(p -> p.name().equals(daemon.interfaceName())).findFirst()
                .orElse(ports.get(0));
        SyncPcapSender sender = new SyncPcapSender(file, from, daemon);
        SyncActor.Reply reply = director.sync(r -> new SyncActor.StartMaster(daemon, config.sync().settings(), sender, r));
        if (!reply.ok()) {
            sender.close();
            throw new IllegalStateException(reply.text());
        }
        return sender;
    }

    static DirectorSetup setup(DirectorConfig c, List<Port> ports,
            IntFunction<NeighbourCache> neighbours) {
        return new DirectorSetup(ports, c.routeTable(), neighbours, c.ipvs(), c.timeouts().toTimeouts(), c.shards(),
                c.connectionTableCapacity(), TICK.toNanos(), c.services(), c.drainTimeout());
    }

    private static List<Port> livePorts(DirectorConfig config) throws IOException {
        List<Port> ports = new ArrayList<>();
        for (int i = 0; i < config.interfaces().size(); i++) {
            DirectorConfig.Interface itf = config.interfaces().get(i);
            Port os = PcapLiveIo.portOf(i, itf.name());
            ports.add(itf.toPort(i, itf.mac().orElse(os.mac())));
        }
        return ports;
    }

    static List<ArpActor.Announcement> owned(DirectorConfig config) {
        List<ArpActor.Announcement> owned = new ArrayList<>();
        for (DirectorConfig.OwnedAddress o : config.ownedAddresses()) {
            owned.add(announcement(config.interfaceIndex(o.interfaceName()), o.address()));
        }
        return owned;
    }

    /** An address of either family on a port, in the hot-path convention. */
    static ArpActor.Announcement announcement(int port, InetAddress a) {
        DirectorConfig.IpPrefix address = new DirectorConfig.IpPrefix(a, a.getAddress().length * 8);
        return new ArpActor.Announcement(port, address.af(), address.hi(), address.lo());
    }

    static int ipv4(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }
}
