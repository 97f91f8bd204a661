package org.actorvs.runtime;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.actorvs.app.AppRegistry;
import org.actorvs.app.FtpHelper;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.forward.Egress;
import org.actorvs.forward.PacketProcessor;
import org.actorvs.forward.Port;
import org.actorvs.ha.VrrpActor;
import org.actorvs.ha.VrrpConfig;
import org.actorvs.io.Injector;
import org.actorvs.io.NeighbourTable;
import org.actorvs.io.PacketIo;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.RuleSet;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ScheduleUpdate;
import org.actorvs.service.ServiceTable;
import org.actorvs.sync.BulkClient;
import org.actorvs.sync.BulkConfig;
import org.actorvs.sync.BulkResult;
import org.actorvs.sync.BulkServer;
import org.actorvs.sync.SyncApplier;
import org.agrona.DirectBuffer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * A running director: the actor system with its packet shards (one pinned thread each), the service
 * table publisher, and — when live — one capture thread per port feeding a dispatcher. Offline replay
 * drives the same shards through {@link Replay} instead of capture threads.
 */
public final class Director implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Director.class);
    /** Batches per capture thread, their size and frame count: 64 x 256 KiB holds 160 ms of 1 Gb/s. */
    static final int BATCHES_PER_PORT = 64;
    static final int BATCH_BYTES = 256 * 1024;
    static final int BATCH_FRAMES = 512;
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);
    /** The FTP helper's control ports: ip_vs_ftp's default "ports" module parameter. */
    static final int[] FTP_PORTS = {21};
    /** How often draining destinations are checked for their last connection. */
    private static final Duration DRAIN_CHECK = Duration.ofSeconds(1);
    /** Neighbour resolution timers run at this period (the kernel's retrans_time is 1 s). */
    private static final Duration ARP_TICK = Duration.ofMillis(100);

    private final DirectorSetup setup;
    private final PacketIo io;
    private final ActorSystem<Void> system;
    private final List<ActorRef<PacketShard.Command>> shards;
    private final ActorRef<ScheduleUpdate> publisher;
    private final ActorRef<ServiceDirectory.Command> directory;
    /** Null offline, where neighbours come from configuration. */
    private final ActorRef<ArpActor.Command> arp;
    /** Null without a VRRP instance: the director then owns its addresses for good. */
    private final ActorRef<VrrpActor.Command> vrrp;
    /** Where the VRRP instance reports its roles (null without one): it drives the sync daemons. */
    private final ActorRef<Object> vrrpRoles;
    private final AtomicReference<VrrpActor.Role> role = new AtomicReference<>(VrrpActor.Role.INITIALIZE);
    private final ActorRef<SyncActor.Command> sync;
    private final DestinationRegistry registry;
    private final AtomicReference<ServiceAddresses> addresses;
    private final AtomicReference<Map<ServiceKey, Schedule>> published;
    private final List<Injector> injectors;
    private final List<CaptureLoop> captures = new ArrayList<>();
    private final List<Thread> captureThreads = new ArrayList<>();
    /** The rule table last handed to the service directory, which diffs the next one against it. */
    private volatile RuleSet rules = RuleSet.EMPTY;
    /** Null until something samples rates (the metrics package's estimators). */
    private volatile RateSource rateSource;
    /** Per shard: batches handed to it and not yet processed. */
    private final AtomicLong[] queued;
    /** Closed first by {@link #close()}, newest first: what serves this director's state (metrics). */
    private final List<AutoCloseable> attached = new CopyOnWriteArrayList<>();

    private record Started(List<ActorRef<PacketShard.Command>> shards, ActorRef<ScheduleUpdate> publisher,
            ActorRef<ServiceDirectory.Command> directory, ActorRef<ArpActor.Command> arp,
            ActorRef<VrrpActor.Command> vrrp, ActorRef<Object> vrrpRoles,
            ActorRef<SyncActor.Command> sync) {
    }

    /**
     * A live director's link layer: the ARP neighbour table its shards read and the addresses it
     * owns (answered for, and announced with gratuitous ARP at start).
     */
    public record LinkLayer(NeighbourTable neighbours, List<ArpActor.Announcement> owned, Vrrp vrrp) {
        public LinkLayer {
            owned = List.copyOf(owned);
        }

        public LinkLayer(NeighbourTable neighbours, List<ArpActor.Announcement> owned) {
            this(neighbours, owned, null);
        }
    }

    /**
     * A VRRP instance on one port: the elected master holds the instance's virtual addresses (the
     * VIPs, and for NAT the real servers' gateway), the backup gives them up.
     *
     * @param port      the port the adverts go out on
     * @param addresses every address of {@code config}'s advert, in its order, with the port it is
     *                  announced on (a NAT gateway lives on the back LAN, the VRRP port may be the front
     *                  one); then any it does not list (keepalived's virtual_ipaddress_excluded)
     * @param sync      which sync daemons each role runs
     */
    public record Vrrp(VrrpConfig config, int port, List<ArpActor.Announcement> addresses, SyncRoles sync) {
        public Vrrp {
            addresses = List.copyOf(addresses);
            int[] vips = config.vips();
            // The advert's addresses first, in its order; then those it does not list
            // (virtual_ipaddress_excluded), which move all the same.
            if (addresses.size() < vips.length) {
                throw new IllegalArgumentException(addresses.size() + " announced addresses for " + vips.length
                        + " in the advert");
            }
            for (int i = 0; i < vips.length; i++) {
                ArpActor.Announcement a = addresses.get(i);
                if (a.af() != 4 || (int) a.lo() != vips[i]) {
                    throw new IllegalArgumentException("announced address " + i + " is not the advert's");
                }
            }
            Objects.requireNonNull(sync, "sync");
        }

        /** Every virtual address on the VRRP port, no sync daemons. */
        public Vrrp(VrrpConfig config, int port) {
            this(config, port, Arrays.stream(config.vips()).mapToObj(v -> new ArpActor.Announcement(port, v)).toList(),
                    SyncRoles.none());
        }
    }

    /** What applying a rule set did. */
    public record Applied(int services, ServiceDirectory.Summary summary) {
    }

    private Director(DirectorSetup setup, PacketIo io, LinkLayer link) {
        boolean live = link != null;
        this.setup = setup;
        this.io = io;
        this.registry = new DestinationRegistry();
        this.addresses = new AtomicReference<>(ServiceAddresses.of(ServiceTable.EMPTY, setup.ports()));
        this.published = new AtomicReference<>(Map.of());
        this.injectors = new CopyOnWriteArrayList<>();
        this.queued = new AtomicLong[setup.shards()];
        Arrays.setAll(queued, i -> new AtomicLong());
        List<ShardCore> cores = new ArrayList<>();
        Port[] ports = setup.ports().toArray(new Port[0]);
        // One registry for every shard: the kernel's helpers are registered once per netns (ip_vs_app.c).
        AppRegistry apps = new AppRegistry();
        FtpHelper.register(apps, FTP_PORTS);
        for (int i = 0; i < setup.shards(); i++) {
            Injector injector = io.openInjector();
            injectors.add(injector);
            ConnectionTable table = new ConnectionTable(setup.tableCapacity(), setup.tickNanos(), registry,
                    setup.timeouts());
            Egress egress = new Egress(ports, setup.routes(), setup.neighbours().apply(i), injector);
            PacketProcessor processor = new PacketProcessor(table, registry, egress, setup.localMacs(),
                    setup.settings(), apps);
            cores.add(new ShardCore(i, table, processor,
                    new SyncApplier(table, registry, setup.timeouts(), processor.apps())));
        }
        CompletableFuture<Started> started = new CompletableFuture<>();
        Duration liveTick = live ? Duration.ofNanos(setup.tickNanos()) : null;
        Behavior<Void> guardian = Behaviors.setup(ctx -> {
            List<ActorRef<PacketShard.Command>> refs = new ArrayList<>();
            for (ShardCore core : cores) {
                refs.add(ctx.spawn(PacketShard.create(core, liveTick), "shard-" + core.index(),
                        DispatcherSelector.fromConfig("actorvs.shard-dispatcher")));
            }
            ActorRef<ScheduleUpdate> pub = ctx.spawn(ServiceTablePublisher.create(refs, setup.ports(), addresses,
                    published), "service-table").narrow();
            ActorRef<ServiceDirectory.Command> dir = ctx.spawn(ServiceDirectory.create(registry, List.of(pub),
                    DRAIN_CHECK, System::nanoTime), "services");
            ActorRef<ArpActor.Command> arp = null;
            ActorRef<VrrpActor.Command> vrrpRef = null;
            ActorRef<Object> roles = null;
            ActorRef<SyncActor.Command> sync = ctx.spawn(SyncActor.create(refs), "sync");
            if (link != null) {
                Injector arpInjector = io.openInjector();
                injectors.add(arpInjector);
                arp = ctx.spawn(ArpActor.create(setup.ports(), link.neighbours(), arpInjector, ARP_TICK,
                        link.owned()), "arp");
                if (link.vrrp() != null) {
                    Vrrp v = link.vrrp();
                    Injector vrrpInjector = io.openInjector();
                    injectors.add(vrrpInjector);
                    String where = "VRRP instance " + v.config().vrid() + " on " + setup.ports().get(v.port()).name();
                    roles = ctx.spawn(v.sync().listener(sync, r -> {
                        LOG.info("{}: {}", where, r);
                        role.set(r);
                    }), "vrrp-roles");
                    vrrpRef = ctx.spawn(VrrpActor.create(v.config(), setup.ports().get(v.port()), v.addresses(),
                            false, vrrpInjector, arp, roles.narrow(), System::nanoTime), "vrrp",
                            // A thread of its own: with 100 ms adverts a backup takes over after
                            // 0.36 s, so an advert queued behind admin or sync work splits the pair.
                            DispatcherSelector.fromConfig("actorvs.vrrp-dispatcher"));
                }
            }
            started.complete(new Started(List.copyOf(refs), pub, dir, arp, vrrpRef, roles, sync));
            return Behaviors.empty();
        });
        this.system = ActorSystem.create(guardian, "actorvs", systemConfig());
        Started s = started.join();
        this.shards = s.shards();
        this.publisher = s.publisher();
        this.directory = s.directory();
        this.arp = s.arp();
        this.vrrp = s.vrrp();
        this.vrrpRoles = s.vrrpRoles();
        this.sync = s.sync();
        if (live) {
            for (int p = 0; p < ports.length; p++) {
                CaptureLoop loop = new CaptureLoop(io, p, newDispatcher());
                Thread t = new Thread(loop, "capture-" + ports[p].name());
                t.setDaemon(true);
                captures.add(loop);
                captureThreads.add(t);
            }
            captureThreads.forEach(Thread::start);
            LOG.info("director up: {} shards, ports {}", shards.size(), setup.ports().stream().map(Port::name).toList());
        }
    }

    /** Starts a director reading its ports live, one capture thread each. */
    public static Director live(DirectorSetup setup, PacketIo io, LinkLayer link) {
        return new Director(setup, io, link);
    }

    /** Starts the shards of a director whose frames the caller feeds (offline replay). */
    public static Director offline(DirectorSetup setup, PacketIo io) {
        return new Director(setup, io, null);
    }

    static Config systemConfig() {
        return ConfigFactory.parseString(String.join("\n",
                "actorvs.shard-dispatcher {",
                "  type = PinnedDispatcher",
                "  executor = thread-pool-executor",
                "}",
                "actorvs.vrrp-dispatcher {",
                "  type = PinnedDispatcher",
                "  executor = thread-pool-executor",
                "}",
                "pekko.loglevel = INFO",
                "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\""))
                .withFallback(ConfigFactory.load());
    }

    /** A dispatcher over this director's shards with a batch pool of its own. */
    FrameDispatcher newDispatcher() {
        FrameBatch.Pool pool = new FrameBatch.Pool(BATCHES_PER_PORT, BATCH_BYTES, BATCH_FRAMES);
        return new FrameDispatcher(shards.size(), pool,
                (shard, batch) -> {
                    queued[shard].incrementAndGet();
                    shards.get(shard).tell(new PacketShard.Frames(batch, null, queued[shard]));
                },
                this::controlFrame, addresses::get);
    }

    /** ARP and VRRP are rare: the frame is copied into a message for the actor that owns it. */
    private void controlFrame(int kind, int port, DirectBuffer buffer, int offset, int length, long timestampNanos) {
        ActorRef<VrrpActor.Command> vrrpActor = vrrp;
        if (kind == FrameDispatcher.ARP && arp != null) {
            arp.tell(new ArpActor.ArpFrame(port, copy(buffer, offset, length), timestampNanos));
        } else if (kind == FrameDispatcher.VRRP && vrrpActor != null) {
            vrrpActor.tell(new VrrpActor.Advert(port, copy(buffer, offset, length), timestampNanos));
        }
    }

    private static byte[] copy(DirectBuffer buffer, int offset, int length) {
        byte[] frame = new byte[length];
        buffer.getBytes(offset, frame);
        return frame;
    }

    /**
     * Applies a rule set as a diff of the running services and returns once every shard holds the
     * resulting service table (so the next frame sent to a shard sees it).
     */
    public Applied apply(RuleSet rules, Duration drainTimeout) {
        ServiceDirectory.Summary summary = AskPattern.<ServiceDirectory.Command, ServiceDirectory.Summary>ask(directory,
                r -> new ServiceDirectory.ApplyRules(rules, drainTimeout, r), ASK_TIMEOUT.multipliedBy(2),
                system.scheduler()).toCompletableFuture().join();
        // even with errors: the directory has taken the table as its current one
        this.rules = rules;
        if (!summary.errors().isEmpty()) {
            throw new IllegalStateException("services refused: " + String.join("; ", summary.errors()));
        }
        // Every scheduler actor published before it answered: its update is ahead of the barriers.
        List<CompletableFuture<Done>> held = new ArrayList<>();
        for (ActorRef<PacketShard.Command> s : shards) {
            held.add(ServiceTablePublisher.barrier(publisher, s, ASK_TIMEOUT, system.scheduler())
                    .toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(held.toArray(new CompletableFuture[0])).join();
        } catch (CompletionException e) {
            throw new IllegalStateException("the shards did not confirm the services within " + ASK_TIMEOUT, e);
        }
        return new Applied(rules.services().size(), summary);
    }

    /** The sync daemons (master and backup), idle until started. */
    public ActorRef<SyncActor.Command> sync() {
        return sync;
    }

    /** Asks the sync actor to start or stop a daemon and waits for its answer. */
    public SyncActor.Reply sync(Function<ActorRef<SyncActor.Reply>, SyncActor.Command> command) {
        return AskPattern.ask(sync, command::apply, ASK_TIMEOUT, system.scheduler()).toCompletableFuture().join();
    }

    public SyncActor.Stats syncStats() {
        return AskPattern.<SyncActor.Command, SyncActor.Stats>ask(sync, SyncActor.GetStats::new, ASK_TIMEOUT,
                system.scheduler()).toCompletableFuture().join();
    }

    /** Has every shard send its sync master's partly filled message, and waits until they have. */
    public void flushSync() {
        for (ActorRef<PacketShard.Command> s : shards) {
            AskPattern.<PacketShard.Command, Done>ask(s, PacketShard.FlushSync::new, ASK_TIMEOUT, system.scheduler())
                    .toCompletableFuture().join();
        }
    }

    /**
     * Serves this director's whole connection table to starting peers on {@code config.listen()}
     * (sync.bulk); the server closes with the director.
     */
    public BulkServer serveBulk(BulkConfig config) throws IOException {
        BulkServer server = new BulkServer(config, this::syncSnapshot);
        attach(server);
        return server;
    }

    /** Every shard's table as v1 sync messages, each snapshotted on its shard's own thread. */
    private CompletionStage<List<byte[]>> syncSnapshot() {
        List<CompletableFuture<List<byte[]>>> all = new ArrayList<>();
        for (ActorRef<PacketShard.Command> s : shards) {
            all.add(AskPattern.<PacketShard.Command, List<byte[]>>ask(s, PacketShard.DumpSync::new, ASK_TIMEOUT,
                    system.scheduler()).toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).thenApply(v -> {
            List<byte[]> out = new ArrayList<>();
            all.forEach(f -> out.addAll(f.join()));
            return out;
        });
    }

    /**
     * Pulls the whole connection table of the first of {@code config.peers()} that gives it, on a
     * thread of its own, and applies it to the owning shards as the sync backup applies entries
     * (in_pkts = {@code threshold}, sync_threshold). Completes (never exceptionally) once the
     * table is applied, or when no peer gave one within {@code config.timeout()}: then this
     * director may take the VIPs, e.g. {@code bulkSync(bulk, t).thenRun(director::joinVrrp)}.
     */
    public CompletionStage<BulkResult> bulkSync(BulkConfig config, int threshold) {
        if (!config.pulls()) {
            return CompletableFuture.completedFuture(BulkResult.notConfigured());
        }
        CompletableFuture<BulkResult> result = new CompletableFuture<>();
        long capacity = (long) setup.tableCapacity() * shards.size();
        Thread t = new Thread(() -> {
            try {
                result.complete(new BulkClient(config.key(), capacity).pull(config.peers(), config.timeout(),
                        (messages, deadline) -> applyBulk(messages, threshold, deadline)));
            } catch (RuntimeException e) {
                result.complete(new BulkResult(BulkResult.Outcome.FAILED, null, 0, 0, config.timeout(),
                        List.of(e.toString())));
            }
        }, "bulk-sync-client");
        t.setDaemon(true);
        t.start();
        return result;
    }

    private void applyBulk(List<byte[]> messages, int threshold, long deadlineNanos) {
        int count = shards.size();
        List<List<byte[]>> byShard = BulkClient.byShard(messages, count, (hi, lo) -> FrameDispatcher.shardOf(hi, lo, count));
        long now = System.nanoTime();
        Duration left = Duration.ofNanos(Math.max(1_000_000, deadlineNanos - now));
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<byte[]> mine = byShard.get(i);
            all.add(AskPattern.<PacketShard.Command, Integer>ask(shards.get(i),
                    r -> new PacketShard.ApplyBulk(mine, threshold, now, r), left, system.scheduler())
                    .toCompletableFuture());
        }
        int refused = all.stream().mapToInt(CompletableFuture::join).sum();
        if (refused > 0) {
            throw new IllegalStateException(refused + " routed bulk messages refused by the shards");
        }
    }

    /**
     * sync.bulk at start, in one call: serve the table when {@code listen} is set; when
     * {@code peers} are, start the backup daemon (as a router starting in BACKUP would) and pull
     * a peer's table once it listens; then join the VRRP instance ({@link #joinVrrp()}), whatever
     * the pull's outcome: preemption waits for the table. Call it after the services are applied,
     * so pulled connections find their destinations.
     */
    public CompletionStage<BulkResult> startBulk(BulkConfig config, int threshold) throws IOException {
        if (config.listen().isPresent()) {
            serveBulk(config);
        }
        CompletionStage<?> listening = CompletableFuture.completedFuture(null);
        if (config.pulls() && vrrpRoles != null) {
            // The backup daemon listens before the pull starts, so what the peer syncs while its
            // table is in flight arrives too and the snapshot leaves no gap.
            listening = AskPattern.<Object, SyncActor.Reply>ask(vrrpRoles, SyncRoles.BeforePull::new, ASK_TIMEOUT,
                    system.scheduler()).whenComplete((reply, failure) -> {
                        if (failure != null || !reply.ok()) {
                            LOG.error("sync: the backup daemon did not start before the bulk pull: {}",
                                    failure != null ? failure.toString() : reply.text());
                        }
                    });
        }
        return listening.handle((reply, failure) -> null).thenCompose(ignored -> bulkSync(config, threshold))
                .whenComplete((result, failure) -> joinVrrp());
    }

    public List<ActorRef<PacketShard.Command>> shards() {
        return shards;
    }

    /** The owner of the virtual services' actors (health checkers find a service's actor through it). */
    public ActorRef<ServiceDirectory.Command> serviceDirectory() {
        return directory;
    }

    public ActorRef<ScheduleUpdate> servicePublisher() {
        return publisher;
    }

    /** The VRRP instance's actor; empty without one. */
    public Optional<ActorRef<VrrpActor.Command>> vrrpActor() {
        return Optional.ofNullable(vrrp);
    }

    /**
     * Joins the VRRP instance, if there is one. The caller does so once the services are applied:
     * the capture threads then deliver the adverts of a master already running, so this director
     * neither wins an election it should lose nor takes the addresses before it can forward.
     */
    public void joinVrrp() {
        if (vrrp != null) {
            vrrp.tell(VrrpActor.Startup.INSTANCE);
        }
    }

    /** The VRRP role, INITIALIZE without a VRRP instance. */
    public VrrpActor.Role role() {
        return role.get();
    }

    public DestinationRegistry registry() {
        return registry;
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public DirectorSetup setup() {
        return setup;
    }

    AtomicReference<ServiceAddresses> addresses() {
        return addresses;
    }

    /** The rule table last applied (the admin API edits and saves it). */
    public RuleSet rules() {
        return rules;
    }

    /** The schedules the shards were last given, by service. */
    public Map<ServiceKey, Schedule> services() {
        return published.get();
    }

    public CompletionStage<List<ShardStats>> stats() {
        List<CompletableFuture<ShardStats>> all = new ArrayList<>();
        for (ActorRef<PacketShard.Command> s : shards) {
            all.add(AskPattern.<PacketShard.Command, ShardStats>ask(s, PacketShard.GetStats::new, ASK_TIMEOUT,
                    system.scheduler()).toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture[0]))
                .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Each shard's metrics, asked of every shard at once; a shard that does not answer within
     * {@code timeout} (busy with a long batch, or stuck) fails its own future only.
     */
    public List<CompletableFuture<ShardMetrics>> metrics(Duration timeout) {
        List<CompletableFuture<ShardMetrics>> all = new ArrayList<>();
        for (ActorRef<PacketShard.Command> s : shards) {
            all.add(AskPattern.<PacketShard.Command, ShardMetrics>ask(s, PacketShard.GetMetrics::new, timeout,
                    system.scheduler()).toCompletableFuture());
        }
        return all;
    }

    /** Batches delivered to the shard by the capture threads and not yet processed. */
    public long queuedBatches(int shard) {
        return queued[shard].get();
    }

    /** Each capture thread's counts, in port order; empty offline, where no capture thread runs. */
    public List<CaptureStats> captureStats() {
        return captures.stream().map(CaptureLoop::stats).toList();
    }

    /** The link layer's ARP figures; empty offline, where there is no ARP actor. */
    public Optional<CompletableFuture<ArpActor.Stats>> arpStats(Duration timeout) {
        if (arp == null) {
            return Optional.empty();
        }
        return Optional.of(AskPattern.<ArpActor.Command, ArpActor.Stats>ask(arp, ArpActor.GetStats::new,
                timeout, system.scheduler()).toCompletableFuture());
    }

    /**
     * Ties {@code resource} (e.g. the metrics endpoint) to this director: {@link #close()} closes it
     * before anything else, so nothing asks a stopped shard.
     */
    public void attach(AutoCloseable resource) {
        attached.add(0, resource);
    }

    /** Sets (null: clears) what the admin API reads the rate estimates from. */
    public void rateSource(RateSource source) {
        rateSource = source;
    }

    /** The rate estimates, empty when nothing samples them. */
    public Optional<RateSource> rateSource() {
        return Optional.ofNullable(rateSource);
    }

    public CompletionStage<List<ConnectionView>> connections(int limit) {
        List<CompletableFuture<List<ConnectionView>>> all = new ArrayList<>();
        for (ActorRef<PacketShard.Command> s : shards) {
            all.add(AskPattern.<PacketShard.Command, List<ConnectionView>>ask(s,
                    r -> new PacketShard.ListConnections(limit, r), ASK_TIMEOUT, system.scheduler())
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).thenApply(v -> {
            List<ConnectionView> out = new ArrayList<>();
            all.forEach(f -> out.addAll(f.join()));
            return out;
        });
    }

    @Override
    public void close() {
        // What was attached first, as it reads the shards; capture next, so no frame reaches a
        // stopped shard; then the shards, so no injector is used after it is closed; the I/O last,
        // after everything that writes through it.
        for (AutoCloseable a : attached) {
            try {
                a.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", a, e);
            }
        }
        captures.forEach(CaptureLoop::stop);
        for (Thread t : captureThreads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("actor system did not stop within 10 s", e);
        }
        injectors.forEach(Injector::close);
        io.close();
    }
}
