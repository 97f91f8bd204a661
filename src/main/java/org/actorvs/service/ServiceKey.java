package org.actorvs.service;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * Identity of a virtual service, as the kernel looks services up: either (protocol, VIP, port) in
 * the address table, or (firewall mark, address family) in the fwmark table
 * (__ip_vs_service_find() / __ip_vs_svc_fwm_find()). Cold-path configuration record.
 *
 * <p>For an address service {@code fwmark} is 0 and {@code ipv6} follows the VIP's family. For a
 * firewall-mark service {@code protocol} and {@code address} are null and {@code port} is 0: the
 * kernel ignores them for fwmark lookups, so carrying them would make equal keys compare unequal.
 *
 * @param protocol TCP, UDP or SCTP; null for a firewall-mark service
 * @param address  the VIP; null for a firewall-mark service
 * @param port     the virtual port 0..65535 (0 = every port, allowed only for persistent services)
 * @param fwmark   the mark 1..4294967295, or 0 for an address service
 * @param ipv6     whether the service is IPv6 (for a fwmark service: ipvsadm's {@code -6})
 */
public record ServiceKey(Protocol protocol, InetAddress address, int port, long fwmark, boolean ipv6) {

    /** Largest firewall mark: the kernel field is a u32. */
    public static final long MAX_FWMARK = 0xFFFF_FFFFL;

    /** The transport protocols IPVS balances, with their IP protocol numbers. */
    public enum Protocol {
        TCP(6), UDP(17), SCTP(132);

        private final int ipProtocol;

        Protocol(int ipProtocol) {
            this.ipProtocol = ipProtocol;
        }

        /** The IP protocol number (IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP). */
        public int ipProtocol() {
            return ipProtocol;
        }
    }

    public ServiceKey {
        if (fwmark == 0) {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(address, "address");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range 0..65535: " + port);
            }
            if (ipv6 != (address instanceof Inet6Address)) {
                throw new IllegalArgumentException("ipv6 flag disagrees with address " + address);
            }
        } else {
            if (fwmark < 1 || fwmark > MAX_FWMARK) {
                throw new IllegalArgumentException("fwmark out of range 1..4294967295: " + fwmark);
            }
            if (protocol != null || address != null || port != 0) {
                throw new IllegalArgumentException("a fwmark service has no protocol, address or port");
            }
        }
    }

    /** An address service: protocol + VIP + port. */
    public static ServiceKey of(Protocol protocol, InetAddress address, int port) {
        return new ServiceKey(protocol, address, port, 0, address instanceof Inet6Address);
    }

    /** A firewall-mark service of the given family. */
    public static ServiceKey ofFwmark(long fwmark, boolean ipv6) {
        return new ServiceKey(null, null, 0, fwmark, ipv6);
    }

    public boolean isFwmark() {
        return fwmark != 0;
    }

    /** Address family in the shared hot-path convention: 4 or 6. */
    public int af() {
        return ipv6 ? 6 : 4;
    }

    /** High 64 bits of the VIP in the hot-path convention (0 for IPv4 and fwmark services). */
    public long addressHi() {
        return address == null ? 0 : hi(address);
    }

    /** Low 64 bits of the VIP in the hot-path convention (0 for fwmark services). */
    public long addressLo() {
        return address == null ? 0 : lo(address);
    }

    @Override
    public String toString() {
        if (isFwmark()) {
            return "FWM " + fwmark + (ipv6 ? " IPv6" : "");
        }
        return protocol + " " + (ipv6 ? "[" + address.getHostAddress() + "]" : address.getHostAddress()) + ":" + port;
    }

    /** High half of an address in the hot-path (af, hi, lo) convention. */
    static long hi(InetAddress address) {
        return address instanceof Inet4Address ? 0 : word(address.getAddress(), 0);
    }

    /** Low half of an address in the hot-path (af, hi, lo) convention. */
    static long lo(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? word(b, 0) : word(b, 8);
    }

    private static long word(byte[] b, int from) {
        long v = 0;
        int end = Math.min(b.length, from + 8);
        for (int i = from; i < end; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }
}
