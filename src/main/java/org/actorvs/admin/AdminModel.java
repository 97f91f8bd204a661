package org.actorvs.admin;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The JSON documents of the director's admin API, shared by the daemon that writes them and
 * {@link AdminCli} that reads them. Values are what ipvsadm prints, so that a listing can be
 * rendered from them alone (see {@link IpvsadmListing}).
 */
public final class AdminModel {

    private AdminModel() {
    }

    /**
     * {@code GET /api/services} and {@code GET /api/stats}.
     *
     * @param version        the IPVS version ipvsadm's banner shows ("1.2.1": the kernel ABI we mirror)
     * @param size           connection entries the director can hold (the banner's {@code size=})
     * @param ratesAvailable whether {@link Service#rates()} and {@link Destination#rates()} are given
     * @param ratesNote      why rates are missing, when they are
     * @param captures       each capture thread's counts, only in {@code /api/stats} (none offline)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Listing(String version, long size, boolean ratesAvailable, String ratesNote,
                          List<Service> services, List<Capture> captures) {
        public Listing {
            services = List.copyOf(services);
            captures = captures == null ? null : List.copyOf(captures);
        }
    }

    /**
     * One port's capture thread: the frames it read, and those it dropped before any shard saw them.
     *
     * @param dropped by reason: back_pressure (no free batch: the shards are behind), oversize (larger
     *                than a batch), other_link_protocol (neither IP nor ARP)
     */
    public record Capture(String port, long frames, long arpFrames, long vrrpFrames, Map<String, Long> dropped) {
    }

    /**
     * One virtual service.
     *
     * @param selector   as in ipvsadm rules: {@code -t 10.0.0.1:80}, {@code -f 7 -6}
     * @param protocol   TCP, UDP or SCTP; null for a firewall-mark service
     * @param address    the virtual address, null for a firewall-mark service
     * @param fwmark     0 unless a firewall-mark service
     * @param schedFlags the scheduler flags as ipvsadm names them (sh-fallback, flag-3, ...)
     * @param netmask    the persistence mask as ipvsadm prints it (dotted IPv4, IPv6 prefix), null
     *                   when it is the family's default
     * @param pe         the persistence engine's name, "" for none
     * @param stats      counters since start or the last zero; only in {@code /api/stats}
     * @param rates      per-second estimates; only in {@code /api/stats}, when available
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Service(String selector, String protocol, String address, int port, long fwmark, boolean ipv6,
                          String scheduler, List<String> schedFlags, boolean persistent, int persistTimeout,
                          String netmask, String pe, boolean onePacket, List<Destination> destinations,
                          Counters stats, Counters rates) {
        public Service {
            schedFlags = List.copyOf(schedFlags);
            destinations = List.copyOf(destinations);
        }
    }

    /**
     * One real server as the shards see it: destinations draining after a reload are listed with
     * weight 0, as the kernel lists a quiesced one.
     *
     * @param forward    ipvsadm's name of the method: Masq, Local, Tunnel or Route
     * @param tunnelInfo ipvsadm 1.31's {@code --tun-info} text (ipip, gue:PORT:FLAGS) or n/a
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Destination(String address, boolean ipv6, int port, String forward, String tunnelInfo, int weight,
                              int activeConns, int inactiveConns, int persistentConns, int upperThreshold,
                              int lowerThreshold, Counters stats, Counters rates) {
    }

    /** ip_vs_stats: connections scheduled, packets and bytes in each direction. */
    public record Counters(long conns, long inPkts, long outPkts, long inBytes, long outBytes) {
        public static final Counters ZERO = new Counters(0, 0, 0, 0, 0);

        public Counters plus(Counters o) {
            return new Counters(conns + o.conns, inPkts + o.inPkts, outPkts + o.outPkts, inBytes + o.inBytes,
                    outBytes + o.outBytes);
        }

        public Counters minus(Counters o) {
            return new Counters(conns - o.conns, inPkts - o.inPkts, outPkts - o.outPkts, inBytes - o.inBytes,
                    outBytes - o.outBytes);
        }
    }

    /**
     * {@code GET /api/connections}: one page of the connection table.
     *
     * @param total entries in the whole table when the page was taken
     */
    public record Connections(long total, int offset, int limit, List<Connection> connections) {
        public Connections {
            connections = List.copyOf(connections);
        }
    }

    /**
     * One entry as {@code ipvsadm -L -c -n} shows it.
     *
     * @param protocol ipvsadm's name: TCP, UDP, SCTP, or IP for a firewall-mark template
     * @param template whether this is a persistence template
     */
    public record Connection(String protocol, boolean template, String state, long expiresSeconds, String client,
                             int clientPort, String virtual, int virtualPort, String destination,
                             int destinationPort, boolean ipv6) {
    }

    /** {@code GET/PUT /api/timeouts}: seconds, as {@code ipvsadm --set tcp tcpfin udp} (0 on PUT = keep). */
    public record Timeouts(int tcp, int tcpfin, int udp) {
    }

    /** What a rule change did: the services added, removed and changed, by selector. */
    public record Applied(int services, List<String> added, List<String> removed, List<String> changed) {
        public Applied {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            changed = List.copyOf(changed);
        }
    }

    /**
     * A sync daemon: {@code POST /api/sync/start} takes one (role, interface and syncid required,
     * the others null for the kernel's defaults), {@code GET /api/sync} lists the running ones with
     * every value in effect.
     *
     * @param role    master or backup
     * @param maxlen  sync_maxlen (a backup's follows from its interface's MTU)
     * @param version the master's sync protocol version, 0 or 1
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SyncDaemon(String role, @JsonProperty("interface") String mcastInterface, Integer syncid,
                             Integer version, Integer maxlen, String group, Integer port, Integer ttl) {
    }

    /** {@code POST /api/sync/stop}. */
    public record SyncStop(String role) {
    }

    /**
     * {@code GET /api/sync}: the running daemons and the sync figures since the director started.
     *
     * @param bytesSent UDP payload bytes of the master's messages sent
     * @param rejected datagrams the backup dropped whole as bogus, by reason
     * @param filtered datagrams the backup ignored, of another syncid
     */
    public record Sync(List<SyncDaemon> daemons, long messagesSent, long bytesSent, long entriesSent, long messagesDropped,
                       long sendErrors, int queueDepth, long datagramsReceived, long filtered,
                       Map<String, Long> rejected, long entriesApplied, long entriesSkipped) {
    }

    /**
     * {@code GET /api/vrrp}.
     *
     * @param received VRRP frames received, by what the validator found ("ok": an advert of this router)
     */
    public record Vrrp(int vrid, String role, int priority, long transitions, long advertsSent,
                       Map<String, Long> received) {
    }

    /** Every error: ipvsadm's message, naming the argument where there is one. */
    public record Error(String error) {
    }
}
