package org.actorvs.forward;

/**
 * One LAN attachment of the director: what is needed to put a frame on that wire and to source
 * packets (ICMP errors, tunnel headers) from it. Immutable; ports are indexed 0..n-1 per director.
 *
 * @param index    position in the director's port list, used as the egress id on the hot path
 * @param name     interface name, e.g. "eth0"
 * @param mac      the port's MAC address as a 48-bit value
 * @param ipv4     the port's primary IPv4 address (unsigned 32-bit value in a long), 0 when none
 * @param ipv6Hi   the port's IPv6 address, high 64 bits (0 with ipv6Lo 0 when none)
 * @param ipv6Lo   the port's IPv6 address, low 64 bits
 * @param mtu      the link MTU (IP packet size), 1500 on plain Ethernet
 * @param vlanId   802.1Q VLAN id frames leave with, or -1 for untagged
 */
public record Port(int index, String name, long mac, long ipv4, long ipv6Hi, long ipv6Lo, int mtu, int vlanId) {
    public Port {
        if (mtu < 68) {
            throw new IllegalArgumentException("port " + name + ": mtu " + mtu + " is below the IPv4 minimum of 68");
        }
        if (vlanId < -1 || vlanId > 4094) {
            throw new IllegalArgumentException("port " + name + ": vlan id " + vlanId + " is outside 1..4094");
        }
    }

    public boolean hasIpv4() {
        return ipv4 != 0;
    }

    public boolean hasIpv6() {
        return ipv6Hi != 0 || ipv6Lo != 0;
    }

    /** Bytes of Ethernet framing in front of the IP header on this port. */
    public int l2HeaderLength() {
        return vlanId < 0 ? 14 : 18;
    }
}
