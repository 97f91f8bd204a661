package org.actorvs.service;

import java.util.ArrayList;
import java.util.List;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * All virtual services of a director as one immutable lookup structure, rebuilt (off the packet
 * path) whenever any service publishes a new {@link Schedule}. Lookups follow
 * ip_vs_service_find(): firewall mark first, then (protocol, address, port), then the FTP and
 * port-zero fallbacks.
 */
public final class ServiceTable {
    private final Long2ObjectHashMap<Schedule> ipv4 = new Long2ObjectHashMap<>();
    private final List<Schedule> ipv6 = new ArrayList<>();
    private final Long2ObjectHashMap<Schedule> fwmarks = new Long2ObjectHashMap<>();
    private final List<Schedule> all;
    private final boolean anyFtp;
    private final boolean anyPortZero;
    private final Long2ObjectHashMap<Destination> natRealServers4 = new Long2ObjectHashMap<>();
    private final List<Destination> natRealServers6 = new ArrayList<>();
    /** The protocol of the service each IPv6 NAT real server belongs to (0 for fwmark services). */
    private final IntArrayList natRealServers6Protocol = new IntArrayList();
    private final FwmarkClassifier classifier;

    public static final ServiceTable EMPTY = new ServiceTable(List.of());

    public ServiceTable(List<Schedule> schedules) {
        this.all = List.copyOf(schedules);
        boolean ftp = false;
        boolean zero = false;
        for (Schedule s : all) {
            if (s.fwmark() != 0) {
                fwmarks.put(fwmarkKey(s.af(), s.fwmark()), s);
            } else if (s.af() == 4) {
                if (ipv4.put(key4(s.protocol(), s.vaddrLo(), s.port()), s) != null) {
                    throw new IllegalArgumentException("two services for " + s.protocol() + "/" + s.vaddrLo() + ":" + s.port());
                }
            } else {
                ipv6.add(s);
            }
            ftp |= s.fwmark() == 0 && s.protocol() == 6 && s.port() == Schedule.FTP_PORT;
            zero |= s.fwmark() == 0 && s.port() == 0;
            for (Destination d : s.destinations()) {
                if (d.method() == ForwardingMethod.MASQ) {
                    if (d.af() == 4) {
                        natRealServers4.put(key4(s.fwmark() != 0 ? 0 : s.protocol(), d.addrLo(), d.port()), d);
                    } else {
                        natRealServers6.add(d);
                        natRealServers6Protocol.addInt(s.fwmark() != 0 ? 0 : s.protocol());
                    }
                }
            }
        }
        this.anyFtp = ftp;
        this.anyPortZero = zero;
        this.classifier = FwmarkClassifier.of(all);
    }

    public List<Schedule> schedules() {
        return all;
    }

    /**
     * The firewall mark the fwmark services' match rules give a packet, 0 for none: what netfilter's
     * skb->mark is to the kernel's ip_vs_in(). See {@link FwmarkClassifier}.
     */
    public int mark(int af, int protocol, long sHi, long sLo, long dHi, long dLo, int dport) {
        return classifier.mark(af, protocol, sHi, sLo, dHi, dLo, dport);
    }

    /**
     * ip_vs_service_find(): the service a packet for (af, protocol, vaddr, vport) belongs to, or
     * null. {@code fwmark} is the mark the director's match rules gave the packet, 0 for none.
     */
    public Schedule find(int af, int fwmark, int protocol, long vHi, long vLo, int vport) {
        if (fwmark != 0 && !fwmarks.isEmpty()) {
            Schedule s = fwmarks.get(fwmarkKey(af, fwmark));
            if (s != null) {
                return s;
            }
        }
        Schedule s = exact(af, protocol, vHi, vLo, vport);
        // A packet for an FTP service's address on port 20 or an unprivileged port may be an FTP
        // data connection (inet_port_requires_bind_service: ports below 1024 need a bind).
        if (s == null && protocol == 6 && anyFtp && (vport == 20 || vport >= 1024)) {
            s = exact(af, protocol, vHi, vLo, Schedule.FTP_PORT);
        }
        if (s == null && anyPortZero) {
            s = exact(af, protocol, vHi, vLo, 0);
        }
        return s;
    }

    private Schedule exact(int af, int protocol, long vHi, long vLo, int vport) {
        if (af == 4) {
            return ipv4.get(key4(protocol, vLo, vport));
        }
        for (int i = 0; i < ipv6.size(); i++) {
            Schedule s = ipv6.get(i);
            if (s.protocol() == protocol && s.port() == vport && s.vaddrHi() == vHi && s.vaddrLo() == vLo) {
                return s;
            }
        }
        return null;
    }

    /**
     * ip_vs_has_real_service(): whether (af, address, port) is a NAT real server of a service of
     * this protocol (or of a firewall-mark service) — the test nat_icmp_send applies.
     */
    public boolean hasNatRealServer(int af, int protocol, long hi, long lo, int port) {
        if (af == 4) {
            return natRealServers4.containsKey(key4(protocol, lo, port)) || natRealServers4.containsKey(key4(0, lo, port));
        }
        for (int i = 0; i < natRealServers6.size(); i++) {
            Destination d = natRealServers6.get(i);
            int p = natRealServers6Protocol.getInt(i);
            if (d.addrHi() == hi && d.addrLo() == lo && d.port() == port && (p == protocol || p == 0)) {
                return true;
            }
        }
        return false;
    }

    private static long key4(int protocol, long addr, int port) {
        return ((long) protocol << 48) | ((long) port << 32) | (addr & 0xFFFF_FFFFL);
    }

    private static long fwmarkKey(int af, int fwmark) {
        return ((long) af << 32) | (fwmark & 0xFFFF_FFFFL);
    }
}
