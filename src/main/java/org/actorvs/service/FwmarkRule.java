package org.actorvs.service;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One user-space match rule that puts packets into a firewall-mark service. In Linux the mark comes
 * from netfilter ({@code iptables -t mangle ... -j MARK}); ActorVS has no netfilter, so a fwmark
 * service carries the rules that define its mark. This is ActorVS's own notion, not ipvsadm's; its
 * text form is {@code match tcp,udp dst 10.0.0.0/24 dport 80,443,8000-8080 src 192.0.2.0/24}
 * (see {@code org.actorvs.admin.FwmarkRuleText}).
 *
 * <p>A packet matches when its protocol is in {@code protocols}, its destination lies in
 * {@code destination/destinationPrefix}, its destination port lies in one of
 * {@code destinationPorts} (empty = any port) and its source lies in {@code source/sourcePrefix}
 * (prefix 0 = any source). Addresses are stored with their host bits cleared, so two rules that
 * match the same packets are equal.
 *
 * @param protocols         non-empty set of transport protocols
 * @param destination       destination network (its family is the rule's family)
 * @param destinationPrefix 0..32 or 0..128
 * @param destinationPorts  destination port ranges, empty for any port
 * @param source            source network, same family as the destination
 * @param sourcePrefix      0..32 or 0..128; 0 = any source
 */
public record FwmarkRule(Set<ServiceKey.Protocol> protocols, InetAddress destination, int destinationPrefix,
                         List<PortRange> destinationPorts, InetAddress source, int sourcePrefix) {

    /** An inclusive range of ports {@code from..to}. */
    public record PortRange(int from, int to) {
        public PortRange {
            if (from < 0 || to > 65535 || from > to) {
                throw new IllegalArgumentException("bad port range " + from + "-" + to);
            }
        }

        public boolean contains(int port) {
            return port >= from && port <= to;
        }
    }

    public FwmarkRule {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(source, "source");
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("a match rule needs at least one protocol");
        }
        if (source.getClass() != destination.getClass()) {
            throw new IllegalArgumentException("source and destination families differ");
        }
        protocols = Set.copyOf(EnumSet.copyOf(protocols));
        destinationPorts = List.copyOf(destinationPorts);
        destination = network(destination, destinationPrefix);
        source = network(source, sourcePrefix);
    }

    /** Address family of the rule: 4 or 6. */
    public int af() {
        return destination instanceof Inet6Address ? 6 : 4;
    }

    /**
     * Whether a packet belongs to this rule. Cold-path form for configuration checks and tests; the
     * packet path compiles rules into primitive masks instead.
     */
    public boolean matches(ServiceKey.Protocol protocol, InetAddress dst, int dport, InetAddress src) {
        if (!protocols.contains(protocol)) {
            return false;
        }
        if (!inNetwork(dst, destination, destinationPrefix) || !inNetwork(src, source, sourcePrefix)) {
            return false;
        }
        if (destinationPorts.isEmpty()) {
            return true;
        }
        for (PortRange r : destinationPorts) {
            if (r.contains(dport)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inNetwork(InetAddress a, InetAddress network, int prefix) {
        return a.getClass() == network.getClass() && network(a, prefix).equals(network);
    }

    private static InetAddress network(InetAddress a, int prefix) {
        byte[] b = a.getAddress();
        if (prefix < 0 || prefix > b.length * 8) {
            throw new IllegalArgumentException("prefix out of range 0.." + b.length * 8 + ": " + prefix);
        }
        for (int bit = prefix; bit < b.length * 8; bit++) {
            b[bit >> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        try {
            // Inet6Address.getByAddress keeps IPv4-mapped addresses IPv6, unlike InetAddress.getByAddress.
            return b.length == 4 ? InetAddress.getByAddress(b) : Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // unreachable: length is 4 or 16
        }
    }
}
