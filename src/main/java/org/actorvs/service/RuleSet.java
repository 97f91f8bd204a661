package org.actorvs.service;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable IPVS rule table: virtual services in the order they were added, each with its
 * destinations in the kernel's list order — <b>most recently added first</b>, because
 * ip_vs_new_dest() links a new dest at the head of svc->destinations and the schedulers (rr, wrr,
 * sh, mh, ...) walk that list. Editing a destination keeps its place; deleting and re-adding it moves
 * it to the head.
 *
 * <p>Every edit returns a new RuleSet or throws {@link EditException} carrying the errno the kernel
 * would return and ipvsadm's message for it (libipvs ipvs_strerror()). Bulk edits (reading a rules
 * file) go through a {@link Builder}, which has the same methods and semantics without copying the
 * table per edit.
 */
public final class RuleSet {

    /** Schedulers an unmodified kernel provides; any other name fails as a missing module does. */
    public static final Set<String> SCHEDULERS =
            Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos");
    /** Persistence engines an unmodified kernel provides. */
    public static final Set<String> PERSISTENCE_ENGINES = Set.of("sip");

    public static final RuleSet EMPTY = new RuleSet(List.of());

    private final List<Service> services;
    private final Map<ServiceKey, Service> byKey;

    /** One virtual service with its destinations, most recently added first. */
    public record Service(ServiceSpec spec, List<DestinationSpec> destinations) {
        public Service {
            Objects.requireNonNull(spec, "spec");
            destinations = List.copyOf(destinations);
        }

        public ServiceKey key() {
            return spec.key();
        }

        public Optional<DestinationSpec> destination(InetAddress address, int port) {
            return destinations.stream().filter(d -> d.port() == port && d.address().equals(address)).findFirst();
        }
    }

    /** The errno values the kernel's control path returns for rule edits. */
    public enum Errno { EEXIST, ESRCH, ENOENT, EINVAL }

    /** What an edit error is about, so that a caller can point at the right argument. */
    public enum Subject { SERVICE, DESTINATION, MATCH_RULE }

    /** A rejected edit: the kernel's errno, ipvsadm's message for it and the specific reason. */
    public static final class EditException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Errno errno;
        private final Subject subject;
        private final String detail;

        EditException(Errno errno, Subject subject, String message, String detail) {
            super(message);
            this.errno = errno;
            this.subject = subject;
            this.detail = detail;
        }

        public Errno errno() {
            return errno;
        }

        public Subject subject() {
            return subject;
        }

        /** The specific reason behind ipvsadm's generic message. */
        public String detail() {
            return detail;
        }
    }

    private RuleSet(List<Service> services) {
        this.services = List.copyOf(services);
        Map<ServiceKey, Service> index = new LinkedHashMap<>();
        for (Service s : this.services) {
            index.put(s.key(), s);
        }
        this.byKey = Collections.unmodifiableMap(index);
    }

    /** Services in the order they were added. */
    public List<Service> services() {
        return services;
    }

    public Optional<Service> service(ServiceKey key) {
        return Optional.ofNullable(byKey.get(key));
    }

    public boolean isEmpty() {
        return services.isEmpty();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        for (Service s : services) {
            Builder.Entry e = new Builder.Entry(s.spec());
            // the builder keeps insertion order, oldest first; the list is newest first
            for (int i = s.destinations().size() - 1; i >= 0; i--) {
                DestinationSpec d = s.destinations().get(i);
                e.dests.put(new DestKey(d.address(), d.port()), d);
            }
            b.services.put(s.key(), e);
        }
        return b;
    }

    /** ipvsadm -A. */
    public RuleSet addService(ServiceSpec spec) throws EditException {
        return toBuilder().addService(spec).build();
    }

    /** ipvsadm -E: replaces every attribute of the service, including its match rules; keeps its destinations. */
    public RuleSet editService(ServiceSpec spec) throws EditException {
        return toBuilder().editService(spec).build();
    }

    /** ipvsadm -D. */
    public RuleSet deleteService(ServiceKey key) throws EditException {
        return toBuilder().deleteService(key).build();
    }

    /** ipvsadm -C. */
    public RuleSet clear() {
        return EMPTY;
    }

    /** ipvsadm -a. */
    public RuleSet addDest(ServiceKey key, DestinationSpec dest) throws EditException {
        return toBuilder().addDest(key, dest).build();
    }

    /** ipvsadm -e: replaces every attribute of the destination named by its address and port. */
    public RuleSet editDest(ServiceKey key, DestinationSpec dest) throws EditException {
        return toBuilder().editDest(key, dest).build();
    }

    /** ipvsadm -d. */
    public RuleSet deleteDest(ServiceKey key, InetAddress address, int port) throws EditException {
        return toBuilder().deleteDest(key, address, port).build();
    }

    /** Appends a match rule to a firewall-mark service (ActorVS's replacement for the netfilter mark). */
    public RuleSet addMatchRule(ServiceKey key, FwmarkRule rule) throws EditException {
        return toBuilder().addMatchRule(key, rule).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RuleSet r && services.equals(r.services);
    }

    @Override
    public int hashCode() {
        return services.hashCode();
    }

    @Override
    public String toString() {
        return "RuleSet" + services;
    }

    private record DestKey(InetAddress address, int port) {
    }

    /** Mutable counterpart with the same edit semantics, for applying many edits in a row. */
    public static final class Builder {
        private static final String INVALID =
                "Invalid operation.  Possibly wrong module version, address not unicast, ...";

        private final LinkedHashMap<ServiceKey, Entry> services = new LinkedHashMap<>();

        private static final class Entry {
            ServiceSpec spec;
            final LinkedHashMap<DestKey, DestinationSpec> dests = new LinkedHashMap<>();

            Entry(ServiceSpec spec) {
                this.spec = spec;
            }
        }

        private Builder() {
        }

        public RuleSet build() {
            List<Service> out = new ArrayList<>(services.size());
            for (Entry e : services.values()) {
                List<DestinationSpec> dests = new ArrayList<>(e.dests.values());
                Collections.reverse(dests);
                out.add(new Service(e.spec, dests));
            }
            return new RuleSet(out);
        }

        /** The current configuration of a service, if it exists. */
        public Optional<ServiceSpec> spec(ServiceKey key) {
            Entry e = services.get(key);
            return e == null ? Optional.empty() : Optional.of(e.spec);
        }

        public Builder addService(ServiceSpec spec) throws EditException {
            // ip_vs_genl_set_cmd() answers EEXIST before ip_vs_add_service() looks up modules
            if (services.containsKey(spec.key())) {
                throw new EditException(Errno.EEXIST, Subject.SERVICE, "Service already exists", spec.key().toString());
            }
            checkModules(spec);
            services.put(spec.key(), new Entry(spec));
            return this;
        }

        public Builder editService(ServiceSpec spec) throws EditException {
            Entry e = existing(spec.key(), "No such service");
            checkModules(spec);
            e.spec = spec;
            return this;
        }

        public Builder deleteService(ServiceKey key) throws EditException {
            existing(key, "No such service");
            services.remove(key);
            return this;
        }

        public Builder clear() {
            services.clear();
            return this;
        }

        public Builder addDest(ServiceKey key, DestinationSpec dest) throws EditException {
            Entry e = existing(key, "Service not defined");
            checkFamily(key, dest);
            DestKey dk = new DestKey(dest.address(), dest.port());
            if (e.dests.containsKey(dk)) {
                throw new EditException(Errno.EEXIST, Subject.DESTINATION, "Destination already exists",
                        dest.address().getHostAddress() + " port " + dest.port());
            }
            String notUnicast = notUnicast(dest.address());
            if (notUnicast != null) {
                // ip_vs_new_dest(): only unicast (or local) real servers
                throw new EditException(Errno.EINVAL, Subject.DESTINATION, INVALID, notUnicast);
            }
            e.dests.put(dk, dest);
            return this;
        }

        public Builder editDest(ServiceKey key, DestinationSpec dest) throws EditException {
            Entry e = existing(key, "Service not defined");
            checkFamily(key, dest);
            DestKey dk = existingDest(e, dest.address(), dest.port());
            e.dests.put(dk, dest);
            return this;
        }

        public Builder deleteDest(ServiceKey key, InetAddress address, int port) throws EditException {
            Entry e = existing(key, "Service not defined");
            e.dests.remove(existingDest(e, address, port));
            return this;
        }

        public Builder addMatchRule(ServiceKey key, FwmarkRule rule) throws EditException {
            Entry e = existing(key, "Service not defined");
            if (!key.isFwmark() || rule.af() != key.af()) {
                throw new EditException(Errno.EINVAL, Subject.MATCH_RULE, INVALID,
                        "a match rule needs a firewall-mark service of the same address family");
            }
            e.spec = e.spec.withMatchRule(rule);
            return this;
        }

        private Entry existing(ServiceKey key, String missing) throws EditException {
            Entry e = services.get(key);
            if (e == null) {
                throw new EditException(Errno.ESRCH, Subject.SERVICE, missing, key.toString());
            }
            return e;
        }

        private static DestKey existingDest(Entry e, InetAddress address, int port) throws EditException {
            DestKey dk = new DestKey(address, port);
            if (!e.dests.containsKey(dk)) {
                throw new EditException(Errno.ENOENT, Subject.DESTINATION, "No such destination",
                        address.getHostAddress() + " port " + port);
            }
            return dk;
        }

        private static void checkModules(ServiceSpec spec) throws EditException {
            boolean pe = spec.persistenceEngine().isEmpty() || PERSISTENCE_ENGINES.contains(spec.persistenceEngine());
            if (!SCHEDULERS.contains(spec.scheduler()) || !pe) {
                throw new EditException(Errno.ENOENT, Subject.SERVICE, "Scheduler or persistence engine not found",
                        "scheduler " + spec.scheduler()
                                + (spec.persistenceEngine().isEmpty() ? "" : ", engine " + spec.persistenceEngine()));
            }
        }

        /** As ip_vs_genl_set_cmd(): a destination of another family is only reachable through a tunnel. */
        private static void checkFamily(ServiceKey key, DestinationSpec dest) throws EditException {
            if (dest.af() != key.af() && dest.forward() != DestinationSpec.Forward.TUNNEL) {
                throw new EditException(Errno.EINVAL, Subject.DESTINATION, INVALID,
                        "Different address family is allowed only for tunneling servers");
            }
        }

        /**
         * The address classes ip_vs_new_dest() refuses: inet_addr_type() gives zeronet, limited
         * broadcast and multicast no RTN_UNICAST; ipv6_addr_type() gives ::, multicast, link-local
         * and IPv4-mapped no unicast scope. (The kernel lets a link-local address through when it is
         * local to the director; a rule table cannot know that, so it is refused.)
         */
        private static String notUnicast(InetAddress a) {
            byte[] b = a.getAddress();
            int b0 = b[0] & 0xFF;
            if (a instanceof Inet4Address) {
                boolean bcast = (b[0] & b[1] & b[2] & b[3]) == (byte) 0xFF;
                return b0 == 0 || b0 >= 224 && b0 <= 239 || bcast ? a.getHostAddress() + " is not a unicast address" : null;
            }
            boolean unspecified = isZero(b, 0, 16);
            boolean linkLocal = b0 == 0xFE && (b[1] & 0xC0) == 0x80;
            boolean mapped = b[10] == (byte) 0xFF && b[11] == (byte) 0xFF && isZero(b, 0, 10);
            return unspecified || b0 == 0xFF || linkLocal || mapped ? a.getHostAddress() + " is not a unicast address" : null;
        }

        private static boolean isZero(byte[] b, int from, int to) {
            for (int i = from; i < to; i++) {
                if (b[i] != 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
