package org.actorvs.admin;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.actorvs.service.FwmarkRule;
import org.actorvs.service.ServiceKey.Protocol;

/**
 * Text form of a {@link FwmarkRule}:
 * <pre>
 *   match PROTOS [dst ADDR[/LEN]] [dport PORTS] [src ADDR[/LEN]]
 *   PROTOS = tcp|udp|sctp[,...]     PORTS = PORT[-PORT][,...]
 * </pre>
 * e.g. {@code match tcp dst 10.0.0.1/32 dport 80,443}. Clauses may come in any order, each once;
 * a missing {@code dst} or {@code src} means any address of the service's family, a missing
 * {@code dport} any port, a missing {@code /LEN} a single host. Printing is canonical: protocols in
 * tcp, udp, sctp order, {@code dst} always, {@code src} only when it narrows, a single port without
 * a range.
 */
public final class FwmarkRuleText {

    private FwmarkRuleText() {
    }

    public static String format(FwmarkRule rule) {
        StringBuilder sb = new StringBuilder("match ");
        String sep = "";
        for (Protocol p : Protocol.values()) {
            if (rule.protocols().contains(p)) {
                sb.append(sep).append(p.name().toLowerCase(Locale.ROOT));
                sep = ",";
            }
        }
        sb.append(" dst ").append(AddressText.format(rule.destination())).append('/').append(rule.destinationPrefix());
        if (!rule.destinationPorts().isEmpty()) {
            sb.append(" dport ");
            sep = "";
            for (FwmarkRule.PortRange r : rule.destinationPorts()) {
                sb.append(sep).append(r.from());
                if (r.to() != r.from()) {
                    sb.append('-').append(r.to());
                }
                sep = ",";
            }
        }
        if (rule.sourcePrefix() != 0) {
            sb.append(" src ").append(AddressText.format(rule.source())).append('/').append(rule.sourcePrefix());
        }
        return sb.toString();
    }

    /** Parses the text form for a service of the given family. */
    public static FwmarkRule parse(String text, boolean ipv6) throws IpvsadmSyntaxException {
        return parse(List.of(text.trim().split("\\s+")), ipv6);
    }

    /** Parses the text form already split into words. */
    public static FwmarkRule parse(List<String> words, boolean ipv6) throws IpvsadmSyntaxException {
        if (words.isEmpty() || !words.get(0).equals("match")) {
            throw new IpvsadmSyntaxException(words.isEmpty() ? "" : words.get(0), "not a match rule", "`match'");
        }
        if (words.size() < 2) {
            throw new IpvsadmSyntaxException("match", "missing protocols", "tcp, udp or sctp, comma-separated");
        }
        Set<Protocol> protocols = protocols(words.get(1));
        Prefix dst = null;
        Prefix src = null;
        List<FwmarkRule.PortRange> ports = null;
        for (int i = 2; i < words.size(); i += 2) {
            String clause = words.get(i);
            if (i + 1 >= words.size()) {
                throw new IpvsadmSyntaxException(clause, "missing value", valueOf(clause));
            }
            String value = words.get(i + 1);
            String token = clause + " " + value;
            switch (clause) {
                case "dst" -> dst = once(dst, token, prefix(token, value, ipv6));
                case "src" -> src = once(src, token, prefix(token, value, ipv6));
                case "dport" -> ports = once(ports, token, ports(token, value));
                default -> throw new IpvsadmSyntaxException(clause, "unknown match clause", "dst, dport or src");
            }
        }
        Prefix any = new Prefix(ipv6 ? AddressText.parseIpv6("::") : AddressText.parseIpv4("0.0.0.0"), 0);
        dst = dst == null ? any : dst;
        src = src == null ? any : src;
        return new FwmarkRule(protocols, dst.address, dst.length, ports == null ? List.of() : ports,
                src.address, src.length);
    }

    private record Prefix(InetAddress address, int length) {
    }

    private static <T> T once(T previous, String token, T value) throws IpvsadmSyntaxException {
        if (previous != null) {
            throw new IpvsadmSyntaxException(token, "clause given twice", "each of dst, dport, src at most once");
        }
        return value;
    }

    private static String valueOf(String clause) {
        return switch (clause) {
            case "dst", "src" -> "an address or address/prefix";
            case "dport" -> "ports or port ranges like 80,443,8000-8080";
            default -> "dst, dport or src";
        };
    }

    private static Set<Protocol> protocols(String list) throws IpvsadmSyntaxException {
        Set<Protocol> set = EnumSet.noneOf(Protocol.class);
        for (String p : list.split(",", -1)) {
            switch (p) {
                case "tcp" -> set.add(Protocol.TCP);
                case "udp" -> set.add(Protocol.UDP);
                case "sctp" -> set.add(Protocol.SCTP);
                default -> throw new IpvsadmSyntaxException(list, "unknown protocol `" + p + "'",
                        "tcp, udp or sctp, comma-separated");
            }
        }
        return set;
    }

    private static Prefix prefix(String token, String value, boolean ipv6) throws IpvsadmSyntaxException {
        int slash = value.indexOf('/');
        String addr = slash < 0 ? value : value.substring(0, slash);
        InetAddress a = ipv6 ? AddressText.parseIpv6(addr) : AddressText.parseIpv4(addr);
        int max = ipv6 ? 128 : 32;
        String expected = ipv6 ? "an IPv6 address[/0..128]" : "an IPv4 address[/0..32]";
        if (a == null) {
            throw new IpvsadmSyntaxException(token, "bad address for this service's family", expected);
        }
        int len = slash < 0 ? max : Numbers.parse(value.substring(slash + 1), 0, max);
        if (len < 0) {
            throw new IpvsadmSyntaxException(token, "bad prefix length", expected);
        }
        return new Prefix(a, len);
    }

    private static List<FwmarkRule.PortRange> ports(String token, String value) throws IpvsadmSyntaxException {
        List<FwmarkRule.PortRange> out = new ArrayList<>();
        for (String r : value.split(",", -1)) {
            int dash = r.indexOf('-');
            int from = Numbers.parse(dash < 0 ? r : r.substring(0, dash), 0, 65535);
            int to = dash < 0 ? from : Numbers.parse(r.substring(dash + 1), 0, 65535);
            if (from < 0 || to < from) {
                throw new IpvsadmSyntaxException(token, "bad port range `" + r + "'",
                        "ports 0..65535 or ranges LOW-HIGH, comma-separated");
            }
            out.add(new FwmarkRule.PortRange(from, to));
        }
        return out;
    }
}
