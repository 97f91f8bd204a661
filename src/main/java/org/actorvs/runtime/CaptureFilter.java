package org.actorvs.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.actorvs.forward.Port;
import org.actorvs.packet.InetAddresses;
import org.actorvs.service.Destination;
import org.actorvs.service.ForwardingMethod;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceTable;

/**
 * The BPF filter (libpcap syntax) a live director captures with: only what it may have to handle
 * crosses into user space — ARP, anything addressed to a virtual address (including its fragments and
 * the ICMP errors sent to it), everything a NAT real server sends (replies to un-NAT), ICMP errors
 * addressed to the director's own ports (errors about tunnelled packets), and for firewall-mark
 * services the destination prefixes of their match rules. Frames for the director host's own
 * services (ssh, the admin API) stay in the kernel.
 */
public final class CaptureFilter {
    private CaptureFilter() {
    }

    /**
     * @param fwmarkPrefixes destination prefixes ("10.1.0.0/16") of firewall-mark match rules
     */
    public static String of(ServiceTable services, List<Port> ports, List<String> fwmarkPrefixes) {
        Set<String> terms = new LinkedHashSet<>();
        terms.add("arp");
        for (Schedule s : services.schedules()) {
            if (s.fwmark() == 0) {
                terms.add(host(s.af(), "dst", s.vaddrHi(), s.vaddrLo()));
            }
            for (Destination d : s.destinations()) {
                if (d.method() == ForwardingMethod.MASQ) {
                    terms.add(host(d.af(), "src", d.addrHi(), d.addrLo()));
                }
            }
        }
        for (String prefix : fwmarkPrefixes) {
            terms.add((prefix.indexOf(':') >= 0 ? "ip6 dst net " : "ip dst net ") + prefix);
        }
        for (Port p : ports) {
            if (p.hasIpv4()) {
                terms.add("(icmp and " + host(4, "dst", 0, p.ipv4()) + ")");
            }
            if (p.hasIpv6()) {
                terms.add("(icmp6 and " + host(6, "dst", p.ipv6Hi(), p.ipv6Lo()) + ")");
            }
        }
        List<String> all = new ArrayList<>(terms);
        return String.join(" or ", all);
    }

    private static String host(int af, String direction, long hi, long lo) {
        return (af == 4 ? "ip " : "ip6 ") + direction + " host " + InetAddresses.format(af, hi, lo);
    }
}
