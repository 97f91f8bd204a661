package org.actorvs.service;

import java.util.List;

import org.actorvs.sched.Scheduler;

/**
 * The immutable picture of one virtual service that its SchedulerActor publishes to every packet
 * shard: what the packet path needs to match a packet to the service and to schedule a new
 * connection. A change of the service (destinations, weights, scheduler) publishes a new Schedule;
 * shards never see a half-made one. The mutable owner of the same service is {@link VirtualService}.
 *
 * @param fwmark       0 for an address service; the mark of a firewall-mark service (then
 *                     protocol, vaddr and port are 0)
 * @param flags        the kernel's IP_VS_SVC_F_* values (uapi ip_vs.h)
 * @param netmaskHi    persistence granularity: the client address is ANDed with (netmaskHi,
 *                     netmaskLo) — for IPv4 hi 0 and lo the mask, e.g. 0xFFFFFFFF for /32
 * @param peName       the persistence engine's name ("sip"), or null
 * @param destinations in the kernel's list order: most recently added first
 */
public record Schedule(int af, int protocol, long vaddrHi, long vaddrLo, int port, int fwmark, int flags,
        int persistentTimeoutSeconds, long netmaskHi, long netmaskLo, String peName, Scheduler scheduler,
        List<Destination> destinations) {
    public static final int SVC_F_PERSISTENT = VirtualService.SVC_F_PERSISTENT;
    public static final int SVC_F_ONEPACKET = VirtualService.SVC_F_ONEPACKET;
    /** ip_vs_core.c FTPPORT: persistence templates and service lookup treat FTP services specially. */
    public static final int FTP_PORT = 21;

    public Schedule {
        destinations = List.copyOf(destinations);
    }

    public boolean persistent() {
        return (flags & SVC_F_PERSISTENT) != 0;
    }

    public boolean onePacket() {
        return (flags & SVC_F_ONEPACKET) != 0;
    }
}
