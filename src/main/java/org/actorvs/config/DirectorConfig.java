package org.actorvs.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;

import org.actorvs.conn.Timeouts;
import org.actorvs.forward.IpvsSettings;
import org.actorvs.forward.Port;
import org.actorvs.forward.RouteTable;
import org.actorvs.forward.StaticNeighbours;
import org.actorvs.health.HealthCheckSpec;
import org.actorvs.service.RuleSet;

/**
 * Everything one director reads at start-up from {@code actorvs.conf}, checked and immutable. Built
 * by {@link DirectorConfigLoader}; the runtime turns the parts into its working objects with
 * {@link #ports}, {@link #routeTable()}, {@link #staticNeighbours()} and
 * {@link ProtocolTimeouts#toTimeouts()}.
 *
 * <p>Interfaces are identified by name everywhere in the file; their position in
 * {@link #interfaces()} is the port index ({@link Port#index()}, {@link RouteTable.Route#port()}).
 *
 * @param source                  the file name the configuration was read from, for log lines
 * @param nodeName                this director's name (logs, metrics, later sync and cluster identity)
 * @param interfaces              the LAN attachments, in port-index order, names unique
 * @param ownedAddresses          addresses the director answers ARP / neighbour solicitation for: the
 *                                VIPs and, for LVS-NAT, the real servers' gateway address
 * @param routes                  configured routes; connected routes are derived from the interfaces
 *                                by {@link #routeTable()} and are not in this list
 * @param neighbours              static IP-to-MAC entries (offline replay, tests, pinned next hops)
 * @param shards                  packet shards (one actor per core); {@code auto} is resolved to the
 *                                number of available processors when the file is loaded
 * @param connectionTableCapacity connection entries per shard
 * @param timeouts                protocol timeouts, as {@code ipvsadm --set}
 * @param ipvs                    the /proc/sys/net/ipv4/vs switches and fragment handling
 * @param services                the virtual services and their real servers at start-up
 * @param drainTimeout            how long a destination removed by a configuration change keeps
 *                                serving its existing connections before it is dropped
 * @param capture                 packet capture settings
 * @param admin                   where the HTTP admin API (actorvsadm's peer) listens
 * @param metrics                 the Prometheus metrics endpoint
 * @param healthChecks            one health check per checked real server, as keepalived's checkers
 * @param sync                    the sync sysctls and the sync daemons to start
 * @param vrrp                    the VRRP instance whose master holds the moving addresses; empty
 *                                when this director holds its addresses for good
 */
public record DirectorConfig(
        String source,
        String nodeName,
        List<Interface> interfaces,
        List<OwnedAddress> ownedAddresses,
        List<StaticRoute> routes,
        List<Neighbour> neighbours,
        int shards,
        int connectionTableCapacity,
        ProtocolTimeouts timeouts,
        IpvsSettings ipvs,
        RuleSet services,
        Duration drainTimeout,
        Capture capture,
        Admin admin,
        Metrics metrics,
        List<HealthCheckSpec> healthChecks,
        SyncConfig sync,
        Optional<VrrpSettings> vrrp) {

    public DirectorConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(nodeName, "nodeName");
        interfaces = List.copyOf(interfaces);
        ownedAddresses = List.copyOf(ownedAddresses);
        routes = List.copyOf(routes);
        neighbours = List.copyOf(neighbours);
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(ipvs, "ipvs");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(capture, "capture");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(metrics, "metrics");
        healthChecks = List.copyOf(healthChecks);
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(vrrp, "vrrp");
    }

    /** A director without a VRRP instance. */
    public DirectorConfig(String source, String nodeName, List<Interface> interfaces, List<OwnedAddress> ownedAddresses,
            List<StaticRoute> routes, List<Neighbour> neighbours, int shards, int connectionTableCapacity,
            ProtocolTimeouts timeouts, IpvsSettings ipvs, RuleSet services, Duration drainTimeout, Capture capture,
            Admin admin, Metrics metrics, List<HealthCheckSpec> healthChecks, SyncConfig sync) {
        this(source, nodeName, interfaces, ownedAddresses, routes, neighbours, shards, connectionTableCapacity,
                timeouts, ipvs, services, drainTimeout, capture, admin, metrics, healthChecks, sync, Optional.empty());
    }

    /**
     * An address with a prefix length, e.g. 10.77.0.11/24. For an interface the address keeps its
     * host bits (it is the interface's own address); for a route they are zero.
     */
    public record IpPrefix(InetAddress address, int length) {
        public IpPrefix {
            Objects.requireNonNull(address, "address");
            int max = address.getAddress().length * 8;
            if (length < 0 || length > max) {
                throw new IllegalArgumentException("prefix length " + length + " outside 0.." + max);
            }
        }

        /** 4 or 6, the hot-path address family. */
        public int af() {
            return address instanceof Inet6Address ? 6 : 4;
        }

        /** High 64 bits of the address in the hot-path (af, hi, lo) convention. */
        public long hi() {
            return af() == 4 ? 0 : word(address.getAddress(), 0);
        }

        /** Low 64 bits of the address in the hot-path convention (IPv4: the unsigned 32-bit value). */
        public long lo() {
            byte[] b = address.getAddress();
            return word(b, b.length == 4 ? 0 : 8);
        }

        /** Whether {@code other} lies in this prefix. */
        public boolean contains(InetAddress other) {
            byte[] a = address.getAddress();
            byte[] b = other.getAddress();
            if (a.length != b.length) {
                return false;
            }
            for (int bit = 0; bit < length; bit++) {
                int m = 0x80 >>> (bit & 7);
                if ((a[bit >> 3] & m) != (b[bit >> 3] & m)) {
                    return false;
                }
            }
            return true;
        }

        /** Whether any bit past the prefix length is set (a route must not have any). */
        public boolean hasHostBits() {
            byte[] a = address.getAddress();
            for (int bit = length; bit < a.length * 8; bit++) {
                if ((a[bit >> 3] & (0x80 >>> (bit & 7))) != 0) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return address.getHostAddress() + "/" + length;
        }

        private static long word(byte[] b, int from) {
            long v = 0;
            for (int i = from; i < Math.min(b.length, from + 8); i++) {
                v = v << 8 | (b[i] & 0xFF);
            }
            return v;
        }
    }

    /**
     * One LAN attachment.
     *
     * @param name  the OS interface name, e.g. "eth0"
     * @param mac   its MAC as a 48-bit value; empty means "ask the OS" (offline replay needs it given)
     * @param ipv4  its IPv4 address and prefix; at least one of ipv4 and ipv6 is present
     * @param ipv6  its IPv6 address and prefix
     * @param mtu   the link MTU (IP packet size)
     * @param vlan  the 802.1Q VLAN id frames carry on this attachment; empty for untagged
     */
    public record Interface(String name, OptionalLong mac, Optional<IpPrefix> ipv4, Optional<IpPrefix> ipv6,
                            int mtu, OptionalInt vlan) {
        public Interface {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mac, "mac");
            Objects.requireNonNull(ipv4, "ipv4");
            Objects.requireNonNull(ipv6, "ipv6");
            Objects.requireNonNull(vlan, "vlan");
        }

        /** The forwarding-plane view of this interface, with the MAC the caller settled on. */
        public Port toPort(int index, long macAddress) {
            return new Port(index, name, macAddress,
                    ipv4.map(IpPrefix::lo).orElse(0L),
                    ipv6.map(IpPrefix::hi).orElse(0L), ipv6.map(IpPrefix::lo).orElse(0L),
                    mtu, vlan.orElse(-1));
        }
    }

    /** An address the director answers ARP (IPv4) or neighbour solicitations (IPv6) for on an interface. */
    public record OwnedAddress(InetAddress address, String interfaceName) {
        public OwnedAddress {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(interfaceName, "interfaceName");
        }
    }

    /** {@code ip route add PREFIX [via GATEWAY] dev INTERFACE}: no gateway means on-link. */
    public record StaticRoute(IpPrefix prefix, Optional<InetAddress> gateway, String interfaceName) {
        public StaticRoute {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(gateway, "gateway");
            Objects.requireNonNull(interfaceName, "interfaceName");
        }
    }

    /** {@code ip neigh add ADDRESS lladdr MAC dev INTERFACE nud permanent}. */
    public record Neighbour(InetAddress address, long mac, String interfaceName) {
        public Neighbour {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(interfaceName, "interfaceName");
        }
    }

    /**
     * The three timeouts {@code ipvsadm --set tcp tcpfin udp} sets, in seconds; the other TCP states
     * keep the kernel's table.
     */
    public record ProtocolTimeouts(int tcp, int tcpFin, int udp) {
        /** The kernel's values, read from a fresh {@link Timeouts} so that the two cannot drift apart. */
        public static ProtocolTimeouts kernelDefaults() {
            Timeouts t = new Timeouts();
            return new ProtocolTimeouts(t.tcpEstablished(), t.tcpFin(), t.udp());
        }

        public ProtocolTimeouts {
            for (int v : new int[] {tcp, tcpFin, udp}) {
                if (v < 1 || v > Timeouts.MAX_SECONDS) {
                    throw new IllegalArgumentException("timeout " + v + " outside 1.." + Timeouts.MAX_SECONDS);
                }
            }
        }

        /** A new shared, admin-settable timeout table holding these values. */
        public Timeouts toTimeouts() {
            Timeouts t = new Timeouts();
            t.set(tcp, tcpFin, udp);
            return t;
        }
    }

    /**
     * Packet capture settings (pcap_set_snaplen, pcap_set_timeout, pcap_set_buffer_size).
     *
     * @param snaplen      bytes captured per frame
     * @param pollInterval how long one read waits for more frames before it returns a partial batch
     * @param bufferBytes  the kernel capture buffer per interface
     */
    public record Capture(int snaplen, Duration pollInterval, int bufferBytes) {
        public Capture {
            Objects.requireNonNull(pollInterval, "pollInterval");
        }
    }

    /**
     * The Prometheus endpoint, {@code http://address:port/metrics}.
     *
     * @param enabled whether the director serves it at all
     * @param address the local address it listens on
     * @param port    its TCP port
     */
    public record Metrics(boolean enabled, InetAddress address, int port) {
        public Metrics {
            Objects.requireNonNull(address, "address");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " outside 1..65535");
            }
        }
    }

    /** The interface with this name, if configured. */
    /**
     * The HTTP admin API's listening address. Anyone who reaches it can rewrite the rule table, so
     * an address other than loopback needs a bearer token; the loader refuses the file otherwise.
     *
     * @param token the bearer token clients must send, empty for none (loopback only)
     */
    public record Admin(InetAddress address, int port, Optional<String> token) {
        public Admin {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(token, "token");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("admin port " + port + " outside 0..65535");
            }
            if (!address.isLoopbackAddress() && token.isEmpty()) {
                throw new IllegalArgumentException("the admin API on " + address.getHostAddress() + " needs a token");
            }
        }
    }

    public Optional<Interface> interfaceNamed(String name) {
        return interfaces.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** The port index of the named interface, or -1 when there is none. */
    public int interfaceIndex(String name) {
        for (int i = 0; i < interfaces.size(); i++) {
            if (interfaces.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The forwarding-plane ports, index = position in {@link #interfaces()}. An interface with a
     * configured MAC uses it; for the others {@code osMac} is asked with the interface name (the
     * launcher reads the OS there; offline replay gives every MAC in the file instead).
     */
    public List<Port> ports(ToLongFunction<String> osMac) {
        List<Port> out = new ArrayList<>(interfaces.size());
        for (int i = 0; i < interfaces.size(); i++) {
            Interface itf = interfaces.get(i);
            long mac = itf.mac().isPresent() ? itf.mac().getAsLong() : osMac.applyAsLong(itf.name());
            out.add(itf.toPort(i, mac));
        }
        return out;
    }

    /**
     * The director's routing table: a connected route for every interface prefix (as the kernel adds
     * one with each address), then the configured routes.
     */
    public RouteTable routeTable() {
        List<RouteTable.Route> all = new ArrayList<>();
        for (int i = 0; i < interfaces.size(); i++) {
            Interface itf = interfaces.get(i);
            for (Optional<IpPrefix> p : List.of(itf.ipv4(), itf.ipv6())) {
                if (p.isPresent()) {
                    all.add(new RouteTable.Route(p.get().af(), p.get().hi(), p.get().lo(), p.get().length(), i, 0, 0));
                }
            }
        }
        for (StaticRoute r : routes) {
            IpPrefix via = new IpPrefix(r.gateway().orElse(r.prefix().address()), 0);
            boolean onLink = r.gateway().isEmpty();
            all.add(new RouteTable.Route(r.prefix().af(), r.prefix().hi(), r.prefix().lo(), r.prefix().length(),
                    interfaceIndex(r.interfaceName()), onLink ? 0 : via.hi(), onLink ? 0 : via.lo()));
        }
        return RouteTable.of(all);
    }

    /** A new neighbour cache holding the configured static entries. */
    public StaticNeighbours staticNeighbours() {
        StaticNeighbours n = new StaticNeighbours();
        for (Neighbour e : neighbours) {
            IpPrefix a = new IpPrefix(e.address(), 0);
            n.put(a.af(), a.hi(), a.lo(), e.mac());
        }
        return n;
    }
}
