package org.actorvs.packet;

/** IANA protocol numbers (IPv4 Protocol / IPv6 Next Header) that the packet path names. */
public final class IpProtocol {
    public static final int HOPOPTS = 0;
    public static final int ICMP = 1;
    public static final int IPIP = 4;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int IPV6 = 41;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int GRE = 47;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    public static final int NONE = 59;
    public static final int DSTOPTS = 60;
    public static final int SCTP = 132;

    private IpProtocol() {
    }

    /**
     * The IPv6 extension headers the parser skips to reach the upper layer; the set
     * ipv6_ext_hdr() in the kernel names, less NONE, which ends the chain instead.
     */
    public static boolean isIpv6ExtensionHeader(int nextHeader) {
        return nextHeader == HOPOPTS || nextHeader == ROUTING || nextHeader == FRAGMENT
                || nextHeader == DSTOPTS || nextHeader == AH;
    }
}
