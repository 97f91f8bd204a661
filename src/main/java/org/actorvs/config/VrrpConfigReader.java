package org.actorvs.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.actorvs.config.DirectorConfig.Interface;
import org.actorvs.config.DirectorConfig.OwnedAddress;
import org.actorvs.ha.VrrpConfig;
import org.actorvs.ha.VrrpFlyweight;

/**
 * Reads the optional {@code actorvs.vrrp} section (see conf/actorvs.conf): keepalived's
 * vrrp_instance keywords under ActorVS's names, checked as keepalived checks them.
 */
final class VrrpConfigReader {
    static final String KEY = "vrrp";
    /** keepalived's limit on preempt_delay (vrrp_parser.c: 0..1000 seconds). */
    static final Duration MAX_PREEMPT_DELAY = Duration.ofSeconds(1000);
    private static final long CENTI_NANOS = 10_000_000L;

    private VrrpConfigReader() {
    }

    static Optional<VrrpSettings> read(Section parent, Map<String, Interface> byName, List<OwnedAddress> owned)
            throws ConfigError {
        if (!parent.has(KEY)) {
            return Optional.empty();
        }
        Section s = parent.section(KEY, "interface", "virtual-router-id", "priority", "advert-interval", "version",
                "preempt", "preempt-delay", "authentication", "virtual-addresses", "excluded-addresses", "sync-daemons");
        String itf = DirectorConfigLoader.knownInterface(s, "interface", byName);
        Optional<DirectorConfig.IpPrefix> primary = byName.get(itf).ipv4();
        if (primary.isEmpty()) {
            throw s.error("interface", itf + " has no IPv4 address: the adverts are sent from it");
        }
        int vrid = (int) s.integer("virtual-router-id", 1, 255);
        int priority = (int) s.integer("priority", 1, VrrpFlyweight.PRIORITY_OWNER, VrrpConfig.DEFAULT_PRIORITY);
        int version = (int) s.integer("version", VrrpFlyweight.VERSION_2, VrrpFlyweight.VERSION_3,
                VrrpFlyweight.VERSION_2);
        int centis = interval(s, version);
        boolean preempt = s.bool("preempt", true);
        Duration delay = s.duration("preempt-delay", Duration.ZERO, MAX_PREEMPT_DELAY, Duration.ZERO);
        if (!preempt && !delay.isZero()) {
            throw s.error("preempt-delay", "has no effect with preempt = off");
        }
        Optional<String> password = password(s, version);
        List<OwnedAddress> moving = addresses(s, byName, owned);
        List<OwnedAddress> excluded = excluded(s, byName, owned, moving);
        int[] vips = new int[moving.size()];
        for (int i = 0; i < vips.length; i++) {
            vips[i] = (int) new DirectorConfig.IpPrefix(moving.get(i).address(), 32).lo();
        }
        boolean both = s.word("sync-daemons", "exclusive", "exclusive", "both").equals("both");
        VrrpConfig router = new VrrpConfig(version, vrid, priority, centis, preempt, delay.toNanos(),
                VrrpFlyweight.AUTH_NONE, null, vips, (int) primary.get().lo());
        if (password.isPresent()) {
            router = router.withPassword(password.get());
        }
        return Optional.of(new VrrpSettings(itf, router, moving, excluded, both));
    }

    /** advert_int: whole seconds in VRRPv2's 8-bit field, centiseconds in v3's 12-bit one. */
    private static int interval(Section s, int version) throws ConfigError {
        boolean v2 = version == VrrpFlyweight.VERSION_2;
        Duration min = v2 ? Duration.ofSeconds(1) : Duration.ofMillis(10);
        Duration max = v2 ? Duration.ofSeconds(255) : Duration.ofMillis(VrrpConfig.MAX_V3_INTERVAL_CENTIS * 10L);
        Duration d = s.duration("advert-interval", min, max, Duration.ofSeconds(1));
        long unit = v2 ? 100 * CENTI_NANOS : CENTI_NANOS;
        if (d.toNanos() % unit != 0) {
            throw s.error("advert-interval", d.toMillis() + " ms is not a multiple of " + (v2
                    ? "1 s (VRRPv2 adverts carry whole seconds; version = 3 allows centiseconds)" : "10 ms"));
        }
        return (int) (d.toNanos() / CENTI_NANOS);
    }

    /** keepalived's "authentication { auth_type PASS; auth_pass ... }": RFC 3768 only, 8 characters at most. */
    private static Optional<String> password(Section s, int version) throws ConfigError {
        if (!s.has("authentication")) {
            return Optional.empty();
        }
        if (version != VrrpFlyweight.VERSION_2) {
            throw s.error("authentication", "VRRPv3 has no authentication (RFC 5798 removed it); use version = 2");
        }
        Section a = s.section("authentication", "password");
        String p = a.string("password", "a password of 1..8 ASCII characters");
        if (p.length() > VrrpFlyweight.AUTH_DATA_LENGTH || !p.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw a.error("password", "expected 1..8 printable ASCII characters (keepalived's auth_pass)");
        }
        return Optional.of(p);
    }

    private static List<OwnedAddress> addresses(Section s, Map<String, Interface> byName, List<OwnedAddress> owned)
            throws ConfigError {
        List<OwnedAddress> out = moving(s, "virtual-addresses", 4, byName, owned, List.of());
        if (out.isEmpty() || out.size() > 255) {
            throw s.error("virtual-addresses", "expected 1..255 IPv4 addresses { address, dev }, the addresses the"
                    + " master holds (one advert lists them all)");
        }
        return out;
    }

    /**
     * keepalived's virtual_ipaddress_excluded: addresses that move with mastership like the
     * virtual addresses but are not listed in the advert — the way to move IPv6 addresses (an
     * IPv6 VIP, an IPv6 gateway for the real servers) with an IPv4 virtual router, announced with
     * unsolicited neighbour advertisements. Optional.
     */
    private static List<OwnedAddress> excluded(Section s, Map<String, Interface> byName, List<OwnedAddress> owned,
            List<OwnedAddress> advertised) throws ConfigError {
        return s.has("excluded-addresses") ? moving(s, "excluded-addresses", 0, byName, owned, advertised) : List.of();
    }

    /** The list {@code key} of { address, dev } of family {@code af} (0: either), none twice, none always owned. */
    private static List<OwnedAddress> moving(Section s, String key, int af, Map<String, Interface> byName,
            List<OwnedAddress> owned, List<OwnedAddress> others) throws ConfigError {
        List<OwnedAddress> out = new ArrayList<>();
        for (Section v : s.sections(key, "address", "dev")) {
            InetAddress a = DirectorConfigLoader.address(v, "address", af);
            String dev = DirectorConfigLoader.knownInterface(v, "dev", byName);
            if (out.stream().anyMatch(o -> o.address().equals(a)) || others.stream().anyMatch(o -> o.address().equals(a))) {
                throw v.error("address", a.getHostAddress() + " is given twice");
            }
            if (owned.stream().anyMatch(o -> o.address().equals(a))) {
                throw v.error("address", a.getHostAddress() + " is also in owned-addresses: an address either"
                        + " moves with mastership or is always owned");
            }
            out.add(new OwnedAddress(a, dev));
        }
        return out;
    }
}
