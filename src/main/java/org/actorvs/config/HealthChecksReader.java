package org.actorvs.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import org.actorvs.admin.AddressText;
import org.actorvs.health.HealthCheckSpec;
import org.actorvs.health.HealthPolicy;
import org.actorvs.health.HttpGetChecker;
import org.actorvs.health.HttpGetChecker.StatusRange;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.ServiceKey;

/**
 * The {@code health-checks} key: a list of checks, each naming a configured service and optionally one of
 * its real servers, expanded to one {@link HealthCheckSpec} per checked real server. Keys and defaults are
 * keepalived's (delay_loop, connect_timeout, retry, delay_before_retry, inhibit_on_failure, alpha, url
 * path / status_code / digest) under ActorVS names.
 */
final class HealthChecksReader {
    static final String KEY = "health-checks";
    private static final String SERVICE_TEXT = "a service like \"tcp/10.0.0.1:80\", \"udp/[fd00::1]:53\", "
            + "\"fwmark/1\" or \"fwmark6/1\"";
    private static final String SERVER_TEXT = "a real server like \"10.0.0.2\" or \"10.0.0.2:8080\" or \"[fd00::2]:80\"";

    private HealthChecksReader() {
    }

    static List<HealthCheckSpec> read(Section s, RuleSet services) throws ConfigError {
        List<HealthCheckSpec> out = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (Section c : s.sections(KEY, "service", "destination", "type", "port", "path", "status", "digest",
                "interval", "timeout", "retries", "delay-before-retry", "on-failure", "alpha")) {
            RuleSet.Service service = service(c, services);
            boolean http = c.word("type", null, "tcp", "http").equals("http");
            if (!http) {
                for (String k : List.of("path", "status", "digest")) {
                    if (c.has(k)) {
                        throw c.error(k, "only for type = http");
                    }
                }
            }
            HealthPolicy policy = policy(c, http);
            int port = c.has("port") ? (int) c.integer("port", 1, 65535) : 0;
            for (DestinationSpec d : destinations(c, service)) {
                if (port == 0 && d.port() == 0) {
                    throw c.error("port", "missing: real server " + AddressText.formatWithPort(d.address(), 0)
                            + " has port 0 (every port), so the check needs one");
                }
                int connect = port != 0 ? port : d.port();
                HealthCheckSpec.Check check = http
                        ? new HealthCheckSpec.Http(connect, path(c), status(c), digest(c))
                        : new HealthCheckSpec.Tcp(connect);
                HealthCheckSpec spec = new HealthCheckSpec(service.key(), d.address(), d.port(), check, policy);
                String first = seen.putIfAbsent(spec.server(), c.path());
                if (first != null) {
                    throw c.error(spec.server() + " is checked twice (first at " + first + ")");
                }
                out.add(spec);
            }
        }
        return out;
    }

    private static RuleSet.Service service(Section c, RuleSet services) throws ConfigError {
        String text = c.string("service", SERVICE_TEXT);
        ServiceKey key = serviceKey(text);
        if (key == null) {
            throw c.error("service", "'" + text + "' is not " + SERVICE_TEXT);
        }
        return services.service(key).orElseThrow(() -> c.error("service", "no service " + key + " is configured"));
    }

    /** PROTOCOL/ADDRESS:PORT or fwmark[6]/MARK; null when malformed. */
    static ServiceKey serviceKey(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String kind = text.substring(0, slash).toLowerCase(Locale.ROOT);
        String rest = text.substring(slash + 1);
        if (kind.equals("fwmark") || kind.equals("fwmark6")) {
            if (!rest.matches("[0-9]{1,10}") || Long.parseLong(rest) < 1 || Long.parseLong(rest) > ServiceKey.MAX_FWMARK) {
                return null;
            }
            return ServiceKey.ofFwmark(Long.parseLong(rest), kind.equals("fwmark6"));
        }
        ServiceKey.Protocol protocol = switch (kind) {
            case "tcp" -> ServiceKey.Protocol.TCP;
            case "udp" -> ServiceKey.Protocol.UDP;
            case "sctp" -> ServiceKey.Protocol.SCTP;
            default -> null;
        };
        int colon = rest.lastIndexOf(':');
        if (protocol == null || colon < 0) {
            return null;
        }
        InetAddress address = address(rest.substring(0, colon));
        int port = port(rest.substring(colon + 1));
        return address == null || port < 0 ? null : ServiceKey.of(protocol, address, port);
    }

    /** The real servers the check covers: every one of the service, or those of the named address[:port]. */
    private static List<DestinationSpec> destinations(Section c, RuleSet.Service service) throws ConfigError {
        if (!c.has("destination")) {
            if (service.destinations().isEmpty()) {
                throw c.error("service", service.key() + " has no real servers to check");
            }
            return service.destinations();
        }
        String text = c.string("destination", SERVER_TEXT);
        InetAddress address = address(text);
        int port = -1;
        if (address == null) {
            int colon = text.lastIndexOf(':');
            address = colon < 0 ? null : address(text.substring(0, colon));
            port = colon < 0 ? -1 : port(text.substring(colon + 1));
            if (address == null || port < 0) {
                throw c.error("destination", "'" + text + "' is not " + SERVER_TEXT);
            }
        }
        List<DestinationSpec> out = new ArrayList<>();
        for (DestinationSpec d : service.destinations()) {
            if (d.address().equals(address) && (port < 0 || d.port() == port)) {
                out.add(d);
            }
        }
        if (out.isEmpty()) {
            throw c.error("destination", "'" + text + "' is not a real server of " + service.key());
        }
        return out;
    }

    private static HealthPolicy policy(Section c, boolean http) throws ConfigError {
        HealthPolicy.OnFailure onFailure = c.word("on-failure", "remove", "inhibit", "remove").equals("inhibit")
                ? HealthPolicy.OnFailure.INHIBIT : HealthPolicy.OnFailure.REMOVE;
        Duration min = Duration.ofMillis(10);
        Duration day = Duration.ofDays(1);
        return new HealthPolicy(
                c.duration("interval", min, day, HealthPolicy.DEFAULT_INTERVAL),
                c.duration("timeout", min, Duration.ofHours(1), HealthPolicy.DEFAULT_TIMEOUT),
                (int) c.integer("retries", 0, 1000, HealthPolicy.DEFAULT_RETRIES),
                c.duration("delay-before-retry", min, day, http
                        ? HealthPolicy.DEFAULT_HTTP_DELAY_BEFORE_RETRY : HealthPolicy.DEFAULT_DELAY_BEFORE_RETRY),
                onFailure,
                c.bool("alpha", false));
    }

    private static String path(Section c) throws ConfigError {
        String path = c.optString("path", "an absolute URL path like \"/health\"").orElse("/");
        if (!path.startsWith("/") || path.chars().anyMatch(ch -> ch <= ' ' || ch >= 0x7F)) {
            throw c.error("path", "'" + path + "' is not an absolute URL path like \"/health\" (no blanks, ASCII)");
        }
        return path;
    }

    /** One code, "200-299", or a list of them. */
    private static List<StatusRange> status(Section c) throws ConfigError {
        if (!c.has("status")) {
            return HttpGetChecker.DEFAULT_STATUS;
        }
        ConfigValue v = c.value("status");
        if (v.valueType() != ConfigValueType.LIST) {
            StatusRange r = statusRange(v);
            if (r == null) {
                throw c.error("status", "expected a status code like 200, a range \"200-299\" or a list of them, found "
                        + Section.describe(v));
            }
            return List.of(r);
        }
        ConfigList list = (ConfigList) v;
        List<StatusRange> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            StatusRange r = statusRange(list.get(i));
            if (r == null) {
                throw c.elementError("status", i, "expected a status code like 200 or a range \"200-299\", found "
                        + Section.describe(list.get(i)));
            }
            out.add(r);
        }
        if (out.isEmpty()) {
            throw c.error("status", "empty (expected at least one status code)");
        }
        return out;
    }

    private static StatusRange statusRange(ConfigValue v) {
        String text = String.valueOf(v.unwrapped()).trim();
        if (v.valueType() != ConfigValueType.NUMBER && v.valueType() != ConfigValueType.STRING
                || !text.matches("[1-9][0-9]{2}(-[1-9][0-9]{2})?")) {
            return null;
        }
        int dash = text.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? text : text.substring(0, dash));
        int to = dash < 0 ? from : Integer.parseInt(text.substring(dash + 1));
        return from <= to ? new StatusRange(from, to) : null;
    }

    private static String digest(Section c) throws ConfigError {
        String d = c.optString("digest", "an MD5 digest of 32 hex digits, as genhash prints").orElse(null);
        if (d != null && !d.matches("[0-9a-fA-F]{32}")) {
            throw c.error("digest", "'" + d + "' is not an MD5 digest of 32 hex digits, as genhash prints");
        }
        return d == null ? null : d.toLowerCase(Locale.ROOT);
    }

    /** An address, IPv6 possibly in brackets; null when it is none. */
    private static InetAddress address(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        return t.isEmpty() ? null : AddressText.parse(t);
    }

    private static int port(String text) {
        return text.matches("[0-9]{1,5}") && Integer.parseInt(text) <= 65535 ? Integer.parseInt(text) : -1;
    }
}
