package org.actorvs.service;

/**
 * A live {@link VirtualService} together with the {@link ServiceSpec} it currently carries, so that the
 * settings the packet path needs but the live service does not hold (persistence timeout and granularity,
 * persistence engine) travel with it into every published {@link Schedule}.
 *
 * <p>Single owner (the service's actor); {@link #snapshot} may be published to any thread.
 */
public final class ServiceState {
    private final VirtualService service;
    private ServiceSpec spec;

    /**
     * A service with the spec's scheduler and flags and no destinations yet (ip_vs_add_service()).
     *
     * @throws IllegalArgumentException for a scheduler the project does not have
     */
    public ServiceState(final DestinationRegistry registry, final ServiceSpec spec) {
        final ServiceKey key = spec.key();
        this.spec = spec;
        this.service = new VirtualService(registry, key.af(), protocol(key), key.addressHi(), key.addressLo(),
            key.port(), (int) key.fwmark(), spec.scheduler(), flags(spec));
    }

    public ServiceKey key() {
        return spec.key();
    }

    public ServiceSpec spec() {
        return spec;
    }

    public VirtualService service() {
        return service;
    }

    /**
     * Takes the service-level settings of {@code next} (ipvsadm -E): a changed scheduler or changed
     * scheduler flags bind a new scheduler, as ip_vs_edit_service() does; everything else is read from the
     * spec by the next {@link #snapshot}.
     *
     * @return whether anything changed
     * @throws IllegalArgumentException if {@code next} is for another service
     */
    public boolean edit(final ServiceSpec next) {
        if (!next.key().equals(spec.key())) {
            throw new IllegalArgumentException("spec for " + next.key() + " given to service " + spec.key());
        }
        if (next.equals(spec)) {
            return false;
        }
        service.edit(next.scheduler(), flags(next));
        spec = next;
        return true;
    }

    /** The immutable picture of the service as it is now, for the packet shards. */
    public Schedule snapshot() {
        final ServiceKey key = spec.key();
        return new Schedule(key.af(), protocol(key), key.addressHi(), key.addressLo(), key.port(),
            (int) key.fwmark(), service.flags(), spec.persistTimeout(), Schedule.netmaskHi(key.af(), spec.netmask()),
            Schedule.netmaskLo(key.af(), spec.netmask()),
            spec.persistenceEngine().isEmpty() ? null : spec.persistenceEngine(), service.scheduler(),
            service.destinations(), spec.matchRules());
    }

    /** The kernel's IP_VS_SVC_F_* word of a spec: persistent, one-packet and the scheduler bits. */
    static int flags(final ServiceSpec spec) {
        return (spec.persistent() ? VirtualService.SVC_F_PERSISTENT : 0)
            | (spec.onePacket() ? VirtualService.SVC_F_ONEPACKET : 0)
            | spec.schedFlags();
    }

    private static int protocol(final ServiceKey key) {
        return key.isFwmark() ? 0 : key.protocol().ipProtocol();
    }

    @Override
    public String toString() {
        return "ServiceState[" + spec.key() + " " + service.destinations().size() + " dests]";
    }
}
