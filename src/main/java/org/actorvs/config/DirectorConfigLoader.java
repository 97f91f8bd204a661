package org.actorvs.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Supplier;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueType;

import org.actorvs.admin.AddressText;
import org.actorvs.config.DirectorConfig.Admin;
import org.actorvs.config.DirectorConfig.Capture;
import org.actorvs.config.DirectorConfig.Interface;
import org.actorvs.config.DirectorConfig.IpPrefix;
import org.actorvs.config.DirectorConfig.Metrics;
import org.actorvs.config.DirectorConfig.Neighbour;
import org.actorvs.config.DirectorConfig.OwnedAddress;
import org.actorvs.config.DirectorConfig.ProtocolTimeouts;
import org.actorvs.config.DirectorConfig.StaticRoute;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.Timeouts;
import org.actorvs.forward.IpvsSettings;
import org.actorvs.service.RuleSet;

/**
 * Reads {@code actorvs.conf} (HOCON, one top-level object {@code actorvs { ... }}) into a
 * {@link DirectorConfig}. Strict on purpose: a director that silently ignores a misspelt
 * {@code expire_nodest_con} behaves differently from what its operator wrote, so unknown keys,
 * wrong types, out-of-range values and dangling interface references are all errors, each a
 * {@link ConfigError} "file:line: key: problem". Keys left out take the kernel's (or ipvsadm's)
 * defaults. The annotated reference of every key is {@code conf/actorvs.conf}.
 */
public final class DirectorConfigLoader {

    /** The one top-level key; everything else lives below it. */
    public static final String ROOT = "actorvs";
    /** Default for {@code drain-timeout}. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofMinutes(5);
    /** Default for {@code connection-table.capacity-per-shard}. */
    public static final int DEFAULT_CONNECTIONS_PER_SHARD = 262_144;
    /** Default {@code admin.port}. */
    public static final int DEFAULT_ADMIN_PORT = 9080;
    /** A shorter bearer token is guessable; 16 characters of a random alphabet are not. */
    public static final int MIN_ADMIN_TOKEN_LENGTH = 16;
    /** Default capture settings: whole frames of any MTU up to 64 KiB, 1 ms polls, 8 MiB buffers. */
    public static final Capture DEFAULT_CAPTURE = new Capture(65_535, Duration.ofMillis(1), 8 * 1024 * 1024);
    /**
     * Default metrics endpoint: loopback only (the counters describe the clients and real servers,
     * not for everyone), on a port of its own: 9100, the usual first guess, is node_exporter's,
     * which a director host is likely to run too.
     */
    public static final Metrics DEFAULT_METRICS = new Metrics(true, AddressText.parse("127.0.0.1"), 9410);
    /** The most shards accepted: far above any core count this runs on, low enough to catch a typo. */
    public static final int MAX_SHARDS = 1024;

    private static final String INTERFACE_NAME = "an interface name like \"eth0\" (1..15 characters)";

    private DirectorConfigLoader() {
    }

    /**
     * Reads a configuration file. A rules-file named in it, and any HOCON {@code include}, is
     * resolved against the file's directory.
     */
    public static DirectorConfig load(Path file) throws ConfigError {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new ConfigError(name, 0, "", Files.exists(file) ? "not a regular file" : "file not found");
        }
        if (!Files.isReadable(file)) {
            throw new ConfigError(name, 0, "", "not readable");
        }
        return read(name, baseDirectory(name), () -> ConfigFactory.parseFile(file.toFile(), options(name)));
    }

    /**
     * Reads configuration text. {@code sourceName} names it in errors and is taken as its file name:
     * a relative rules-file is resolved against its parent directory (the working directory when it
     * has none).
     */
    public static DirectorConfig parse(String text, String sourceName) throws ConfigError {
        return read(sourceName, baseDirectory(sourceName), () -> ConfigFactory.parseString(text, options(sourceName)));
    }

    private static ConfigParseOptions options(String sourceName) {
        return ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(sourceName)
                .setAllowMissing(false);
    }

    private static Path baseDirectory(String sourceName) {
        Path parent = Path.of(sourceName).getParent();
        return parent == null ? Path.of("") : parent;
    }

    private static DirectorConfig read(String sourceName, Path baseDir, Supplier<Config> parser) throws ConfigError {
        Config config;
        try {
            config = parser.get().resolve(ConfigResolveOptions.defaults());
        } catch (ConfigException e) {
            throw Section.located(sourceName, e.origin(), "", stripOrigin(e));
        }
        return read(config.root(), sourceName, baseDir);
    }

    /** Typesafe Config prefixes its messages with the origin, which ConfigError places itself. */
    private static String stripOrigin(ConfigException e) {
        String m = e.getMessage();
        if (e.origin() != null && m.startsWith(e.origin().description() + ": ")) {
            return m.substring(e.origin().description().length() + 2);
        }
        return m;
    }

    private static DirectorConfig read(ConfigObject root, String sourceName, Path baseDir) throws ConfigError {
        Section top = new Section(sourceName, "", root, ROOT);
        if (!top.has(ROOT)) {
            throw top.error(ROOT, "missing: the settings go in one object, " + ROOT + " { ... }");
        }
        Section s = top.section(ROOT, "node-name", "interfaces", "owned-addresses", "routes", "neighbours", "shards",
                "connection-table", "timeouts", "ipvs", "services", "drain-timeout", "capture", "admin",
                "metrics", HealthChecksReader.KEY,
                SyncConfigReader.KEY, VrrpConfigReader.KEY);

        String nodeName = s.string("node-name", "this director's name, e.g. \"d1\"");
        List<Interface> interfaces = interfaces(s);
        Map<String, Interface> byName = new HashMap<>();
        interfaces.forEach(i -> byName.put(i.name(), i));
        List<OwnedAddress> owned = ownedAddresses(s, byName);
        List<StaticRoute> routes = routes(s, byName);
        List<Neighbour> neighbours = neighbours(s, byName);

        RuleSet services = ServicesReader.read(s, baseDir);
        return new DirectorConfig(sourceName, nodeName, interfaces, owned, routes, neighbours,
                shards(s),
                (int) s.section("connection-table", "capacity-per-shard")
                        .integer("capacity-per-shard", 1, ConnectionTable.MAX_CAPACITY, DEFAULT_CONNECTIONS_PER_SHARD),
                timeouts(s), ipvs(s), services,
                s.duration("drain-timeout", Duration.ZERO, Duration.ofDays(31), DEFAULT_DRAIN_TIMEOUT),
                capture(s), admin(s), metrics(s),
                HealthChecksReader.read(s, services), SyncConfigReader.read(s, baseDir),
                VrrpConfigReader.read(s, byName, owned));
    }

    // ---------------------------------------------------------------- network

    private static List<Interface> interfaces(Section s) throws ConfigError {
        List<Section> list = s.sections("interfaces", "name", "mac", "ipv4", "ipv6", "mtu", "vlan");
        if (list.isEmpty()) {
            throw s.error("interfaces", "missing or empty (expected a list of interfaces, each { name = eth0, ipv4 = \"a.b.c.d/len\" })");
        }
        List<Interface> out = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (Section i : list) {
            String name = interfaceName(i, "name");
            if (seen.containsKey(name)) {
                throw i.error("name", "duplicate interface '" + name + "' (first defined at " + seen.get(name) + ")");
            }
            seen.put(name, i.path());
            OptionalLong mac = i.has("mac") ? OptionalLong.of(mac(i, "mac")) : OptionalLong.empty();
            Optional<IpPrefix> v4 = i.has("ipv4") ? Optional.of(prefix(i, "ipv4", 4, false)) : Optional.empty();
            Optional<IpPrefix> v6 = i.has("ipv6") ? Optional.of(prefix(i, "ipv6", 6, false)) : Optional.empty();
            if (v4.isEmpty() && v6.isEmpty()) {
                throw i.error("interface '" + name + "' has no address (expected ipv4 = \"a.b.c.d/len\" and/or ipv6)");
            }
            // 68 is IPv4's minimum link MTU (RFC 791), 1280 IPv6's (RFC 8200)
            int mtu = (int) i.integer("mtu", v6.isPresent() ? 1280 : 68, 65535, 1500);
            OptionalInt vlan = i.has("vlan") ? OptionalInt.of((int) i.integer("vlan", 1, 4094)) : OptionalInt.empty();
            out.add(new Interface(name, mac, v4, v6, mtu, vlan));
        }
        return out;
    }

    private static List<OwnedAddress> ownedAddresses(Section s, Map<String, Interface> byName) throws ConfigError {
        List<OwnedAddress> out = new ArrayList<>();
        for (Section o : s.sections("owned-addresses", "address", "dev")) {
            InetAddress a = address(o, "address", 0);
            String dev = knownInterface(o, "dev", byName);
            OwnedAddress owned = new OwnedAddress(a, dev);
            if (out.contains(owned)) {
                throw o.error("address", a.getHostAddress() + " is already owned on " + dev);
            }
            out.add(owned);
        }
        return out;
    }

    private static List<StaticRoute> routes(Section s, Map<String, Interface> byName) throws ConfigError {
        List<StaticRoute> out = new ArrayList<>();
        for (Section r : s.sections("routes", "prefix", "via", "dev")) {
            IpPrefix prefix = prefix(r, "prefix", 0, true);
            String dev = knownInterface(r, "dev", byName);
            Interface itf = byName.get(dev);
            Optional<IpPrefix> connected = prefix.af() == 4 ? itf.ipv4() : itf.ipv6();
            Optional<InetAddress> via = Optional.empty();
            if (r.has("via")) {
                InetAddress gw = address(r, "via", prefix.af());
                // as fib_check_nh(): the gateway must be reachable on-link through dev
                if (connected.isEmpty() || !connected.get().contains(gw)) {
                    throw r.error("via", "gateway " + gw.getHostAddress() + " is not on " + dev + "'s network"
                            + connected.map(p -> " " + p).orElse(" (it has no IPv" + prefix.af() + " address)"));
                }
                via = Optional.of(gw);
            }
            for (StaticRoute other : out) {
                if (other.prefix().equals(prefix)) {
                    throw r.error("prefix", "route " + prefix + " is given twice");
                }
            }
            out.add(new StaticRoute(prefix, via, dev));
        }
        return out;
    }

    private static List<Neighbour> neighbours(Section s, Map<String, Interface> byName) throws ConfigError {
        List<Neighbour> out = new ArrayList<>();
        for (Section n : s.sections("neighbours", "address", "mac", "dev")) {
            InetAddress a = address(n, "address", 0);
            out.add(new Neighbour(a, mac(n, "mac"), knownInterface(n, "dev", byName)));
        }
        return out;
    }

    private static String interfaceName(Section s, String key) throws ConfigError {
        String name = s.string(key, INTERFACE_NAME);
        // IFNAMSIZ is 16 with the NUL; dev_valid_name() refuses '/', ':' and blanks
        if (name.length() > 15 || name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
            throw s.error(key, "'" + name + "' is not a valid interface name (expected " + INTERFACE_NAME + ")");
        }
        return name;
    }

    static String knownInterface(Section s, String key, Map<String, Interface> byName) throws ConfigError {
        String name = s.string(key, "the name of an interface in actorvs.interfaces");
        if (!byName.containsKey(name)) {
            throw s.error(key, "unknown interface '" + name + "' (interfaces are " + String.join(", ", byName.keySet()) + ")");
        }
        return name;
    }

    /** A numeric address of family {@code af} (4 or 6, 0 for either); names are not resolved. */
    static InetAddress address(Section s, String key, int af) throws ConfigError {
        String expected = af == 4 ? "an IPv4 address like 10.0.0.1" : af == 6 ? "an IPv6 address like fd00::1"
                : "an IPv4 or IPv6 address";
        String text = s.string(key, expected);
        InetAddress a = AddressText.parse(text);
        if (a == null || af != 0 && (a instanceof Inet6Address) != (af == 6)) {
            throw s.error(key, "'" + text + "' is not " + expected);
        }
        return a;
    }

    /** ADDRESS/LENGTH; a route's prefix must have no host bits, as iproute2 insists. */
    private static IpPrefix prefix(Section s, String key, int af, boolean network) throws ConfigError {
        String expected = (af == 4 ? "an IPv4 prefix like 10.0.0.1/24" : af == 6 ? "an IPv6 prefix like fd00::1/64"
                : "a prefix like 10.0.0.0/8 or fd00::/64") + (network ? " (0.0.0.0/0 for the default route)" : "");
        String text = s.string(key, expected);
        int slash = text.indexOf('/');
        InetAddress a = slash < 0 ? null : AddressText.parse(text.substring(0, slash));
        int max = a == null ? 0 : a.getAddress().length * 8;
        int len = slash < 0 ? -1 : parseLength(text.substring(slash + 1), max);
        if (a == null || len < 0 || af != 0 && (a instanceof Inet6Address) != (af == 6)) {
            throw s.error(key, "'" + text + "' is not " + expected);
        }
        IpPrefix p = new IpPrefix(a, len);
        if (network && p.hasHostBits()) {
            throw s.error(key, "'" + text + "' has bits set past /" + len + " (invalid prefix for the prefix length)");
        }
        return p;
    }

    private static int parseLength(String s, int max) {
        if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int v = Integer.parseInt(s);
        return v <= max ? v : -1;
    }

    /** aa:bb:cc:dd:ee:ff as a 48-bit value. */
    private static long mac(Section s, String key) throws ConfigError {
        String text = s.string(key, "a MAC address like 02:00:00:00:00:01");
        String[] parts = text.split("[:-]", -1);
        long v = 0;
        boolean ok = parts.length == 6;
        for (int i = 0; ok && i < 6; i++) {
            ok = parts[i].length() == 2 && Character.digit(parts[i].charAt(0), 16) >= 0
                    && Character.digit(parts[i].charAt(1), 16) >= 0;
            v = v << 8 | (ok ? Integer.parseInt(parts[i], 16) : 0);
        }
        if (!ok) {
            throw s.error(key, "'" + text + "' is not a MAC address like 02:00:00:00:00:01");
        }
        if ((v & 0x0100_0000_0000L) != 0) {
            throw s.error(key, text + " is a multicast MAC address (expected a unicast one)");
        }
        return v;
    }

    // ---------------------------------------------------------------- behaviour

    /** A count, or {@code auto} (the default): one shard per available processor. */
    private static int shards(Section s) throws ConfigError {
        if (!s.has("shards") || s.value("shards").valueType() == ConfigValueType.STRING) {
            s.word("shards", "auto", "auto");
            return Runtime.getRuntime().availableProcessors();
        }
        return (int) s.integer("shards", 1, MAX_SHARDS);
    }

    private static ProtocolTimeouts timeouts(Section s) throws ConfigError {
        Section t = s.section("timeouts", "tcp", "tcpfin", "udp");
        ProtocolTimeouts kernel = ProtocolTimeouts.kernelDefaults();
        return new ProtocolTimeouts(
                (int) t.integer("tcp", 1, Timeouts.MAX_SECONDS, kernel.tcp()),
                (int) t.integer("tcpfin", 1, Timeouts.MAX_SECONDS, kernel.tcpFin()),
                (int) t.integer("udp", 1, Timeouts.MAX_SECONDS, kernel.udp()));
    }

    private static IpvsSettings ipvs(Section s) throws ConfigError {
        Section v = s.section("ipvs", "expire_nodest_conn", "expire_quiescent_template", "nat_icmp_send",
                "sloppy_tcp", "conn_reuse_mode", "secure_tcp", "pmtu_disc", "reassemble-fragments",
                "fragment-timeout", "fragment-memory", "verify-checksums");
        IpvsSettings d = IpvsSettings.defaults();
        return new IpvsSettings.Builder()
                .expireNodestConn(v.bool("expire_nodest_conn", d.expireNodestConn()))
                .expireQuiescentTemplate(v.bool("expire_quiescent_template", d.expireQuiescentTemplate()))
                .natIcmpSend(v.bool("nat_icmp_send", d.natIcmpSend()))
                .sloppyTcp(v.bool("sloppy_tcp", d.sloppyTcp()))
                .connReuseMode((int) v.integer("conn_reuse_mode", 0, 3, d.connReuseMode()))
                .secureTcp(v.bool("secure_tcp", d.secureTcp()))
                .pmtuDisc(v.bool("pmtu_disc", d.pmtuDisc()))
                .reassembleFragments(v.bool("reassemble-fragments", d.reassembleFragments()))
                .fragmentTimeoutNanos(v.duration("fragment-timeout", Duration.ofMillis(1), Duration.ofHours(1),
                        Duration.ofNanos(d.fragmentTimeoutNanos())).toNanos())
                .fragmentMemoryBytes((int) v.bytes("fragment-memory", 65_535, 1L << 30, d.fragmentMemoryBytes()))
                .verifyChecksums(v.bool("verify-checksums", d.verifyChecksums()))
                .build();
    }

    /** The admin API: loopback by default; any other address only with a token. */
    private static Admin admin(Section s) throws ConfigError {
        Section a = s.section("admin", "address", "port", "token");
        InetAddress address = a.has("address") ? address(a, "address", 0) : InetAddress.getLoopbackAddress();
        int port = (int) a.integer("port", 1, 65535, DEFAULT_ADMIN_PORT);
        Optional<String> token = a.optString("token", "a bearer token of at least " + MIN_ADMIN_TOKEN_LENGTH
                + " printable characters");
        if (token.isPresent() && (token.get().length() < MIN_ADMIN_TOKEN_LENGTH
                || !token.get().chars().allMatch(c -> c > ' ' && c < 127))) {
            throw a.error("token", "expected at least " + MIN_ADMIN_TOKEN_LENGTH
                    + " printable ASCII characters without blanks (it travels in an HTTP header)");
        }
        if (!address.isLoopbackAddress() && token.isEmpty()) {
            throw a.error("address", "listening on " + address.getHostAddress()
                    + " lets other hosts rewrite the rules: set admin.token too, or use 127.0.0.1");
        }
        return new Admin(address, port, token);
    }

    private static Metrics metrics(Section s) throws ConfigError {
        Section m = s.section("metrics", "enabled", "address", "port");
        return new Metrics(m.bool("enabled", DEFAULT_METRICS.enabled()),
                m.has("address") ? address(m, "address", 0) : DEFAULT_METRICS.address(),
                (int) m.integer("port", 1, 65535, DEFAULT_METRICS.port()));
    }

    private static Capture capture(Section s) throws ConfigError {
        Section c = s.section("capture", "snaplen", "poll-interval", "buffer-size");
        return new Capture(
                // 14 + 4 (802.1Q) + the 68-byte IPv4 minimum; 262144 is libpcap's MAXIMUM_SNAPLEN
                (int) c.integer("snaplen", 86, 262_144, DEFAULT_CAPTURE.snaplen()),
                c.duration("poll-interval", Duration.ofMillis(1), Duration.ofSeconds(10), DEFAULT_CAPTURE.pollInterval()),
                (int) c.bytes("buffer-size", 65_536, 1L << 30, DEFAULT_CAPTURE.bufferBytes()));
    }
}
