package org.actorvs.runtime;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.IpProtocol;
import org.actorvs.sync.SyncProtocols;

/**
 * One connection entry as an operator sees it (ipvsadm -L -c -n): a copy taken by the owning shard,
 * so it can leave the shard's thread.
 */
public record ConnectionView(int protocol, int af, String client, int clientPort, String virtual, int virtualPort,
        String destination, int destinationPort, String state, long expiresSeconds, int flags) {

    public boolean template() {
        return (flags & ConnFlags.TEMPLATE) != 0;
    }

    static ConnectionView of(ConnectionTable t, int i, long nowNanos) {
        int f = t.flags(i);
        String state = SyncProtocols.stateName(t.protocol(i), f, t.state(i));
        int af = t.af(i);
        return new ConnectionView(t.protocol(i), af, InetAddresses.format(af, t.caddrHi(i), t.caddrLo(i)), t.cport(i),
                InetAddresses.format(af, t.vaddrHi(i), t.vaddrLo(i)), t.vport(i),
                InetAddresses.format(af, t.daddrHi(i), t.daddrLo(i)), t.dport(i), state,
                Math.max(0, t.remainingNanos(i, nowNanos)) / 1_000_000_000L, f);
    }

    /** The row ipvsadm -L -c -n prints: {@code %-3s %-6s %-11s %-18s %-18s %s}. */
    public String ipvsadmRow() {
        return row(protocolName(), expiresSeconds, state, af == 6, client, clientPort, virtual, virtualPort, destination,
                destinationPort);
    }

    /** ipvsadm -L -c -n's row, {@code %-3s %-6s %-11s %-18s %-18s %s}, expiry as MM:SS. */
    public static String row(String protocol, long expiresSeconds, String state, boolean ipv6, String client,
            int clientPort, String virtual, int virtualPort, String destination, int destinationPort) {
        String expire = String.format("%02d:%02d", expiresSeconds / 60, expiresSeconds % 60);
        return String.format("%-3s %-6s %-11s %-18s %-18s %s", protocol, expire, state,
                endpoint(client, clientPort, ipv6), endpoint(virtual, virtualPort, ipv6),
                endpoint(destination, destinationPort, ipv6));
    }

    /**
     * ipvsadm's protocol column, as ip_vs_proto_name(): TCP, UDP, SCTP, IP (a firewall-mark
     * template), and IP_n for any other protocol a sync master sent (AH, ESP).
     */
    public String protocolName() {
        switch (protocol) {
            case 0:
                return "IP";
            case IpProtocol.TCP:
                return "TCP";
            case IpProtocol.UDP:
                return "UDP";
            case IpProtocol.SCTP:
                return "SCTP";
            case IpProtocol.ICMP:
                return "ICMP";
            case IpProtocol.ICMPV6:
                return "ICMPv6";
            default:
                return "IP_" + protocol;
        }
    }

    private static String endpoint(String address, int port, boolean ipv6) {
        return (ipv6 ? "[" + address + "]" : address) + ":" + port;
    }
}
