package org.actorvs.packet;

/**
 * An address in the shared (af, hi, lo) convention, for configuration and display; the
 * packet path keeps the three primitives instead.
 */
public record IpAddress(int af, long hi, long lo) {
    public IpAddress {
        if (af != 4 && af != 6) {
            throw new IllegalArgumentException("address family must be 4 or 6: " + af);
        }
        if (af == 4 && (hi != 0 || (lo >>> 32) != 0)) {
            throw new IllegalArgumentException("an IPv4 address is hi 0 and a 32-bit lo");
        }
    }

    public static IpAddress ofIpv4(int address) {
        return new IpAddress(4, 0, address & 0xFFFF_FFFFL);
    }

    public static IpAddress parse(String text) {
        return InetAddresses.parse(text);
    }

    /** The IPv4 address as the int the flyweights use. */
    public int ipv4() {
        return (int) lo;
    }

    @Override
    public String toString() {
        return InetAddresses.format(af, hi, lo);
    }
}
