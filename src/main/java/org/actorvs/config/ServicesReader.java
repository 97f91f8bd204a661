package org.actorvs.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.typesafe.config.ConfigValueType;

import org.actorvs.admin.AddressText;
import org.actorvs.admin.FwmarkRuleText;
import org.actorvs.admin.IpvsadmRules;
import org.actorvs.admin.IpvsadmSyntaxException;
import org.actorvs.admin.RulesFileException;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.DestinationSpec.Forward;
import org.actorvs.service.DestinationSpec.TunnelChecksum;
import org.actorvs.service.DestinationSpec.TunnelType;
import org.actorvs.service.FwmarkRule;
import org.actorvs.service.RuleSet;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceSpec;

/**
 * The {@code services} key: either {@code services { rules-file = "x.rules" }}, an
 * {@code ipvsadm-save -n} file read with {@link IpvsadmRules}, or an inline list of services. Both
 * go through {@link RuleSet.Builder}, so the kernel's edit rules (duplicate service, unknown
 * scheduler, family of a non-tunnel real server, ...) apply alike and the same services written
 * either way give equal RuleSets.
 */
final class ServicesReader {
    static final String RULES_FILE = "rules-file";

    private ServicesReader() {
    }

    static RuleSet read(Section s, Path baseDir) throws ConfigError {
        if (!s.has("services")) {
            return RuleSet.EMPTY;
        }
        if (s.value("services").valueType() == ConfigValueType.OBJECT) {
            return rulesFile(s.section("services", RULES_FILE), baseDir);
        }
        if (s.value("services").valueType() != ConfigValueType.LIST) {
            throw s.error("services", "expected a list of services [ { ... } ] or { " + RULES_FILE + " = \"file\" }, found "
                    + Section.describe(s.value("services")));
        }
        RuleSet.Builder rules = RuleSet.builder();
        for (Section svc : s.sections("services", "protocol", "vip", "port", "fwmark", "ipv6", "match-rules",
                "scheduler", "sched-flags", "persistence-timeout", "persistence-netmask", "one-packet", "pe",
                "destinations")) {
            service(svc, rules);
        }
        return rules.build();
    }

    private static RuleSet rulesFile(Section s, Path baseDir) throws ConfigError {
        String name = s.string(RULES_FILE, "the path of an ipvsadm-save -n file, relative to this file's directory");
        Path file = baseDir.resolve(name);
        String at = " (" + s.child(RULES_FILE) + ")";
        try {
            return IpvsadmRules.read(file);
        } catch (NoSuchFileException e) {
            throw s.error(RULES_FILE, "rules file " + file + " not found");
        } catch (IOException e) {
            throw s.error(RULES_FILE, "cannot read rules file " + file + ": " + e);
        } catch (RulesFileException e) {
            throw new ConfigError(file.toString(), e.line(), "`" + e.token() + "'", e.problem() + at);
        }
    }

    private static void service(Section s, RuleSet.Builder rules) throws ConfigError {
        ServiceKey key = key(s);
        String scheduler = s.optString("scheduler", "a scheduler name like wlc").orElse(ServiceSpec.DEFAULT_SCHEDULER);
        if (!RuleSet.SCHEDULERS.contains(scheduler)) {
            throw s.error("scheduler", "unknown scheduler '" + scheduler + "' (expected one of "
                    + String.join(", ", RuleSet.SCHEDULERS.stream().sorted().toList()) + ")");
        }
        int flags = schedFlags(s, scheduler);
        int timeout = (int) s.integer("persistence-timeout", 0, ServiceSpec.MAX_TIMEOUT, 0);
        int netmask = ServiceSpec.defaultNetmask(key);
        if (s.has("persistence-netmask")) {
            if (timeout == 0) {
                throw s.error("persistence-netmask", "needs persistence-timeout (a non-persistent service has no granularity)");
            }
            netmask = key.ipv6() ? (int) s.integer("persistence-netmask", 1, 128) : ipv4Mask(s);
        }
        String pe = s.optString("pe", "a persistence engine name like sip").orElse("");
        if (!pe.isEmpty() && !RuleSet.PERSISTENCE_ENGINES.contains(pe)) {
            throw s.error("pe", "unknown persistence engine '" + pe + "' (expected " + String.join(", ", RuleSet.PERSISTENCE_ENGINES) + ")");
        }
        ServiceSpec spec;
        try {
            spec = new ServiceSpec(key, scheduler, flags, timeout, netmask, s.bool("one-packet", false), pe,
                    matchRules(s, key));
        } catch (IllegalArgumentException e) {
            throw s.error(e.getMessage());
        }
        try {
            rules.addService(spec);
        } catch (RuleSet.EditException e) {
            throw s.error(editProblem(e));
        }
        List<Section> dests = s.sections("destinations", "address", "port", "forward", "weight", "upper-threshold",
                "lower-threshold", "tunnel-type", "tunnel-port", "tunnel-checksum");
        for (Section d : dests) {
            try {
                rules.addDest(key, destination(d, key));
            } catch (RuleSet.EditException e) {
                throw d.error(editProblem(e));
            }
        }
    }

    /**
     * ipvsadm's message for the kernel's errno, with the specific reason; for EINVAL ipvsadm's text
     * is a generic guess ("Possibly wrong module version, ..."), so the reason alone is clearer.
     */
    private static String editProblem(RuleSet.EditException e) {
        return e.errno() == RuleSet.Errno.EINVAL ? e.detail() : e.getMessage() + " (" + e.detail() + ")";
    }

    /** protocol + vip + port, or fwmark [+ ipv6]: ipvsadm's -t/-u/--sctp-service or -f [-6]. */
    private static ServiceKey key(Section s) throws ConfigError {
        if (s.has("fwmark")) {
            for (String k : List.of("protocol", "vip", "port")) {
                if (s.has(k)) {
                    throw s.error(k, "a fwmark service has no " + k + " (its match-rules select its packets)");
                }
            }
            return ServiceKey.ofFwmark(s.integer("fwmark", 1, ServiceKey.MAX_FWMARK), s.bool("ipv6", false));
        }
        if (s.has("ipv6")) {
            throw s.error("ipv6", "only for fwmark services (an address service takes its family from vip)");
        }
        if (!s.has("protocol") && !s.has("vip")) {
            throw s.error("a service needs protocol, vip and port, or fwmark");
        }
        ServiceKey.Protocol protocol = ServiceKey.Protocol.valueOf(
                s.word("protocol", null, "tcp", "udp", "sctp").toUpperCase(Locale.ROOT));
        InetAddress vip = DirectorConfigLoader.address(s, "vip", 0);
        int port = (int) s.integer("port", 0, 65535);
        return ServiceKey.of(protocol, vip, port);
    }

    private static List<FwmarkRule> matchRules(Section s, ServiceKey key) throws ConfigError {
        List<String> texts = s.strings("match-rules", "a match rule like \"match tcp dst 10.0.0.1/32 dport 80,443\"");
        if (!texts.isEmpty() && !key.isFwmark()) {
            throw s.error("match-rules", "only fwmark services have match rules");
        }
        List<FwmarkRule> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            try {
                out.add(FwmarkRuleText.parse(texts.get(i), key.ipv6()));
            } catch (IpvsadmSyntaxException e) {
                throw s.elementError("match-rules", i, e.getMessage());
            } catch (IllegalArgumentException e) {
                throw s.elementError("match-rules", i, e.getMessage());
            }
        }
        return out;
    }

    /** ipvsadm's -b names, checked against the scheduler as parse_sched_flags() does. */
    private static int schedFlags(Section s, String scheduler) throws ConfigError {
        List<String> names = s.strings("sched-flags", "a scheduler flag name");
        int flags = 0;
        for (int i = 0; i < names.size(); i++) {
            String f = names.get(i);
            String only = f.startsWith("sh-") ? "sh" : f.startsWith("mh-") ? "mh" : null;
            flags |= switch (f) {
                case "flag-1", "sh-fallback", "mh-fallback" -> ServiceSpec.SCHED_FLAG_1;
                case "flag-2", "sh-port", "mh-port" -> ServiceSpec.SCHED_FLAG_2;
                case "flag-3" -> ServiceSpec.SCHED_FLAG_3;
                default -> throw s.elementError("sched-flags", i, "unknown scheduler flag '" + f
                        + "' (expected flag-1, flag-2, flag-3, sh-fallback, sh-port, mh-fallback or mh-port)");
            };
            if (only != null && !only.equals(scheduler)) {
                throw s.elementError("sched-flags", i, "'" + f + "' is only for scheduler " + only);
            }
        }
        return flags;
    }

    private static int ipv4Mask(Section s) throws ConfigError {
        String text = s.string("persistence-netmask", "an IPv4 netmask like 255.255.255.0");
        Integer mask = AddressText.parseIpv4Mask(text);
        if (mask == null) {
            throw s.error("persistence-netmask", "'" + text + "' is not an IPv4 netmask like 255.255.255.0");
        }
        return mask;
    }

    private static DestinationSpec destination(Section d, ServiceKey key) throws ConfigError {
        InetAddress address = DirectorConfigLoader.address(d, "address", 0);
        // ipvsadm: a real server without a port takes the service's
        int port = (int) d.integer("port", 0, 65535, key.port());
        Forward forward = switch (d.word("forward", "route", "masq", "route", "tunnel")) {
            case "masq" -> Forward.MASQ;
            case "tunnel" -> Forward.TUNNEL;
            default -> Forward.DROUTE;
        };
        int weight = (int) d.integer("weight", 0, DestinationSpec.MAX_WEIGHT, DestinationSpec.DEFAULT_WEIGHT);
        int upper = (int) d.integer("upper-threshold", 0, Integer.MAX_VALUE, 0);
        int lower = (int) d.integer("lower-threshold", 0, Integer.MAX_VALUE, 0);
        if (lower > upper) {
            // as ip_vs_add_dest(): ERANGE even when the upper threshold is 0 (no limit)
            throw d.error("lower-threshold", lower + " is above upper-threshold " + upper);
        }
        TunnelType type = TunnelType.IPIP;
        int tunPort = 0;
        TunnelChecksum csum = TunnelChecksum.NOCSUM;
        if (forward == Forward.TUNNEL) {
            type = TunnelType.valueOf(d.word("tunnel-type", "ipip", "ipip", "gue", "gre").toUpperCase(Locale.ROOT));
            tunPort = (int) d.integer("tunnel-port", 0, 65535, 0);
            csum = TunnelChecksum.valueOf(
                    d.word("tunnel-checksum", "nocsum", "nocsum", "csum", "remcsum").toUpperCase(Locale.ROOT));
        } else {
            for (String k : List.of("tunnel-type", "tunnel-port", "tunnel-checksum")) {
                if (d.has(k)) {
                    throw d.error(k, "only for forward = tunnel");
                }
            }
        }
        try {
            return new DestinationSpec(address, port, forward, weight, upper, lower, type, tunPort, csum);
        } catch (IllegalArgumentException e) {
            throw d.error(e.getMessage());
        }
    }
}
