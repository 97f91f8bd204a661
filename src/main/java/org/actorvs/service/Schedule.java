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
 * @param peName       the persistence engine's name ("sip"), or null (or "") for none
 * @param destinations in the kernel's list order: most recently added first
 * @param matchRules   for a firewall-mark service, the rules that give packets its mark (see
 *                     {@link FwmarkClassifier}); empty otherwise
 */
public record Schedule(int af, int protocol, long vaddrHi, long vaddrLo, int port, int fwmark, int flags,
        int persistentTimeoutSeconds, long netmaskHi, long netmaskLo, String peName, Scheduler scheduler,
        List<Destination> destinations, List<FwmarkRule> matchRules) {
    public static final int SVC_F_PERSISTENT = VirtualService.SVC_F_PERSISTENT;
    public static final int SVC_F_ONEPACKET = VirtualService.SVC_F_ONEPACKET;
    /** ip_vs_core.c FTPPORT: persistence templates and service lookup treat FTP services specially. */
    public static final int FTP_PORT = 21;

    /** The SIP persistence engine (ip_vs_pe_sip.c), the one engine the kernel has. */
    public static final String PE_SIP = "sip";

    public Schedule {
        destinations = List.copyOf(destinations);
        matchRules = List.copyOf(matchRules);
    }

    /** A schedule without match rules (an address service, or a fwmark service marked elsewhere). */
    public Schedule(int af, int protocol, long vaddrHi, long vaddrLo, int port, int fwmark, int flags,
            int persistentTimeoutSeconds, long netmaskHi, long netmaskLo, String peName, Scheduler scheduler,
            List<Destination> destinations) {
        this(af, protocol, vaddrHi, vaddrLo, port, fwmark, flags, persistentTimeoutSeconds, netmaskHi, netmaskLo,
                peName, scheduler, destinations, List.of());
    }

    /** Whether templates are keyed by the SIP Call-ID too ({@code --pe sip}). */
    public boolean peSip() {
        return PE_SIP.equals(peName);
    }

    /**
     * The high word of the persistence mask for {@code netmask} in {@link ServiceSpec#netmask()}'s
     * encoding (IPv4: the mask; IPv6: the prefix length), as ipv6_addr_prefix() applies it.
     */
    public static long netmaskHi(int af, int netmask) {
        if (af == 4) {
            return 0;
        }
        return netmask >= 64 ? -1L : netmask <= 0 ? 0 : -1L << (64 - netmask);
    }

    /** The low word of the persistence mask; see {@link #netmaskHi}. */
    public static long netmaskLo(int af, int netmask) {
        if (af == 4) {
            return netmask & 0xFFFF_FFFFL;
        }
        return netmask <= 64 ? 0 : netmask >= 128 ? -1L : -1L << (128 - netmask);
    }

    public boolean persistent() {
        return (flags & SVC_F_PERSISTENT) != 0;
    }

    public boolean onePacket() {
        return (flags & SVC_F_ONEPACKET) != 0;
    }
}
