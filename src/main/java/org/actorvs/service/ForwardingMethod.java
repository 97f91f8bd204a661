package org.actorvs.service;

/**
 * How packets reach a destination: the IP_VS_CONN_F_FWD_MASK field of the kernel's connection flags
 * (uapi ip_vs.h), which a connection inherits from its destination.
 */
public enum ForwardingMethod {
    /** NAT ("masquerading", ipvsadm -m). */
    MASQ(0),
    /** The director itself serves the connection. */
    LOCALNODE(1),
    /** IP-in-IP tunnel (ipvsadm -i). */
    TUNNEL(2),
    /** Direct routing (ipvsadm -g, the default). */
    DROUTE(3),
    /** Cache bypass: forward to the original destination. */
    BYPASS(4);

    /** IP_VS_CONN_F_FWD_MASK. */
    public static final int FWD_MASK = 0x0007;

    private static final ForwardingMethod[] BY_FLAG = values();

    private final int flag;

    ForwardingMethod(final int flag) {
        this.flag = flag;
    }

    /** The connection-flag value of this method (0..4). */
    public int flag() {
        return flag;
    }

    /**
     * The method encoded in the forwarding bits of a connection-flags word.
     *
     * @throws IllegalArgumentException for the unused values 5..7
     */
    public static ForwardingMethod ofConnFlags(final int connFlags) {
        final int value = connFlags & FWD_MASK;
        if (value >= BY_FLAG.length) {
            throw new IllegalArgumentException("no forwarding method has flag value " + value);
        }
        return BY_FLAG[value];
    }
}
