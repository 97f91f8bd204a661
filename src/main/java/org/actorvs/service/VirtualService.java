package org.actorvs.service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.actorvs.sched.Flow;
import org.actorvs.sched.Scheduler;
import org.actorvs.sched.Schedulers;

/**
 * The runtime state of one virtual service: its destination list in kernel order (most recently added
 * first), its scheduler, and the add / edit / remove operations with the kernel's semantics
 * (ip_vs_add_dest(), ip_vs_edit_dest(), ip_vs_del_dest() in ip_vs_ctl.c).
 *
 * <p>Configuration changes come from one owner (the service's actor) and are serialised here;
 * {@link #schedule} may be called from any shard thread at any time.
 *
 * <p>A removed destination that connections still refer to goes to the service's trash, as in the
 * kernel: adding the same address and port again brings back that destination with its id and its
 * connection counters (ip_vs_trash_get_dest()).
 */
public final class VirtualService {
    /** IP_VS_SVC_F_PERSISTENT. */
    public static final int SVC_F_PERSISTENT = 0x0001;
    /** IP_VS_SVC_F_ONEPACKET. */
    public static final int SVC_F_ONEPACKET = 0x0004;

    private final DestinationRegistry registry;
    private final int af;
    private final int protocol;
    private final long addrHi;
    private final long addrLo;
    private final int port;
    private final int fwmark;
    private final List<Destination> trash = new ArrayList<>();
    private volatile int flags;
    private volatile Scheduler scheduler;
    private volatile List<Destination> destinations = List.of();
    private volatile int persistentTimeout;
    private volatile int netmask;
    private volatile String persistenceEngine = "";
    private volatile List<FwmarkRule> matchRules = List.of();

    /**
     * @param fwmark    the firewall mark of a fwmark service (address and port then 0), else 0
     * @param scheduler an ipvsadm scheduler name
     * @param flags     the service flags (persistent, one-packet, SCHED1..3)
     * @throws IllegalArgumentException for an unknown scheduler or a family other than 4 or 6
     */
    public VirtualService(final DestinationRegistry registry, final int af, final int protocol,
                          final long addrHi, final long addrLo, final int port, final int fwmark,
                          final String scheduler, final int flags) {
        if (af != 4 && af != 6) {
            throw new IllegalArgumentException("address family must be 4 or 6, not " + af);
        }
        this.registry = registry;
        this.af = af;
        this.protocol = protocol;
        this.addrHi = addrHi;
        this.addrLo = addrLo;
        this.port = port;
        this.fwmark = fwmark;
        this.flags = flags;
        this.scheduler = Schedulers.create(scheduler, flags, destinations);
        this.netmask = af == 6 ? ServiceSpec.DEFAULT_NETMASK_V6 : ServiceSpec.DEFAULT_NETMASK_V4;
    }

    public int af() {
        return af;
    }

    public int protocol() {
        return protocol;
    }

    public long addrHi() {
        return addrHi;
    }

    public long addrLo() {
        return addrLo;
    }

    public int port() {
        return port;
    }

    public int fwmark() {
        return fwmark;
    }

    public int flags() {
        return flags;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Persistent timeout in seconds (svc->timeout), 0 when the service has none. */
    public int persistentTimeout() {
        return persistentTimeout;
    }

    /** Persistence granularity in {@link ServiceSpec#netmask()}'s encoding (IPv4 mask / IPv6 prefix length). */
    public int netmask() {
        return netmask;
    }

    /** The persistence mask's high word, for {@link Schedule#netmaskHi()}. */
    public long netmaskHi() {
        return Schedule.netmaskHi(af, netmask);
    }

    /** The persistence mask's low word, for {@link Schedule#netmaskLo()}. */
    public long netmaskLo() {
        return Schedule.netmaskLo(af, netmask);
    }

    /** The persistence engine's name ({@code --pe}), "" for none. */
    public String persistenceEngine() {
        return persistenceEngine;
    }

    /** For a firewall-mark service, the rules that give packets its mark. */
    public List<FwmarkRule> matchRules() {
        return matchRules;
    }

    /**
     * Sets what ip_vs_add_service() / ip_vs_edit_service() take for persistence: svc->timeout,
     * svc->netmask and svc->pe (the PERSISTENT bit itself is in {@link #flags()}). Templates already
     * made keep the timeout they were made with, as in the kernel.
     *
     * @param netmask in {@link ServiceSpec#netmask()}'s encoding
     * @param engine  persistence engine name, "" for none
     */
    public synchronized void setPersistence(final int timeoutSeconds, final int netmask, final String engine) {
        this.persistentTimeout = timeoutSeconds;
        this.netmask = netmask;
        this.persistenceEngine = engine;
    }

    /** Replaces a firewall-mark service's match rules. */
    public synchronized void setMatchRules(final List<FwmarkRule> rules) {
        this.matchRules = List.copyOf(rules);
    }

    /** The destinations, most recently added first; an immutable snapshot. */
    public List<Destination> destinations() {
        return destinations;
    }

    /** Picks a destination for a new connection; null when none is eligible. */
    public Destination schedule(final Flow flow) {
        return scheduler.schedule(flow);
    }

    /** The destination with this address and port, or null (ip_vs_lookup_dest()). */
    public Destination find(final int destAf, final long destHi, final long destLo, final int destPort) {
        for (final Destination dest : destinations) {
            if (matches(dest, destAf, destHi, destLo, destPort)) {
                return dest;
            }
        }
        return null;
    }

    /**
     * Adds a destination at the head of the list, or takes it back from the trash, then runs the
     * scheduler's update hook (ip_vs_add_dest()).
     *
     * @throws IllegalArgumentException if the destination exists (EEXIST), the settings are invalid, an
     *                                  address family other than the service's is used without tunnelling,
     *                                  or the scheduler cannot take one more destination
     */
    public synchronized Destination addDestination(final int destAf, final long destHi, final long destLo,
                                                   final int destPort, final ForwardingMethod method,
                                                   final int weight, final int upperThreshold,
                                                   final int lowerThreshold) {
        checkFamily(destAf, method);
        Destination.checkSettings(method, weight, upperThreshold, lowerThreshold);
        if (find(destAf, destHi, destLo, destPort) != null) {
            throw new IllegalArgumentException("destination " + Destination.toInetAddress(destAf, destHi, destLo)
                .getHostAddress() + ":" + destPort + " already exists in the service");
        }
        Destination dest = fromTrash(destAf, destHi, destLo, destPort);
        if (dest != null) {
            dest.restore(method, weight, upperThreshold, lowerThreshold);
        } else {
            dest = registry.create(destAf, destHi, destLo, destPort, method, weight, upperThreshold,
                lowerThreshold);
        }
        final List<Destination> next = new ArrayList<>(destinations.size() + 1);
        next.add(dest);
        next.addAll(destinations);
        try {
            scheduler.update(next);
        } catch (final IllegalArgumentException e) {
            discard(dest);
            throw e;
        }
        destinations = Collections.unmodifiableList(next);
        return dest;
    }

    /**
     * Changes a destination's settings in place (its list position stays), then runs the scheduler's
     * update hook (ip_vs_edit_dest()). Clears OVERLOAD when the upper threshold is removed or raised.
     *
     * @throws IllegalArgumentException if the destination is not in this service or a setting is invalid
     */
    public synchronized void editDestination(final Destination dest, final ForwardingMethod method,
                                             final int weight, final int upperThreshold,
                                             final int lowerThreshold) {
        requireMember(dest);
        checkFamily(dest.af(), method);
        Destination.checkSettings(method, weight, upperThreshold, lowerThreshold);
        dest.setWeight(weight);
        dest.setMethod(method);
        dest.setThresholds(upperThreshold, lowerThreshold);
        scheduler.update(destinations);
    }

    /**
     * Unlinks a destination: it stops being AVAILABLE at once, leaves the list, and the scheduler's
     * update hook runs; connections already bound to it carry on (ip_vs_del_dest()).
     *
     * @throws IllegalArgumentException if the destination is not in this service
     */
    public synchronized void removeDestination(final Destination dest) {
        requireMember(dest);
        final List<Destination> next = new ArrayList<>(destinations);
        next.remove(dest);
        destinations = Collections.unmodifiableList(next);
        dest.markUnavailable();
        scheduler.update(next);
        // Only now may the id be freed: no scheduler hands the destination out any more.
        discard(dest);
    }

    /** Removes every destination, as deleting the service does. */
    public synchronized void removeAllDestinations() {
        final List<Destination> old = destinations;
        destinations = List.of();
        old.forEach(Destination::markUnavailable);
        scheduler.update(destinations);
        old.forEach(this::discard);
    }

    /**
     * Edits the service's scheduler and flags (ipvsadm -E). A new scheduler starts from the current
     * destinations as its init_service hook would; the same scheduler is kept, with its state, unless
     * the scheduler flag bits changed.
     *
     * @throws IllegalArgumentException for an unknown scheduler name
     */
    public synchronized void edit(final String schedulerName, final int newFlags) {
        final Scheduler current = scheduler;
        final boolean sameBits = ((newFlags ^ flags) & Schedulers.SCHED_FLAGS_MASK) == 0;
        if (!current.name().equals(schedulerName) || !sameBits) {
            scheduler = Schedulers.create(schedulerName, newFlags, destinations);
        }
        flags = newFlags;
    }

    private void requireMember(final Destination dest) {
        if (!destinations.contains(dest)) {
            throw new IllegalArgumentException("destination " + dest + " is not in this service");
        }
    }

    /**
     * Only tunnelling can reach a destination of the other address family (the check
     * ip_vs_genl_set_cmd() makes before adding or editing).
     */
    private void checkFamily(final int destAf, final ForwardingMethod method) {
        if (destAf != af && method != ForwardingMethod.TUNNEL) {
            throw new IllegalArgumentException("an IPv" + destAf + " destination of an IPv" + af
                + " service needs the TUNNEL forwarding method, not " + method);
        }
    }

    /** Releases the service's hold; a destination connections still use waits in the trash. */
    private void discard(final Destination dest) {
        if (!registry.release(dest)) {
            trash.add(dest);
        }
    }

    private Destination fromTrash(final int destAf, final long destHi, final long destLo, final int destPort) {
        trash.removeIf(Destination::freed);
        for (int i = 0; i < trash.size(); i++) {
            final Destination dest = trash.get(i);
            if (matches(dest, destAf, destHi, destLo, destPort)) {
                trash.remove(i);
                return dest.tryHold() ? dest : null;
            }
        }
        return null;
    }

    private static boolean matches(final Destination dest, final int destAf, final long destHi,
                                   final long destLo, final int destPort) {
        return dest.af() == destAf && dest.addrHi() == destHi && dest.addrLo() == destLo
            && dest.port() == destPort;
    }

    @Override
    public String toString() {
        final String where = fwmark != 0 ? "fwmark " + fwmark
            : Destination.toInetAddress(af, addrHi, addrLo).getHostAddress() + ":" + port;
        return "VirtualService[" + where + " proto " + protocol + " " + scheduler.name() + "]";
    }
}
