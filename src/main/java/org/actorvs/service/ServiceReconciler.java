package org.actorvs.service;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings one live service to a target configuration as a diff, the way a sequence of ipvsadm -E / -a /
 * -e / -d commands would, instead of deleting and re-creating it: a reload must not break connections.
 *
 * <ul>
 * <li>An unchanged destination keeps its {@link Destination} object, so its counters and every connection
 *     entry that refers to its id carry on.</li>
 * <li>Changed weight, method or thresholds are an edit in place (ip_vs_edit_dest()).</li>
 * <li>A new destination is added (ip_vs_add_dest(), which also takes one back from the trash).</li>
 * <li>A destination the target no longer has is <b>drained</b>: weight 0, as an administrator quiesces
 *     a real server before ipvsadm -d — every scheduler then skips it for new connections while its
 *     connections go on, since it stays AVAILABLE. It is removed (ip_vs_del_dest()) once its active plus
 *     inactive connections reach 0 or the drain timeout passes. A zero timeout removes at once, which is
 *     the kernel's own ipvsadm -d.</li>
 * <li>A draining destination the target has again is restored: same object, the target's settings.</li>
 * </ul>
 *
 * <p>Removing the whole service ({@link #retire}) takes it out of lookup at once, as ip_vs_unlink_service()
 * unhashes it, but drains its destinations the same way instead of unlinking them at once: the kernel's
 * __ip_vs_del_service() runs __ip_vs_unlink_dest() on every destination, which clears AVAILABLE, so
 * ip_vs_in() drops every later packet of the service's established connections. A zero drain timeout
 * gives exactly that behaviour.
 *
 * <p>Times are caller-supplied nanoseconds (a monotonic clock), so tests control them. Single owner.
 */
public final class ServiceReconciler {
    private final ServiceState state;
    /** Destinations being drained, with the time their drain gives up waiting. */
    private final Map<Destination, Long> drainDeadlines = new IdentityHashMap<>();
    private boolean retired;

    /** What one operation changed. */
    public record Changes(boolean serviceEdited, int added, int edited, int restored, int draining, int removed) {
        public static final Changes NONE = new Changes(false, 0, 0, 0, 0, 0);

        public boolean any() {
            return serviceEdited || added + edited + restored + draining + removed != 0;
        }

        public Changes plus(final Changes o) {
            return new Changes(serviceEdited || o.serviceEdited, added + o.added, edited + o.edited,
                restored + o.restored, draining + o.draining, removed + o.removed);
        }
    }

    /** One destination as the admin CLI lists it. */
    public record DestinationStatus(InetAddress address, int port, ForwardingMethod method, int weight,
                                    int activeConns, int inactiveConns, int persistentConns, boolean draining) {
    }

    /** A service built from {@code spec} with no destinations yet; {@link #apply} adds them. */
    public ServiceReconciler(final DestinationRegistry registry, final ServiceSpec spec) {
        this.state = new ServiceState(registry, spec);
    }

    public ServiceState state() {
        return state;
    }

    public ServiceKey key() {
        return state.key();
    }

    /** Whether the service was removed ({@link #retire}) and not brought back since. */
    public boolean retired() {
        return retired;
    }

    /** True when the service was removed and its last destination is gone: its owner may stop. */
    public boolean finished() {
        return retired && state.service().destinations().isEmpty();
    }

    public boolean draining(final Destination dest) {
        return drainDeadlines.containsKey(dest);
    }

    /** Whether any destination is draining (its owner should keep calling {@link #expireDrained}). */
    public boolean anyDraining() {
        return !drainDeadlines.isEmpty();
    }

    /**
     * Applies the target configuration as a diff; brings back a retired service.
     *
     * @param drainTimeoutNanos how long a dropped destination may wait for its connections to end
     * @throws IllegalArgumentException if the target is another service, or a setting the live service
     *                                  refuses (a scheduler that cannot take one more destination)
     */
    public Changes apply(final RuleSet.Service target, final long nowNanos, final long drainTimeoutNanos) {
        if (!target.key().equals(state.key())) {
            throw new IllegalArgumentException("target " + target.key() + " given to service " + state.key());
        }
        final boolean revived = retired;
        retired = false;
        final boolean serviceEdited = state.edit(target.spec()) || revived;
        final VirtualService service = state.service();
        int added = 0;
        int edited = 0;
        int restored = 0;
        final List<Destination> kept = new ArrayList<>();
        // Oldest first, so that new destinations end up in the target's list order (newest at the head).
        final List<DestinationSpec> wanted = target.destinations();
        for (int i = wanted.size() - 1; i >= 0; i--) {
            final DestinationSpec spec = wanted.get(i);
            final ForwardingMethod method = method(spec.forward());
            final Destination live = service.find(spec.af(), spec.addressHi(), spec.addressLo(), spec.port());
            if (live == null) {
                kept.add(service.addDestination(spec.af(), spec.addressHi(), spec.addressLo(), spec.port(), method,
                    spec.weight(), spec.upperThreshold(), spec.lowerThreshold()));
                added++;
                continue;
            }
            kept.add(live);
            if (drainDeadlines.remove(live) != null) {
                service.editDestination(live, method, spec.weight(), spec.upperThreshold(), spec.lowerThreshold());
                restored++;
            } else if (!sameSettings(live, spec, method)) {
                service.editDestination(live, method, spec.weight(), spec.upperThreshold(), spec.lowerThreshold());
                edited++;
            }
        }
        final Changes dropped = drainAllBut(kept, nowNanos, drainTimeoutNanos);
        return new Changes(serviceEdited, added, edited, restored, 0, 0).plus(dropped);
    }

    /**
     * Removes the service: the caller takes it out of lookup at once (it publishes no schedule any more)
     * while every destination drains as a dropped one does.
     */
    public Changes retire(final long nowNanos, final long drainTimeoutNanos) {
        retired = true;
        return drainAllBut(List.of(), nowNanos, drainTimeoutNanos);
    }

    /**
     * Removes every draining destination whose connections ended or whose drain timed out (ip_vs_del_dest():
     * it leaves the list, loses AVAILABLE, and connections still bound keep it in the trash).
     */
    public Changes expireDrained(final long nowNanos) {
        int removed = 0;
        for (final Destination dest : List.copyOf(drainDeadlines.keySet())) {
            if (idle(dest) || nowNanos - drainDeadlines.get(dest) >= 0) {
                drainDeadlines.remove(dest);
                state.service().removeDestination(dest);
                removed++;
            }
        }
        return new Changes(false, 0, 0, 0, 0, removed);
    }

    /**
     * Removes every destination at once, draining or not (ip_vs_del_service(): connections of the service
     * then drop their packets, as the kernel's do).
     */
    public void removeAll() {
        retired = true;
        drainDeadlines.clear();
        state.service().removeAllDestinations();
    }

    /** Every destination in list order with its weight, counters and drain flag. */
    public List<DestinationStatus> status() {
        final List<Destination> dests = state.service().destinations();
        final List<DestinationStatus> out = new ArrayList<>(dests.size());
        for (final Destination d : dests) {
            out.add(new DestinationStatus(d.address(), d.port(), d.method(), d.weight(), d.activeConns(),
                d.inactiveConns(), d.persistentConns(), draining(d)));
        }
        return out;
    }

    /** Starts draining every live destination not in {@code kept}; idle ones go at once. */
    private Changes drainAllBut(final List<Destination> kept, final long nowNanos, final long drainTimeoutNanos) {
        final VirtualService service = state.service();
        int draining = 0;
        int removed = 0;
        for (final Destination dest : service.destinations()) {
            if (kept.contains(dest) || draining(dest)) {
                continue;
            }
            if (drainTimeoutNanos <= 0 || idle(dest)) {
                service.removeDestination(dest);
                removed++;
            } else {
                // Quiescent as the kernel's weight 0: schedulers skip it, its connections carry on.
                service.editDestination(dest, dest.method(), 0, dest.upperThreshold(), dest.lowerThreshold());
                drainDeadlines.put(dest, nowNanos + drainTimeoutNanos);
                draining++;
            }
        }
        return new Changes(false, 0, 0, 0, draining, removed);
    }

    /** No connection is bound any more; templates alone do not hold a drain (they follow AVAILABLE). */
    private static boolean idle(final Destination dest) {
        return dest.activeConns() + dest.inactiveConns() == 0;
    }

    private static boolean sameSettings(final Destination live, final DestinationSpec spec,
                                        final ForwardingMethod method) {
        return live.method() == method && live.weight() == spec.weight()
            && live.upperThreshold() == spec.upperThreshold() && live.lowerThreshold() == spec.lowerThreshold();
    }

    /** The runtime method of a configured one (both follow IP_VS_CONN_F_FWD_MASK's values). */
    static ForwardingMethod method(final DestinationSpec.Forward forward) {
        return switch (forward) {
            case MASQ -> ForwardingMethod.MASQ;
            case LOCALNODE -> ForwardingMethod.LOCALNODE;
            case TUNNEL -> ForwardingMethod.TUNNEL;
            case DROUTE -> ForwardingMethod.DROUTE;
        };
    }
}
