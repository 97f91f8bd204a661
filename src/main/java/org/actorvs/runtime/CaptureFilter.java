package org.actorvs.runtime;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.actorvs.forward.Port;
import org.actorvs.packet.InetAddresses;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.FwmarkRule;
import org.actorvs.service.RuleSet;
import org.actorvs.service.ServiceKey;

/**
 * The BPF filter (libpcap syntax) a live director captures with: only what it may have to handle
 * crosses into user space — ARP and IPv6 neighbour solicitations and advertisements, anything addressed to a virtual address (including its fragments and
 * the ICMP errors sent to it), everything a NAT real server sends (replies to un-NAT), ICMP errors
 * addressed to the director's own ports (errors about tunnelled packets), and for firewall-mark
 * services the destination prefixes of their match rules. Frames for the director host's own
 * services (ssh, the admin API) stay in the kernel.
 */
public final class CaptureFilter {
    private CaptureFilter() {
    }

    public static String of(RuleSet services, List<Port> ports) {
        return of(services, ports, false);
    }

    /** As {@link #of(RuleSet, List)}, plus the VRRP adverts (IP protocol 112) when a virtual router runs. */
    public static String of(RuleSet services, List<Port> ports, boolean vrrp) {
        Set<String> terms = new LinkedHashSet<>();
        terms.add("arp");
        // ICMPv6 type 135 or 136 right after the IPv6 header, hop limit 255 (what ndisc_rcv() accepts).
        terms.add("(icmp6 and ip6[7] == 255 and (ip6[40] == 135 or ip6[40] == 136))");
        if (vrrp) {
            terms.add("(ip proto 112)");
        }
        for (RuleSet.Service s : services.services()) {
            ServiceKey key = s.spec().key();
            if (key.fwmark() == 0) {
                terms.add(host("dst", key.address()));
            }
            for (FwmarkRule r : s.spec().matchRules()) {
                terms.add((r.af() == 4 ? "ip" : "ip6") + " dst net " + r.destination().getHostAddress() + "/"
                        + r.destinationPrefix());
            }
            for (DestinationSpec d : s.destinations()) {
                if (d.forward() == DestinationSpec.Forward.MASQ) {
                    terms.add(host("src", d.address()));
                }
            }
        }
        for (Port p : ports) {
            if (p.hasIpv4()) {
                terms.add("(icmp and ip dst host " + InetAddresses.format(4, 0, p.ipv4()) + ")");
            }
            if (p.hasIpv6()) {
                terms.add("(icmp6 and ip6 dst host " + InetAddresses.format(6, p.ipv6Hi(), p.ipv6Lo()) + ")");
            }
        }
        return String.join(" or ", terms);
    }

    private static String host(String direction, InetAddress a) {
        return (a instanceof Inet6Address ? "ip6 " : "ip ") + direction + " host " + a.getHostAddress();
    }
}
