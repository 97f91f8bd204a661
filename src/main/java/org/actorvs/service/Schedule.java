package org.actorvs.service;

import java.util.List;

import org.actorvs.sched.Scheduler;

/**
 * The immutable picture of one virtual service that its SchedulerActor publishes to every packet
 * shard: what the packet path needs to match a packet to the service and to schedule a new
 * connection. A change of the service (destinations, weights, scheduler) publishes a new Schedule;
 * shards never see a half-made one.
 *
 * <p>Flags are the kernel's IP_VS_SVC_F_* values (uapi ip_vs.h).
 */
public final class Schedule {
    public static final int SVC_F_PERSISTENT = 0x0001;
    public static final int SVC_F_ONEPACKET = 0x0004;
    /** ip_vs_core.c FTPPORT: persistence templates and service lookup treat FTP services specially. */
    public static final int FTP_PORT = 21;

    private final int af;
    private final int protocol;
    private final long vaddrHi;
    private final long vaddrLo;
    private final int port;
    private final int fwmark;
    private final int flags;
    private final int persistentTimeoutSeconds;
    private final long netmaskHi;
    private final long netmaskLo;
    private final String peName;
    private final Scheduler scheduler;
    private final List<Destination> destinations;

    /**
     * @param fwmark    0 for an address service; the mark for a firewall-mark service (then
     *                  protocol, vaddr and port are 0)
     * @param netmaskHi persistence granularity: the client address is ANDed with (netmaskHi,
     *                  netmaskLo) — for IPv4 hi 0 and lo the mask, e.g. 0xFFFFFFFF for /32
     */
    public Schedule(int af, int protocol, long vaddrHi, long vaddrLo, int port, int fwmark, int flags,
            int persistentTimeoutSeconds, long netmaskHi, long netmaskLo, String peName, Scheduler scheduler,
            List<Destination> destinations) {
        this.af = af;
        this.protocol = protocol;
        this.vaddrHi = vaddrHi;
        this.vaddrLo = vaddrLo;
        this.port = port;
        this.fwmark = fwmark;
        this.flags = flags;
        this.persistentTimeoutSeconds = persistentTimeoutSeconds;
        this.netmaskHi = netmaskHi;
        this.netmaskLo = netmaskLo;
        this.peName = peName;
        this.scheduler = scheduler;
        this.destinations = List.copyOf(destinations);
    }

    public int af() {
        return af;
    }

    public int protocol() {
        return protocol;
    }

    public long vaddrHi() {
        return vaddrHi;
    }

    public long vaddrLo() {
        return vaddrLo;
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

    public boolean persistent() {
        return (flags & SVC_F_PERSISTENT) != 0;
    }

    public boolean onePacket() {
        return (flags & SVC_F_ONEPACKET) != 0;
    }

    public int persistentTimeoutSeconds() {
        return persistentTimeoutSeconds;
    }

    public long netmaskHi() {
        return netmaskHi;
    }

    public long netmaskLo() {
        return netmaskLo;
    }

    /** The persistence engine's name ("sip"), or null. */
    public String peName() {
        return peName;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** In the kernel's list order: most recently added first. */
    public List<Destination> destinations() {
        return destinations;
    }
}
