package org.actorvs.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.forward.Outcome;
import org.actorvs.forward.Port;
import org.actorvs.ha.VrrpActor.Role;
import org.actorvs.io.MemoryPacketIo;
import org.actorvs.io.NeighbourTable;
import org.actorvs.packet.InetAddresses;
import org.actorvs.sync.BulkResult;

/**
 * {@code actorvs lab --topology pair} on the simulated network: the lab's active/backup NAT pair
 * (conf/examples/nat-pair-d1.conf and -d2.conf) losing its active director and getting it back.
 * Both directors are real, each on a {@link MemoryPacketIo} of its own plugged into the two
 * simulated LANs, so VRRP adverts and gratuitous ARP reach the other director and the hosts as on
 * a bridge; their sync daemons meet in a {@link SimulatedSyncGroup}; the bulk transfer of a
 * returning director's table runs over loopback TCP, as sync.bulk configures it.
 *
 * <p>The story: d1 becomes master, d2 backup; long-lived keep-alive connections and short requests
 * go through d1, and d2's table fills by sync alone; d1 dies as with SIGKILL (cut off both LANs,
 * so not even a priority-0 advert gets out, then closed); d2 takes over and the connections carry
 * on; more are opened through d2; d1 starts again, pulls d2's table before it joins the virtual
 * router, preempts, and every long-lived connection carries on through it.
 */
final class SimulatedPair {
    static final int LONG_LIVED = 20;
    static final int OPENED_WHILE_DOWN = 5;
    /** Each long-lived connection sends its next request this long after an answer. */
    private static final long PERIOD_MILLIS = 100;
    /** Bounds on waiting, not targets: a role change takes under a second, sync at most the 2 s flush. */
    private static final Duration ROLE_BOUND = Duration.ofSeconds(10);
    private static final Duration SYNC_BOUND = Duration.ofSeconds(15);
    /** Generous: a connection whose retransmissions backed off to 3.2 s still makes it. */
    private static final Duration CARRY_ON_BOUND = Duration.ofSeconds(20);
    /** Once every connection has carried on, they are watched this much longer before their gaps are taken. */
    private static final long SETTLE_MILLIS = 1_000;
    private static final int BULK_TIMEOUT_SECONDS = 5;
    private static final int TABLE_LIMIT = 100_000;
    private static final int ROWS_SHOWN = 5;
    private static final long POLL_MILLIS = 20;

    /**
     * What the pair demo did.
     *
     * @param split              the short requests' answers per real server
     * @param failed             short requests that got no answer
     * @param syncedBeforeKill   long-lived connections in d2's table, filled by sync alone, before the kill
     * @param forwardedByBackup  packets d2 forwarded before the kill
     * @param takeoverMillis     from cutting d1 off to d2 being MASTER; -1 when it never was
     * @param carriedOnAfterKill long-lived connections answered after the kill, by the same real server, unbroken
     * @param pull               the returning d1's bulk pull
     * @param roleAtPull         the returning d1's VRRP role when its pull completed
     * @param pulledPorts        the client ports in the returning d1's table when its pull completed
     * @param openedWhileDown    the client ports of the long-lived connections opened while d1 was down
     * @param returnedRoles      the returning d1's roles as they changed, in order
     * @param carriedOnThroughD1 long-lived connections answered through d1's MAC after it was master again
     */
    record Result(Map<String, Integer> split, int failed, int syncedBeforeKill, long forwardedByBackup,
            long takeoverMillis, int carriedOnAfterKill, BulkResult pull, Role roleAtPull, Set<Integer> pulledPorts,
            List<Integer> openedWhileDown, List<Role> returnedRoles, int carriedOnThroughD1, long badFrames,
            long unclaimedFrames) {
        boolean passed() {
            return failed == 0 && carriedOnAfterKill == LONG_LIVED
                    && carriedOnThroughD1 == LONG_LIVED + OPENED_WHILE_DOWN && badFrames == 0;
        }
    }

    private final Timeline time;
    private final SimulatedNetwork net;
    private final SimulatedSyncGroup group = new SimulatedSyncGroup();
    private final RoleWatch roles;
    private final List<Director> running = new ArrayList<>();

    private SimulatedPair(Timeline time, SimulatedNetwork net) {
        this.time = time;
        this.net = net;
        this.roles = new RoleWatch(time);
    }

    /** Runs the pair demo of the example configurations and prints it; 0 when every connection carried on. */
    static int run(int requests, PrintStream out) throws ConfigError {
        Path d1 = LabDemo.home().resolve("conf/examples/nat-pair-d1.conf");
        Path d2 = LabDemo.home().resolve("conf/examples/nat-pair-d2.conf");
        out.println("== SIMULATED NETWORK: no namespaces, no kernel. The real directors d1 and d2 (" + d1.getFileName()
                + ", " + d2.getFileName() + ")");
        out.println("   run as an active/backup pair on an in-process network: two LANs as bridges, VRRP adverts and");
        out.println("   gratuitous ARP on them, connection sync in an in-process group, bulk transfer over loopback TCP.");
        Result o = simulate(d1, d2, requests, out);
        out.println("== " + (o.passed() ? "PASSED" : "FAILED") + ": " + o.carriedOnAfterKill() + " of " + LONG_LIVED
                + " long-lived connections carried on through d2, " + o.carriedOnThroughD1() + " of "
                + (LONG_LIVED + OPENED_WHILE_DOWN) + " back through d1; short requests failed: " + o.failed());
        SimulatedLab.printFrames(o.badFrames(), o.unclaimedFrames(), out);
        if (o.unclaimedFrames() > 0) {
            out.println("   (frames to d1's MAC while it was cut off: lost, and sent again by TCP)");
        }
        return o.passed() ? 0 : 1;
    }

    /** The pair of {@code d1File} and {@code d2File} through a failover and back, printed step by step. */
    static Result simulate(Path d1File, Path d2File, int requests, PrintStream out) throws ConfigError {
        int[] bulkPorts = freeLoopbackPorts();
        DirectorConfig d1Config = withLoopbackBulk(d1File, bulkPorts[0], bulkPorts[1]);
        DirectorConfig d2Config = withLoopbackBulk(d2File, bulkPorts[1], bulkPorts[0]);
        // d1 comes back on a port of its own: the old one may still be held by a closing connection
        DirectorConfig d1Again = withLoopbackBulk(d1File, bulkPorts[2], bulkPorts[1]);
        Timeline time = new Timeline(out);
        try (SimulatedNetwork net = new SimulatedNetwork(d1Config, SimulatedNetwork.ports(d1Config))) {
            SimulatedPair pair = new SimulatedPair(time, net);
            try {
                return pair.story(d1Config, d2Config, d1Again, requests);
            } finally {
                pair.close();
            }
        }
    }

    private Result story(DirectorConfig d1Config, DirectorConfig d2Config, DirectorConfig d1Again, int requests) {
        String vip = InetAddresses.formatIpv4(net.vip);
        time.say("starting d1 (VRRP priority " + d1Config.vrrp().orElseThrow().router().priority() + ")");
        Member d1 = start("d1", d1Config);
        awaitRole("d1", Role.MASTER, 0);
        time.say("starting d2 (VRRP priority " + d2Config.vrrp().orElseThrow().router().priority() + ")");
        Member d2 = start("d2", d2Config);
        awaitRole("d2", Role.BACKUP, 0);

        time.say(LONG_LIVED + " long-lived keep-alive connections from " + SimulatedNetwork.CLIENT + " to http://" + vip
                + "/, a GET on each " + PERIOD_MILLIS + " ms after its answer");
        List<SimulatedClient.KeepAlive> first = open(LONG_LIVED);
        await(() -> first.stream().allMatch(k -> !k.replies().isEmpty()), CARRY_ON_BOUND);
        time.say("all answered: " + first.stream().filter(k -> !k.replies().isEmpty()).count() + " of " + LONG_LIVED);
        time.say(requests + " short HTTP/1.0 requests");
        SimulatedLab.Split split = SimulatedLab.requests(net, requests);
        LabDemo.printSplit(d1Config, split.answers(), split.failed(), time.out);

        Set<Integer> firstPorts = ports(first);
        List<ConnectionView> synced = List.of();
        long deadline = System.nanoTime() + SYNC_BOUND.toNanos();
        while (System.nanoTime() < deadline && !clientPorts(synced).containsAll(firstPorts)) {
            sleep(POLL_MILLIS * 10);
            synced = table(d2.director);
        }
        int syncedBeforeKill = (int) firstPorts.stream().filter(clientPorts(synced)::contains).count();
        long forwardedByBackup = d2.director.stats().toCompletableFuture().join().stream()
                .mapToLong(ShardStats::forwarded).sum();
        time.say("d2's table, filled by sync alone (d2 has forwarded " + forwardedByBackup + " packets): "
                + synced.size() + " connections, " + syncedBeforeKill + " of the " + LONG_LIVED
                + " long-lived among them");
        printRows(synced, firstPorts);

        long kill = System.nanoTime();
        time.say("KILL d1, as with SIGKILL: cut off both LANs (no frame in or out, no priority-0 advert), then closed");
        net.unplug(d1.ports);
        group.leave("d1");
        roles.forget("d1");
        d1.director.close();
        running.remove(d1.director);
        RoleWatch.Change takeover = awaitRole("d2", Role.MASTER, kill);
        long takeoverMillis = takeover == null ? -1 : TimeUnit.NANOSECONDS.toMillis(takeover.nanos() - kill);
        time.say("d2 took over " + takeoverMillis + " ms after the kill");
        long d2Mac = d2.ports.get(0).mac();
        await(() -> first.stream().allMatch(k -> carriedOn(k, kill, d2Mac)), CARRY_ON_BOUND);
        sleep(SETTLE_MILLIS);
        int afterKill = (int) first.stream().filter(k -> carriedOn(k, kill, d2Mac)).count();
        time.say(afterKill + " of " + LONG_LIVED + " long-lived connections carried on through d2; "
                + gaps(first, kill) + unresolved("d2", d2.director));

        time.say(OPENED_WHILE_DOWN + " more long-lived connections, opened while d1 is down");
        List<SimulatedClient.KeepAlive> down = open(OPENED_WHILE_DOWN);
        await(() -> down.stream().allMatch(k -> !k.replies().isEmpty()), CARRY_ON_BOUND);
        time.say("answered through d2: " + down.stream().filter(k -> !k.replies().isEmpty()).count() + " of "
                + OPENED_WHILE_DOWN);

        long back = System.nanoTime();
        time.say("d1 starts again: it pulls d2's table over TCP (" + d1Again.sync().bulk().peers().get(0)
                + ") before it joins the virtual router");
        Member d1b = start("d1", d1Again);
        Pulled pulled = d1b.pulled.join();
        RoleWatch.Change master = awaitRole("d1", Role.MASTER, back);
        awaitRole("d2", Role.BACKUP, back);
        long returned = master == null ? Long.MAX_VALUE : master.nanos();
        List<SimulatedClient.KeepAlive> all = new ArrayList<>(first);
        all.addAll(down);
        long d1Mac = d1b.ports.get(0).mac();
        await(() -> all.stream().allMatch(k -> carriedOn(k, returned, d1Mac)), CARRY_ON_BOUND);
        sleep(SETTLE_MILLIS);
        int throughD1 = (int) all.stream().filter(k -> carriedOn(k, returned, d1Mac)).count();
        time.say(throughD1 + " of " + all.size() + " long-lived connections carried on through d1 ("
                + first.stream().filter(k -> carriedOn(k, returned, d1Mac)).count() + " from before the kill, "
                + down.stream().filter(k -> carriedOn(k, returned, d1Mac)).count() + " opened while d1 was down); "
                + gaps(all, returned) + unresolved("d1", d1b.director));
        Set<Integer> downPorts = ports(down);
        time.say("d1's table: the connections opened while it was down, first " + ROWS_SHOWN);
        printRows(table(d1b.director), downPorts);
        return new Result(split.answers(), split.failed(), syncedBeforeKill, forwardedByBackup, takeoverMillis,
                afterKill, pulled.result(), pulled.role(), pulled.ports(), List.copyOf(downPorts),
                roles.history("d1"), throughD1, net.badFrames(), net.unclaimed());
    }

    /** A director of the pair on the simulated LANs. */
    private record Member(Director director, List<Port> ports, CompletableFuture<Pulled> pulled) {
    }

    /** A starting director's pull: its result, and the director's role and client ports in its table then. */
    private record Pulled(BulkResult result, Role role, Set<Integer> ports) {
    }

    /**
     * Starts a director as Main.start does — services applied, then sync.bulk: serve, pull, only
     * then join the virtual router — with its sync daemons in the in-process group.
     */
    private Member start(String name, DirectorConfig config) {
        List<Port> ports = SimulatedNetwork.ports(config);
        MemoryPacketIo io = new MemoryPacketIo(ports);
        net.plug(ports, io);
        NeighbourTable neighbours = new NeighbourTable(ports, NeighbourTable.Params.kernelDefaults());
        Director.Vrrp vrrp = Main.vrrp(config);
        Director director = Director.live(Main.setup(config, ports, i -> neighbours), io,
                new Director.LinkLayer(neighbours, Main.owned(config), new Director.Vrrp(vrrp.config(), vrrp.port(),
                        vrrp.addresses(), vrrp.sync().withTransport(group.transport(name)))));
        running.add(director);
        group.join(name, director.sync());
        roles.watch(name, director);
        director.apply(config.services(), config.drainTimeout());
        try {
            CompletableFuture<Pulled> pulled = director.startBulk(config.sync().bulk(),
                    config.sync().settings().threshold()).thenApply(result -> {
                        Role role = director.role();
                        time.say(name + " bulk pull: " + result.outcome() + ", " + result.entries() + " connections in "
                                + result.took().toMillis() + " ms; " + name + " was " + role + " then"
                                + (result.outcome() == BulkResult.Outcome.NO_PEER ? " (no peer serves a table yet)"
                                        : result.synced() ? "" : " (" + String.join("; ", result.failures()) + ")"));
                        return new Pulled(result, role, clientPorts(table(director)));
                    }).toCompletableFuture();
            return new Member(director, ports, pulled);
        } catch (IOException e) {
            throw new UncheckedIOException("sync.bulk.listen: " + e.getMessage(), e);
        }
    }

    private List<SimulatedClient.KeepAlive> open(int count) {
        List<SimulatedClient.KeepAlive> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            opened.add(net.client.keepAlive(net.vip, net.vipPort, InetAddresses.formatIpv4(net.vip), PERIOD_MILLIS));
        }
        return opened;
    }

    /**
     * Whether {@code k} lives, had an answer after {@code since} through the director of MAC
     * {@code through}, and every answer it ever had came from the same real server: no director
     * in the way lost its connection entry.
     */
    private static boolean carriedOn(SimulatedClient.KeepAlive k, long since, long through) {
        List<SimulatedClient.Reply> replies = k.replies();
        return k.failure() == null
                && replies.stream().map(SimulatedClient.Reply::server).distinct().count() == 1
                && replies.stream().anyMatch(r -> r.nanos() > since && r.from() == through);
    }

    /** The longest gap between answers each connection saw from its last answer before {@code since}: median and max. */
    private static String gaps(List<SimulatedClient.KeepAlive> connections, long since) {
        List<Long> longest = new ArrayList<>();
        for (SimulatedClient.KeepAlive k : connections) {
            long previous = Long.MIN_VALUE;
            long max = 0;
            for (SimulatedClient.Reply r : k.replies()) {
                if (r.nanos() <= since) {
                    previous = r.nanos();
                } else {
                    max = Math.max(max, previous == Long.MIN_VALUE ? 0 : r.nanos() - previous);
                    previous = r.nanos();
                }
            }
            longest.add(TimeUnit.NANOSECONDS.toMillis(max));
        }
        Collections.sort(longest);
        return "longest gap between answers per connection: median " + longest.get(longest.size() / 2) + " ms, max "
                + longest.get(longest.size() - 1) + " ms";
    }

    /**
     * What a new master did with the packets that met an unresolved neighbour (the client, a real
     * server) right after it took over: held them until the ARP reply, as the kernel's arp_queue
     * does, or dropped them (each drop costs the client a retransmission timeout).
     */
    private static String unresolved(String who, Director director) {
        List<ShardStats> stats = director.stats().toCompletableFuture().join();
        long held = stats.stream().mapToLong(s -> s.outcome(Outcome.NEIGHBOUR_QUEUED)).sum();
        long dropped = stats.stream().mapToLong(s -> s.outcome(Outcome.NEIGHBOUR_UNRESOLVED)).sum();
        return "; " + who + " held " + held + " packets until it had resolved a neighbour, and dropped " + dropped;
    }

    /** The first rows of {@code table} from {@code clientPorts}, in port order, as ipvsadm -L -c -n shows them. */
    private void printRows(List<ConnectionView> table, Set<Integer> clientPorts) {
        LabDemo.printConnections(table.stream().filter(c -> clientPorts.contains(c.clientPort()))
                .sorted(Comparator.comparingInt(ConnectionView::clientPort)).limit(ROWS_SHOWN).toList(), time.out);
    }

    private static Set<Integer> ports(List<SimulatedClient.KeepAlive> connections) {
        return connections.stream().map(k -> k.localPort).collect(Collectors.toSet());
    }

    private static Set<Integer> clientPorts(List<ConnectionView> table) {
        return table.stream().filter(c -> c.client().equals(SimulatedNetwork.CLIENT)).map(ConnectionView::clientPort)
                .collect(Collectors.toSet());
    }

    private static List<ConnectionView> table(Director director) {
        return director.connections(TABLE_LIMIT).toCompletableFuture().join();
    }

    /** Waits for {@code who} to be {@code role}, a change seen after {@code since}; null when it was not within the bound. */
    private RoleWatch.Change awaitRole(String who, Role role, long since) {
        RoleWatch.Change[] seen = new RoleWatch.Change[1];
        if (!await(() -> (seen[0] = roles.first(who, role, since)) != null, ROLE_BOUND)) {
            time.say(who + " was not " + role + " within " + ROLE_BOUND.toSeconds() + " s");
        }
        return seen[0];
    }

    private static boolean await(BooleanSupplier condition, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(POLL_MILLIS);
        }
        return true;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * {@code file} with a sync.bulk of loopback endpoints: serve on {@code listen}, pull from
     * {@code peer}. Without a key bulk is allowed on loopback only, which is where it runs here.
     */
    private static DirectorConfig withLoopbackBulk(Path file, int listen, int peer) throws ConfigError {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigError(file.toString(), 0, "", "not readable: " + e.getMessage());
        }
        return DirectorConfigLoader.parse(text + "\nactorvs.sync.bulk { listen = \"127.0.0.1:" + listen
                + "\", peers = [\"127.0.0.1:" + peer + "\"], timeout = " + BULK_TIMEOUT_SECONDS + "s }\n",
                file.toString());
    }

    /** Three ports nothing listens on now, for the directors' bulk servers. */
    private static int[] freeLoopbackPorts() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket a = new ServerSocket(0, 1, lo); ServerSocket b = new ServerSocket(0, 1, lo);
                ServerSocket c = new ServerSocket(0, 1, lo)) {
            return new int[] {a.getLocalPort(), b.getLocalPort(), c.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for the bulk transfer", e);
        }
    }

    private void close() {
        roles.close();
        for (Director d : running) {
            d.close();
        }
    }

    /** The demo's clock: every line says when it happened, in seconds from the start. */
    static final class Timeline {
        final PrintStream out;
        private final long start = System.nanoTime();

        Timeline(PrintStream out) {
            this.out = out;
        }

        void say(String text) {
            say(System.nanoTime(), text);
        }

        void say(long nanos, String text) {
            out.printf("[%7.3f s] %s%n", (nanos - start) / 1e9, text);
        }
    }

    /**
     * Watches the directors' VRRP roles (every 2 ms, {@link Director#role()}) and prints each
     * change as it is seen.
     */
    static final class RoleWatch implements AutoCloseable {
        private static final long WATCH_MILLIS = 2;

        record Change(long nanos, String who, Role role) {
        }

        private final Timeline time;
        private final Map<String, Director> watched = new ConcurrentHashMap<>();
        private final Map<String, Role> last = new ConcurrentHashMap<>();
        private final List<Change> changes = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;
        private volatile boolean closed;

        RoleWatch(Timeline time) {
            this.time = time;
            this.thread = new Thread(this::watch, "role-watch");
            thread.setDaemon(true);
            thread.start();
        }

        /** Watches {@code director} under {@code who}, from its current role on; a new one replaces the last. */
        void watch(String who, Director director) {
            last.remove(who);
            changes.removeIf(c -> c.who().equals(who));
            watched.put(who, director);
        }

        void forget(String who) {
            watched.remove(who);
        }

        /** The first change of {@code who} to {@code role} seen after {@code since}, null if none yet. */
        Change first(String who, Role role, long since) {
            synchronized (changes) {
                return changes.stream().filter(c -> c.who().equals(who) && c.role() == role && c.nanos() >= since)
                        .findFirst().orElse(null);
            }
        }

        /** The roles of the director now watched under {@code who}, in the order they were seen. */
        List<Role> history(String who) {
            synchronized (changes) {
                return changes.stream().filter(c -> c.who().equals(who)).map(Change::role).toList();
            }
        }

        private void watch() {
            while (!closed) {
                watched.forEach((who, director) -> {
                    Role now = director.role();
                    if (last.put(who, now) != now) {
                        Change c = new Change(System.nanoTime(), who, now);
                        changes.add(c);
                        time.say(c.nanos(), who + " is " + now);
                    }
                });
                try {
                    Thread.sleep(WATCH_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            thread.interrupt();
        }
    }
}
