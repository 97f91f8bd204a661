package org.actorvs.admin;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.actorvs.admin.AdminModel.Connection;
import org.actorvs.admin.AdminModel.Counters;
import org.actorvs.admin.AdminModel.Destination;
import org.actorvs.admin.AdminModel.Listing;
import org.actorvs.admin.AdminModel.Service;
import org.actorvs.admin.IpvsadmCommand.ListOption;
import org.actorvs.runtime.ConnectionView;

/**
 * {@code ipvsadm -L} output rendered from the admin API's documents, with ipvsadm 1.31's printf
 * formats (list_all(), print_title(), print_service_entry(), print_largenum(), print_conn()).
 * Addresses are always numeric: we never resolve names, so {@code -n} changes nothing.
 */
public final class IpvsadmListing {

    private IpvsadmListing() {
    }

    /**
     * The service table in the format {@code options} choose. With {@code only} (ipvsadm -L -t ...)
     * just that service, without the version banner, as list_service() prints it.
     */
    public static String services(Listing listing, Set<ListOption> options, Optional<Service> only) {
        StringBuilder out = new StringBuilder();
        if (only.isEmpty()) {
            out.append("IP Virtual Server version ").append(listing.version()).append(" (size=")
                    .append(listing.size()).append(")\n");
        }
        boolean rates = options.contains(ListOption.RATE);
        if (rates && !listing.ratesAvailable()) {
            // not an ipvsadm line: a reader must not take the n/a columns for zeros
            out.append("Rates unavailable: ").append(listing.ratesNote() == null ? "the director gave none"
                    : listing.ratesNote()).append('\n');
        }
        out.append(title(options));
        for (Service s : only.map(List::of).orElse(listing.services())) {
            service(out, s, options);
        }
        return out.toString();
    }

    /** print_title(): the first matching format wins, in ipvsadm's order. */
    private static String title(Set<ListOption> o) {
        String dest = "  -> RemoteAddress:Port\n";
        if (o.contains(ListOption.STATS)) {
            return String.format("%-33s %8s %8s %8s %8s %8s%n", "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts",
                    "InBytes", "OutBytes") + dest;
        }
        if (o.contains(ListOption.RATE)) {
            return String.format("%-33s %8s %8s %8s %8s %8s%n", "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS",
                    "InBPS", "OutBPS") + dest;
        }
        if (o.contains(ListOption.THRESHOLDS)) {
            return String.format("%-33s %-10s %-10s %-10s %-10s%n", "Prot LocalAddress:Port", "Uthreshold",
                    "Lthreshold", "ActiveConn", "InActConn") + dest;
        }
        if (o.contains(ListOption.PERSISTENT_CONN)) {
            return String.format("%-33s %-9s %-11s %-10s %-10s%n", "Prot LocalAddress:Port", "Weight", "PersistConn",
                    "ActiveConn", "InActConn") + dest;
        }
        if (o.contains(ListOption.TUN_INFO)) {
            return "Prot LocalAddress:Port Scheduler Flags\n"
                    + "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n";
        }
        return "Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
    }

    private static void service(StringBuilder out, Service s, Set<ListOption> o) {
        boolean exact = o.contains(ListOption.EXACT);
        String name = serviceName(s);
        if (o.contains(ListOption.STATS)) {
            out.append(String.format("%-33s", name)).append(counters(s.stats(), exact));
        } else if (o.contains(ListOption.RATE)) {
            out.append(String.format("%-33s", name));
            if (s.rates() == null) {
                out.append("      n/a".repeat(5));
            } else {
                out.append(counters(s.rates(), exact));
            }
        } else {
            out.append(name).append(' ').append(s.scheduler());
            if (!s.schedFlags().isEmpty()) {
                out.append(" (").append(String.join(",", s.schedFlags())).append(')');
            }
            if (s.persistent()) {
                out.append(" persistent ").append(s.persistTimeout());
                if (s.netmask() != null) {
                    out.append(" mask ").append(s.netmask());
                }
                if (!s.pe().isEmpty()) {
                    out.append(" pe ").append(s.pe());
                }
            }
            if (s.onePacket()) {
                out.append(" ops");
            }
        }
        out.append('\n');
        for (Destination d : s.destinations()) {
            out.append(destination(d, s.ipv6(), o)).append('\n');
        }
    }

    private static String destination(Destination d, boolean serviceIpv6, Set<ListOption> o) {
        String name = AddressText.formatWithPort(AddressText.parse(d.address()), d.port());
        if (!serviceIpv6 && name.length() > 28) {
            name = name.substring(0, 28);
        }
        boolean exact = o.contains(ListOption.EXACT);
        if (o.contains(ListOption.STATS)) {
            return String.format("  -> %-28s", name) + counters(d.stats(), exact);
        }
        if (o.contains(ListOption.RATE)) {
            Counters r = d.rates();
            return r == null ? String.format("  -> %-28s %8s %8s %8s", name, "n/a", "n/a", "n/a") + "      n/a".repeat(2)
                    : String.format("  -> %-28s %8d %8d %8d", name, r.conns(), r.inPkts(), r.outPkts())
                            + largeNumber(r.inBytes(), exact) + largeNumber(r.outBytes(), exact);
        }
        if (o.contains(ListOption.THRESHOLDS)) {
            return String.format("  -> %-28s %-10d %-10d %-10d %-10d", name, d.upperThreshold(), d.lowerThreshold(),
                    d.activeConns(), d.inactiveConns());
        }
        if (o.contains(ListOption.PERSISTENT_CONN)) {
            return String.format("  -> %-28s %-9d %-11d %-10d %-10d", name, d.weight(), d.persistentConns(),
                    d.activeConns(), d.inactiveConns());
        }
        if (o.contains(ListOption.TUN_INFO)) {
            return String.format("  -> %-28s %-7s %-13s %-6d %-10d %-10d", name, d.forward(), d.tunnelInfo(),
                    d.weight(), d.activeConns(), d.inactiveConns());
        }
        return String.format("  -> %-28s %-7s %-6d %-10d %-10d", name, d.forward(), d.weight(), d.activeConns(),
                d.inactiveConns());
    }

    /** {@code "%-4s %s"} of protocol and address, cut to 33 characters for IPv4; {@code FWM  <mark>[ IPv6]}. */
    static String serviceName(Service s) {
        if (s.fwmark() != 0) {
            return "FWM  " + s.fwmark() + (s.ipv6() ? " IPv6" : "");
        }
        String name = String.format("%-4s %s", s.protocol(), AddressText.formatWithPort(AddressText.parse(s.address()),
                s.port()));
        return !s.ipv6() && name.length() > 33 ? name.substring(0, 33) : name;
    }

    private static String counters(Counters c, boolean exact) {
        return largeNumber(c.conns(), exact) + largeNumber(c.inPkts(), exact) + largeNumber(c.outPkts(), exact)
                + largeNumber(c.inBytes(), exact) + largeNumber(c.outBytes(), exact);
    }

    /**
     * print_largenum(): 9 wide up to 10^8, then 8 digits and a K, M, G or T suffix (truncating);
     * with {@code --exact} the whole value, 9 wide or one wider than its digits.
     */
    static String largeNumber(long n, boolean exact) {
        String digits = Long.toUnsignedString(n);
        if (exact) {
            return String.format("%" + (digits.length() <= 8 ? 9 : digits.length() + 1) + "s", digits);
        }
        if (Long.compareUnsigned(n, 100_000_000L) < 0) {
            return String.format("%9s", digits);
        }
        if (Long.compareUnsigned(n, 1_000_000_000L) < 0) {
            return String.format("%8dK", n / 1_000L);
        }
        if (Long.compareUnsigned(n, 100_000_000_000L) < 0) {
            return String.format("%8dM", n / 1_000_000L);
        }
        if (Long.compareUnsigned(n, 100_000_000_000_000L) < 0) {
            return String.format("%8dG", n / 1_000_000_000L);
        }
        return String.format("%8sT", Long.toUnsignedString(Long.divideUnsigned(n, 1_000_000_000_000L)));
    }

    /** {@code ipvsadm -L -c -n}'s header; with {@code --persistent-conn} the engine columns too. */
    public static String connectionHeader(boolean persistentConn) {
        return "IPVS connection entries\n" + (persistentConn
                ? String.format("pro expire %-11s %-18s %-18s %-18s %-16s %s%n", "state", "source", "virtual",
                        "destination", "pe name", "pe_data")
                : String.format("pro expire %-11s %-18s %-18s %s%n", "state", "source", "virtual", "destination"));
    }

    /**
     * One row, {@code %-3s %-6s %-11s %-18s %-18s %s}: expiry as MM:SS (minutes past 59 allowed).
     * Entries without persistence-engine data print the same with {@code --persistent-conn}.
     */
    public static String connection(Connection c) {
        return ConnectionView.row(c.protocol(), c.expiresSeconds(), c.state(), c.ipv6(), c.client(), c.clientPort(),
                c.virtual(), c.virtualPort(), c.destination(), c.destinationPort());
    }

    /**
     * {@code ipvsadm -L --daemon}, as ipvsadm 1.31's print_daemon() writes each daemon the kernel
     * reports (master first): every value is given, so every optional part is printed.
     */
    public static String daemons(List<AdminModel.SyncDaemon> daemons) {
        StringBuilder b = new StringBuilder();
        for (AdminModel.SyncDaemon d : daemons) {
            b.append(d.role()).append(" sync daemon (mcast=").append(d.mcastInterface()).append(", syncid=")
                    .append(d.syncid()).append(", maxlen=").append(d.maxlen()).append(", group=").append(d.group())
                    .append(", port=").append(d.port()).append(", ttl=").append(d.ttl()).append(")\n");
        }
        return b.toString();
    }

    /** {@code ipvsadm -L --timeout}. */
    public static String timeouts(AdminModel.Timeouts t) {
        return "Timeout (tcp tcpfin udp): " + t.tcp() + " " + t.tcpfin() + " " + t.udp() + "\n";
    }
}
