package org.actorvs.runtime;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.CompletionException;

import org.actorvs.admin.AddressText;
import org.actorvs.admin.AdminModel;
import org.actorvs.admin.AdminModel.Counters;
import org.actorvs.admin.IpvsadmCommand;
import org.actorvs.admin.IpvsadmCommandLine;
import org.actorvs.admin.IpvsadmRules;
import org.actorvs.admin.IpvsadmSort;
import org.actorvs.admin.IpvsadmSyntaxException;
import org.actorvs.admin.RulesFileException;
import org.actorvs.conn.Timeouts;
import org.actorvs.forward.TrafficCounters;
import org.actorvs.ha.VrrpActor;
import org.actorvs.ha.VrrpValidator;
import org.actorvs.service.Destination;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceSpec;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncStatus;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The admin API's requests, without HTTP: each takes the method, path, query and body and answers a
 * status with a JSON (or rules-text) body. {@link AdminServer} puts it on a socket.
 *
 * <p>Rule changes (a rules file, an ipvsadm command line) are applied to {@link Director#rules()}
 * with {@link RuleSet}'s edit semantics and handed to {@link Director#apply} as a whole table, which
 * the service directory turns into a diff; edits are serialized so that two clients cannot lose
 * each other's change.
 *
 * <p>Counters: the shards' traffic counters only grow; {@code -Z} records each destination's values
 * as a baseline the listings subtract, as a zeroed kernel counter would read, and restarts the
 * matching rate estimators from zero. Rates come from the director's {@link RateSource} (the
 * 2-second estimators, ip_vs_est.c); without one the listings say they are unavailable.
 */
public final class AdminApi {
    /** ipvsadm's banner shows the kernel's IPVS version; ours mirrors 1.2.1's behaviour and ABI. */
    static final String IPVS_VERSION = "1.2.1";
    static final int DEFAULT_PAGE = 1000;
    static final int MAX_PAGE = 100_000;
    static final String RATES_NOTE = "this director runs no rate estimator";

    private final Director director;
    private final ObjectMapper json = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Zeroed counters by destination; weak, so a destination that is gone takes its baseline along. */
    private final Map<Destination, Counters> baselines = Collections.synchronizedMap(new WeakHashMap<>());
    private final Object edits = new Object();

    /** An answer: status, content type and body. */
    public record Response(int status, String contentType, byte[] body) {
    }

    /** A request that cannot be served: its HTTP status and the message for {@code {"error": ...}}. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Failure(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    public AdminApi(Director director) {
        this.director = director;
    }

    /**
     * Serves one request. Never throws for anything a client sends: bad input is a 4xx, a failure of
     * the director a 500, each with {@code {"error": ...}}.
     */
    public Response handle(String method, String path, Map<String, String> query, byte[] body) {
        try {
            return route(method, path, query, body);
        } catch (Failure f) {
            return error(f.status, f.getMessage());
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return error(500, "the director failed: " + cause.getMessage());
        }
    }

    private Response route(String method, String path, Map<String, String> query, byte[] body) throws Failure {
        switch (path) {
            case "/api/services":
                allow(method, "GET");
                onlyParameters(query, "nosort");
                return ok(listing(!query.containsKey("nosort"), false));
            case "/api/stats":
                allow(method, "GET");
                onlyParameters(query, "nosort");
                return ok(listing(!query.containsKey("nosort"), true));
            case "/api/connections":
                allow(method, "GET");
                onlyParameters(query, "offset", "limit");
                return ok(connections(number(query, "offset", 0, Integer.MAX_VALUE - MAX_PAGE, 0),
                        number(query, "limit", 1, MAX_PAGE, DEFAULT_PAGE)));
            case "/api/rules":
                if (method.equals("GET")) {
                    onlyParameters(query);
                    return new Response(200, "text/plain; charset=utf-8",
                            IpvsadmRules.save(director.rules()).getBytes(StandardCharsets.UTF_8));
                }
                allow(method, "GET", "POST");
                onlyParameters(query, "mode");
                return ok(rules(text(body), query.getOrDefault("mode", "replace")));
            case "/api/commands":
                allow(method, "POST");
                onlyParameters(query);
                return command(text(body));
            case "/api/timeouts":
                if (method.equals("GET")) {
                    onlyParameters(query);
                    return ok(timeouts());
                }
                allow(method, "GET", "PUT");
                onlyParameters(query);
                return ok(setTimeouts(parse(body, AdminModel.Timeouts.class)));
            case "/api/zero":
                allow(method, "POST");
                onlyParameters(query);
                String selector = text(body).strip();
                return zero(selector.isEmpty() ? List.of("-Z") : words("-Z " + selector));
            case "/api/sync":
                allow(method, "GET");
                onlyParameters(query);
                return ok(sync());
            case "/api/sync/start":
                allow(method, "POST");
                onlyParameters(query);
                return ok(startSync(parse(body, AdminModel.SyncDaemon.class)));
            case "/api/sync/stop":
                allow(method, "POST");
                onlyParameters(query);
                return ok(stopSync(parse(body, AdminModel.SyncStop.class)));
            case "/api/vrrp":
                allow(method, "GET");
                onlyParameters(query);
                return ok(vrrp());
            default:
                throw new Failure(404, "no such resource: " + path
                        + " (expected /api/services, /api/stats, /api/connections, /api/rules, /api/commands,"
                        + " /api/timeouts, /api/zero, /api/sync, /api/sync/start, /api/sync/stop or /api/vrrp)");
        }
    }

    // ---------------------------------------------------------------- listings

    private AdminModel.Listing listing(boolean sorted, boolean withStats) {
        RuleSet rules = director.rules();
        Map<ServiceKey, Schedule> live = director.services();
        List<ShardStats> shards = withStats ? director.stats().toCompletableFuture().join() : List.of();
        RateSource rateSource = withStats ? director.rateSource().orElse(null) : null;
        List<RuleSet.Service> services = sorted ? IpvsadmSort.services(rules.services()) : rules.services();
        List<AdminModel.Service> out = new ArrayList<>(services.size());
        for (RuleSet.Service s : services) {
            Schedule schedule = live.get(s.key());
            List<Destination> dests = schedule == null ? List.of() : schedule.destinations();
            if (sorted) {
                dests = IpvsadmSort.destinations(dests, Destination::address, Destination::port);
            }
            List<AdminModel.Destination> destinations = new ArrayList<>(dests.size());
            Counters total = Counters.ZERO;
            for (Destination d : dests) {
                Counters stats = withStats ? counters(d, shards) : null;
                total = withStats ? total.plus(stats) : total;
                Counters rates = rateSource == null ? null : rates(rateSource.destination(d));
                destinations.add(destination(d, s.destination(d.address(), d.port()), stats, rates));
            }
            out.add(service(s.spec(), destinations, withStats ? total : null,
                    rateSource == null ? null : rates(rateSource.service(s.key()))));
        }
        boolean ratesAvailable = rateSource != null;
        return new AdminModel.Listing(IPVS_VERSION, totalCapacity(), ratesAvailable,
                withStats && !ratesAvailable ? RATES_NOTE : null, out,
                withStats ? director.captureStats().stream().map(AdminApi::capture).toList() : null);
    }

    private static AdminModel.Capture capture(CaptureStats c) {
        return new AdminModel.Capture(c.port(), c.frames(), c.arpFrames(), c.vrrpFrames(), c.drops());
    }

    /**
     * Not sampled yet reads as zero: the kernel's estimator of a new service or server starts from
     * zero too (ip_vs_start_estimator()).
     */
    private static Counters rates(Optional<RateSource.Rates> rates) {
        return rates.map(r -> new Counters(r.cps(), r.inpps(), r.outpps(), r.inbps(), r.outbps()))
                .orElse(Counters.ZERO);
    }

    private long totalCapacity() {
        return (long) director.setup().tableCapacity() * director.setup().shards();
    }

    private static AdminModel.Service service(ServiceSpec spec, List<AdminModel.Destination> dests, Counters stats,
            Counters rates) {
        ServiceKey k = spec.key();
        String flags = IpvsadmRules.schedFlagNames(spec);
        boolean defaultMask = spec.netmask() == ServiceSpec.defaultNetmask(k);
        return new AdminModel.Service(IpvsadmRules.selector(k), k.isFwmark() ? null : k.protocol().name(),
                k.isFwmark() ? null : AddressText.format(k.address()), k.port(), k.fwmark(), k.ipv6(),
                spec.scheduler(), flags.isEmpty() ? List.of() : Arrays.asList(flags.split(",")), spec.persistent(),
                spec.persistTimeout(), defaultMask ? null : IpvsadmRules.netmask(spec), spec.persistenceEngine(),
                spec.onePacket(), dests, stats, rates);
    }

    /** {@code spec} is the configured destination, empty while a removed one drains. */
    private static AdminModel.Destination destination(Destination d, Optional<DestinationSpec> spec, Counters stats,
            Counters rates) {
        InetAddress a = d.address();
        return new AdminModel.Destination(AddressText.format(a), d.af() == 6, d.port(), forwardName(d),
                spec.map(AdminApi::tunnelInfo).orElse("n/a"), d.weight(), d.activeConns(), d.inactiveConns(),
                d.persistentConns(), d.upperThreshold(), d.lowerThreshold(), stats, rates);
    }

    /** fwd_name(). */
    private static String forwardName(Destination d) {
        return switch (d.method()) {
            case MASQ -> "Masq";
            case LOCALNODE -> "Local";
            case TUNNEL -> "Tunnel";
            case DROUTE -> "Route";
            case BYPASS -> "Bypass"; // no destination has it; fwd_name() has no name for it either
        };
    }

    /** ipvsadm 1.31's fwd_tun_info(): ipip, gue:PORT:FLAGS (-c none, +c csum, r+c remcsum), else n/a. */
    private static String tunnelInfo(DestinationSpec d) {
        if (d.forward() != DestinationSpec.Forward.TUNNEL) {
            return "n/a";
        }
        String csum = switch (d.tunnelChecksum()) {
            case NOCSUM -> "-c";
            case CSUM -> "+c";
            case REMCSUM -> "r+c";
        };
        return switch (d.tunnelType()) {
            case IPIP -> "ipip";
            case GUE -> "gue:" + d.tunnelPort() + ":" + csum;
            case GRE -> "gre:" + csum;
        };
    }

    /** The destination's traffic over every shard, less what was zeroed. */
    private Counters counters(Destination d, List<ShardStats> shards) {
        Counters raw = raw(d, shards);
        Counters base = baselines.get(d);
        return base == null ? raw : raw.minus(base);
    }

    private static Counters raw(Destination d, List<ShardStats> shards) {
        Counters sum = Counters.ZERO;
        for (ShardStats s : shards) {
            TrafficCounters t = s.traffic();
            int id = d.id();
            sum = sum.plus(new Counters(t.connections(id), t.inPackets(id), t.outPackets(id), t.inBytes(id),
                    t.outBytes(id)));
        }
        return sum;
    }

    private AdminModel.Connections connections(int offset, int limit) {
        List<ConnectionView> all = director.connections(offset + limit).toCompletableFuture().join();
        long total = director.stats().toCompletableFuture().join().stream().mapToLong(ShardStats::connections).sum();
        // each shard gave its first offset+limit entries: enough for this window of their concatenation
        List<ConnectionView> page = offset >= all.size() ? List.of()
                : all.subList(offset, Math.min(all.size(), offset + limit));
        List<AdminModel.Connection> rows = new ArrayList<>(page.size());
        for (ConnectionView c : page) {
            rows.add(new AdminModel.Connection(c.protocolName(), c.template(), c.state(), c.expiresSeconds(),
                    c.client(), c.clientPort(), c.virtual(), c.virtualPort(), c.destination(), c.destinationPort(),
                    c.af() == 6));
        }
        return new AdminModel.Connections(total, offset, limit, rows);
    }

    // ---------------------------------------------------------------- changes

    private AdminModel.Applied rules(String text, String mode) throws Failure {
        if (!mode.equals("replace") && !mode.equals("restore")) {
            throw new Failure(400, "mode: '" + mode + "' (expected replace, or restore to apply the lines to the"
                    + " current rules as ipvsadm -R does)");
        }
        synchronized (edits) {
            RuleSet base = mode.equals("replace") ? RuleSet.EMPTY : director.rules();
            return apply(restore(base, text));
        }
    }

    private Response command(String line) throws Failure {
        List<String> args = words(line);
        if (args.isEmpty()) {
            throw new Failure(400, "empty command line (expected an ipvsadm command such as -A -t 10.0.0.1:80 -s rr)");
        }
        IpvsadmCommand command = parseCommand(args);
        if (command instanceof IpvsadmCommand.RuleEdit) {
            synchronized (edits) {
                // one rules-file line: the same edit semantics and error wording as ipvsadm -R
                return ok(apply(restore(director.rules(), String.join(" ", args))));
            }
        }
        if (command instanceof IpvsadmCommand.SetTimeouts t) {
            return ok(setTimeouts(new AdminModel.Timeouts(t.tcp(), t.tcpFin(), t.udp())));
        }
        if (command instanceof IpvsadmCommand.Zero) {
            return zero(args);
        }
        throw new Failure(400, "`" + args.get(0) + "': not a command that changes the director (expected -A, -E,"
                + " -D, -C, -a, -e, -d, -Z or --set; listings are GET /api/services, /api/stats,"
                + " /api/connections, /api/rules, /api/timeouts)");
    }

    private static IpvsadmCommand parseCommand(List<String> args) throws Failure {
        try {
            return IpvsadmCommandLine.parse(args);
        } catch (IpvsadmSyntaxException e) {
            throw new Failure(400, e.getMessage());
        }
    }

    private static RuleSet restore(RuleSet base, String text) throws Failure {
        try {
            return IpvsadmRules.restore(base, new StringReader(text));
        } catch (RulesFileException e) {
            throw new Failure(400, e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringReader does not fail
        }
    }

    private AdminModel.Applied apply(RuleSet rules) {
        Director.Applied a = director.apply(rules, director.setup().drainTimeout());
        ServiceDirectory.Summary s = a.summary();
        return new AdminModel.Applied(a.services(), selectors(s.added()), selectors(s.removed()),
                selectors(s.changed()));
    }

    private static List<String> selectors(List<ServiceKey> keys) {
        return keys.stream().map(IpvsadmRules::selector).toList();
    }

    private Response zero(List<String> args) throws Failure {
        if (!(parseCommand(args) instanceof IpvsadmCommand.Zero z)) {
            throw new Failure(400, "expected a service selector such as -t 10.0.0.1:80, or nothing for all");
        }
        Map<ServiceKey, Schedule> live = director.services();
        if (z.service().isPresent() && !live.containsKey(z.service().get())) {
            throw new Failure(404, "No such service (" + IpvsadmRules.selector(z.service().get()) + ")");
        }
        List<ShardStats> shards = director.stats().toCompletableFuture().join();
        int zeroed = 0;
        for (Map.Entry<ServiceKey, Schedule> e : live.entrySet()) {
            if (z.service().isEmpty() || z.service().get().equals(e.getKey())) {
                for (Destination d : e.getValue().destinations()) {
                    baselines.put(d, raw(d, shards));
                    zeroed++;
                }
            }
        }
        // ip_vs_zero_stats() clears the rates with the counters: ipvsadm -L --rate reads 0 at once
        director.rateSource().ifPresent(rates -> z.service().ifPresentOrElse(rates::zero, rates::zeroAll));
        return new Response(200, JSON, bytes(Map.of("zeroed", zeroed)));
    }

    private AdminModel.Timeouts timeouts() {
        Timeouts t = director.setup().timeouts();
        return new AdminModel.Timeouts(t.tcpEstablished(), t.tcpFin(), t.udp());
    }

    private AdminModel.Timeouts setTimeouts(AdminModel.Timeouts t) throws Failure {
        // as ip_vs_set_timeout(): 0 keeps a value; all or nothing
        if (!director.setup().timeouts().set(t.tcp(), t.tcpfin(), t.udp())) {
            throw new Failure(400, "invalid timeout value (expected seconds 0.." + Timeouts.MAX_SECONDS
                    + " for each of tcp, tcpfin, udp; 0 keeps the current value)");
        }
        return timeouts();
    }

    // ---------------------------------------------------------------- sync daemons and VRRP

    private AdminModel.Sync sync() {
        SyncActor.Stats s = director.syncStats();
        List<AdminModel.SyncDaemon> daemons = new ArrayList<>(2);
        // master first, as the kernel dumps them
        if (s.masterDaemon() != null) {
            daemons.add(daemon(MASTER, s.masterDaemon(), s.masterMaxLength()));
        }
        if (s.backupDaemon() != null) {
            daemons.add(daemon(BACKUP, s.backupDaemon(), s.backupMaxLength()));
        }
        Map<String, Long> rejected = new LinkedHashMap<>();
        for (SyncStatus r : SyncStatus.values()) {
            if (r.bogus()) {
                rejected.put(r.name().toLowerCase(Locale.ROOT), s.rejected()[r.code()]);
            }
        }
        return new AdminModel.Sync(daemons, s.messagesSent(), s.bytesSent(), s.entriesSent(), s.messagesDropped(), s.sendErrors(),
                s.queueDepth(), s.datagramsReceived(), s.rejected()[SyncStatus.SYNC_ID_IGNORED.code()], rejected,
                s.entriesRouted(), s.entriesSkipped());
    }

    private static AdminModel.SyncDaemon daemon(String role, SyncDaemon d, int maxLength) {
        return new AdminModel.SyncDaemon(role, d.interfaceName(), d.syncId(), role.equals(MASTER) ? d.version() : null,
                maxLength, AddressText.format(d.group()), d.port(), d.ttl());
    }

    /** As ipvsadm --start-daemon; a daemon of that role already running is refused, as start_sync_thread() does. */
    private AdminModel.Sync startSync(AdminModel.SyncDaemon r) throws Failure {
        boolean master = isMaster(r.role());
        if (r.mcastInterface() == null || r.syncid() == null) {
            throw new Failure(400, "interface and syncid are required (e.g. {\"role\": \"master\", \"interface\":"
                    + " \"eth0\", \"syncid\": 7})");
        }
        InetAddress group = SyncDaemon.DEFAULT_GROUP;
        if (r.group() != null) {
            group = AddressText.parse(r.group());
            if (group == null) {
                throw new Failure(400, "group: '" + r.group() + "' (expected an IPv4 or IPv6 multicast address)");
            }
        }
        SyncDaemon d;
        try {
            d = new SyncDaemon(r.mcastInterface(), r.syncid(), or(r.version(), SyncDaemon.DEFAULT_VERSION),
                    or(r.maxlen(), 0), group, or(r.port(), SyncDaemon.DEFAULT_PORT), or(r.ttl(), SyncDaemon.DEFAULT_TTL));
        } catch (IllegalArgumentException e) {
            throw new Failure(400, e.getMessage());
        }
        synchronized (edits) {
            SyncActor.Stats s = director.syncStats();
            if (master ? s.master() : s.backup()) {
                throw new Failure(409, (master ? MASTER : BACKUP) + " sync daemon is already running (stop it first)");
            }
            SyncActor.Reply reply = director.sync(to -> master ? new SyncActor.StartMaster(d, null, null, to)
                    : new SyncActor.StartBackup(d, null, true, to));
            if (!reply.ok()) {
                throw new Failure(500, reply.text());
            }
        }
        return sync();
    }

    private AdminModel.Sync stopSync(AdminModel.SyncStop r) throws Failure {
        boolean master = isMaster(r.role());
        synchronized (edits) {
            SyncActor.Reply reply = director.sync(master ? SyncActor.StopMaster::new : SyncActor.StopBackup::new);
            if (!reply.ok()) {
                throw new Failure(404, reply.text());
            }
        }
        return sync();
    }

    private static boolean isMaster(String role) throws Failure {
        if (MASTER.equals(role) || BACKUP.equals(role)) {
            return MASTER.equals(role);
        }
        throw new Failure(400, "role: '" + role + "' (expected master or backup)");
    }

    private static int or(Integer value, int dflt) {
        return value == null ? dflt : value;
    }

    private AdminModel.Vrrp vrrp() throws Failure {
        ActorRef<VrrpActor.Command> ref = director.vrrpActor()
                .orElseThrow(() -> new Failure(404, "this director runs no VRRP instance (see the vrrp section of"
                        + " the configuration)"));
        VrrpActor.Status s = AskPattern.<VrrpActor.Command, VrrpActor.Status>ask(ref, VrrpActor.GetStatus::new,
                ASK_TIMEOUT, director.system().scheduler()).toCompletableFuture().join();
        Map<String, Long> received = new LinkedHashMap<>();
        for (int r = 0; r < VrrpValidator.REASONS; r++) {
            received.put(VrrpValidator.key(r), s.count(r));
        }
        return new AdminModel.Vrrp(s.vrid(), s.role().name().toLowerCase(Locale.ROOT), s.priority(), s.transitions(),
                s.advertsSent(), received);
    }

    // ---------------------------------------------------------------- plumbing

    private static final String JSON = "application/json";
    private static final String MASTER = "master";
    private static final String BACKUP = "backup";
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private static void allow(String method, String... methods) throws Failure {
        if (!Arrays.asList(methods).contains(method)) {
            throw new Failure(405, "method " + method + " not allowed here (expected " + String.join(" or ", methods)
                    + ")");
        }
    }

    private static void onlyParameters(Map<String, String> query, String... known) throws Failure {
        for (String name : query.keySet()) {
            if (!Arrays.asList(known).contains(name)) {
                throw new Failure(400, "unknown parameter '" + name + "'"
                        + (known.length == 0 ? " (this resource takes none)" : " (expected " + String.join(", ", known) + ")"));
            }
        }
    }

    private static int number(Map<String, String> query, String name, int min, int max, int dflt) throws Failure {
        String v = query.get(name);
        if (v == null) {
            return dflt;
        }
        long n = v.length() > 0 && v.length() <= 10 && v.chars().allMatch(Character::isDigit) ? Long.parseLong(v) : -1;
        if (n < min || n > max) {
            throw new Failure(400, name + ": '" + v + "' (expected an integer " + min + ".." + max + ")");
        }
        return (int) n;
    }

    private static String text(byte[] body) throws Failure {
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        try {
            return utf8.decode(java.nio.ByteBuffer.wrap(body)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new Failure(400, "the body is not UTF-8 text");
        }
    }

    private static List<String> words(String line) {
        String s = line.strip();
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\s+"));
    }

    private <T> T parse(byte[] body, Class<T> type) throws Failure {
        try {
            T value = json.readValue(body, type);
            if (value == null) {
                throw new Failure(400, "expected a JSON object, found null");
            }
            return value;
        } catch (IOException e) {
            String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new Failure(400, "invalid JSON for " + type.getSimpleName().toLowerCase(Locale.ROOT) + ": " + m);
        }
    }

    private Response ok(Object value) {
        return new Response(200, JSON, bytes(value));
    }

    Response error(int status, String message) {
        return new Response(status, JSON, bytes(new AdminModel.Error(message)));
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }
}
