package org.actorvs.metrics;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.actorvs.packet.InetAddresses;
import org.actorvs.runtime.RateSource;
import org.actorvs.runtime.ShardMetrics;
import org.actorvs.service.Destination;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceKey;

/**
 * Traffic per virtual service and real server, summed over the shards, with a {@link RateEstimator}
 * each: what ipvsadm -L --stats and --rate show.
 *
 * <p>A real server's figures are its {@link Destination}'s (the object, not its address: a server
 * removed and added again is a new destination counting from zero, as in the kernel). A service's
 * figures grow by whatever its destinations' grew, so they keep what a removed destination had
 * counted and never go down, as the kernel's per-service ip_vs_stats do. Thread-safe: the scrape and
 * the rate timer both update it, the admin API reads its rates.
 */
final class TrafficAccounts implements RateSource {
    static final int CONNS = 0;
    static final int IN_PKTS = 1;
    static final int OUT_PKTS = 2;
    static final int IN_BYTES = 3;
    static final int OUT_BYTES = 4;
    private static final int FIELDS = 5;

    /** Counts and rates of one service or real server. */
    static final class Account {
        final String service;
        final String server;
        final long[] totals = new long[FIELDS];
        final RateEstimator rates = new RateEstimator();
        final Destination destination;

        Account(String service, String server, Destination destination) {
            this.service = service;
            this.server = server;
            this.destination = destination;
        }

        void sample() {
            rates.sample(totals[CONNS], totals[IN_PKTS], totals[OUT_PKTS], totals[IN_BYTES], totals[OUT_BYTES]);
        }

        /**
         * The totals as last brought up to date are the zero point, as the kernel's are the
         * counters of the last estimation (stats->kstats); the totals themselves stay, they are
         * Prometheus counters.
         */
        void zero() {
            rates.zero(totals[CONNS], totals[IN_PKTS], totals[OUT_PKTS], totals[IN_BYTES], totals[OUT_BYTES]);
        }

        Rates read() {
            return new Rates(rates.connectionsPerSecond(), rates.inPacketsPerSecond(), rates.outPacketsPerSecond(),
                    rates.inBytesPerSecond(), rates.outBytesPerSecond());
        }
    }

    private final Map<Destination, Account> servers = new IdentityHashMap<>();
    private final Map<String, Account> services = new LinkedHashMap<>();

    /**
     * Brings the totals up to every shard's counts. {@code shards} must hold every shard's
     * figures: without one shard's share the sums would shrink.
     */
    synchronized void update(Map<ServiceKey, Schedule> schedules, List<ShardMetrics> shards) {
        Map<Destination, String> serviceOf = new IdentityHashMap<>();
        Map<String, Boolean> current = new LinkedHashMap<>();
        schedules.forEach((key, schedule) -> {
            String service = serviceLabel(key);
            current.put(service, Boolean.TRUE);
            services.computeIfAbsent(service, s -> new Account(s, null, null));
            schedule.destinations().forEach(d -> serviceOf.put(d, service));
        });
        Map<Destination, long[]> sums = new IdentityHashMap<>();
        for (ShardMetrics shard : shards) {
            for (ShardMetrics.Traffic t : shard.traffic()) {
                long[] sum = sums.computeIfAbsent(t.destination(), d -> new long[FIELDS]);
                sum[CONNS] += t.connections();
                sum[IN_PKTS] += t.inPackets();
                sum[OUT_PKTS] += t.outPackets();
                sum[IN_BYTES] += t.inBytes();
                sum[OUT_BYTES] += t.outBytes();
            }
        }
        // A destination gone from every schedule keeps nothing but its share of its service's totals.
        servers.keySet().removeIf(d -> !serviceOf.containsKey(d));
        serviceOf.forEach((d, service) -> servers.computeIfAbsent(d, x -> new Account(service, serverLabel(d), d)));
        for (Account server : servers.values()) {
            long[] now = sums.get(server.destination);
            if (now == null) {
                continue;
            }
            Account service = services.get(server.service);
            for (int f = 0; f < FIELDS; f++) {
                long grown = now[f] - server.totals[f];
                if (grown > 0) {
                    server.totals[f] = now[f];
                    service.totals[f] += grown;
                }
            }
        }
        services.keySet().removeIf(s -> !current.containsKey(s));
    }

    /** One estimator sample of every service and real server (the 2-second timer's work). */
    synchronized void sampleRates() {
        services.values().forEach(Account::sample);
        servers.values().forEach(Account::sample);
    }

    @Override
    public synchronized void zero(ServiceKey key) {
        String service = serviceLabel(key);
        Account account = services.get(service);
        if (account != null) {
            account.zero();
        }
        for (Account server : servers.values()) {
            if (server.service.equals(service)) {
                server.zero();
            }
        }
    }

    @Override
    public synchronized void zeroAll() {
        services.values().forEach(Account::zero);
        servers.values().forEach(Account::zero);
    }

    @Override
    public synchronized Optional<Rates> service(ServiceKey key) {
        return Optional.ofNullable(services.get(serviceLabel(key))).map(Account::read);
    }

    @Override
    public synchronized Optional<Rates> destination(Destination destination) {
        return Optional.ofNullable(servers.get(destination)).map(Account::read);
    }

    /** Writes the figures as Prometheus families. */
    synchronized void write(Families f) {
        for (Account s : services.values()) {
            write(f, "actorvs_service", "virtual service", s, "service", s.service);
        }
        for (Account d : servers.values()) {
            write(f, "actorvs_server", "real server", d, "service", d.service, "server", d.server);
            Destination dest = d.destination;
            f.gauge("actorvs_server_active_connections", "Connections of the real server in an active state "
                    + "(ipvsadm ActiveConn).", dest.activeConns(), "service", d.service, "server", d.server);
            f.gauge("actorvs_server_inactive_connections", "Connections of the real server in an inactive "
                    + "state (ipvsadm InActConn).", dest.inactiveConns(), "service", d.service, "server", d.server);
            f.gauge("actorvs_server_persistent_connections", "Persistence templates pointing at the real server.",
                    dest.persistentConns(), "service", d.service, "server", d.server);
            f.gauge("actorvs_server_weight", "The real server's scheduling weight (0: quiescent).", dest.weight(),
                    "service", d.service, "server", d.server);
        }
    }

    private static void write(Families f, String prefix, String what, Account a, String... labels) {
        long[] t = a.totals;
        f.counter(prefix + "_connections", "Connections scheduled to the " + what + ".", t[CONNS], labels);
        f.counter(prefix + "_in_packets", "Packets from clients to the " + what + ".", t[IN_PKTS], labels);
        f.counter(prefix + "_out_packets", "Packets from the " + what + " to clients.", t[OUT_PKTS], labels);
        f.counter(prefix + "_in_bytes", "IP bytes from clients to the " + what + ".", t[IN_BYTES], labels);
        f.counter(prefix + "_out_bytes", "IP bytes from the " + what + " to clients.", t[OUT_BYTES], labels);
        RateEstimator r = a.rates;
        String est = " (the kernel's 2 s estimator, ipvsadm --rate).";
        f.gauge(prefix + "_connections_per_second", "New connections per second to the " + what + est,
                r.connectionsPerSecond(), labels);
        f.gauge(prefix + "_in_packets_per_second", "Incoming packets per second of the " + what + est,
                r.inPacketsPerSecond(), labels);
        f.gauge(prefix + "_out_packets_per_second", "Outgoing packets per second of the " + what + est,
                r.outPacketsPerSecond(), labels);
        f.gauge(prefix + "_in_bytes_per_second", "Incoming bytes per second of the " + what + est,
                r.inBytesPerSecond(), labels);
        f.gauge(prefix + "_out_bytes_per_second", "Outgoing bytes per second of the " + what + est,
                r.outBytesPerSecond(), labels);
    }

    /** "tcp/10.77.0.100:80", "udp/[2001:db8::1]:53", "fwm/1" or "fwm6/1". */
    static String serviceLabel(ServiceKey key) {
        if (key.isFwmark()) {
            return (key.ipv6() ? "fwm6/" : "fwm/") + key.fwmark();
        }
        return key.protocol().name().toLowerCase() + "/"
                + endpoint(key.af(), key.addressHi(), key.addressLo(), key.port());
    }

    /** "10.78.0.21:80" or "[2001:db8::21]:80". */
    static String serverLabel(Destination d) {
        return endpoint(d.af(), d.addrHi(), d.addrLo(), d.port());
    }

    private static String endpoint(int af, long hi, long lo, int port) {
        String host = InetAddresses.format(af, hi, lo);
        return (af == 6 ? "[" + host + "]" : host) + ":" + port;
    }
}
