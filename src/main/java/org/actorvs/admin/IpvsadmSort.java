package org.actorvs.admin;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.ServiceKey;

/**
 * The order in which {@code ipvsadm -L} and {@code -S} print services and destinations.
 *
 * <p>libipvs's ipvs_cmp_services() compares fwmark, then address family (AF_INET 2 before
 * AF_INET6 10), then protocol number (TCP 6, UDP 17, SCTP 132), then address, then port;
 * ipvs_cmp_dests() compares address, then port. The address and fwmark comparisons subtract two
 * unsigned 32-bit values into an int, so values 2^31 or more apart compare "backwards": ipvsadm
 * lists 192.168.0.1 before 10.0.0.1. We reproduce that, and because such a comparison is not
 * transitive the result depends on the sort algorithm, so we also reproduce glibc's qsort() —
 * a top-down merge sort taking from the left run while the comparison is &lt;= 0 — as shipped with
 * the fixture's Debian 12 (glibc 2.36). For addresses within 2^31 of each other (any one /1 network)
 * the order is simply numeric.
 */
public final class IpvsadmSort {

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private IpvsadmSort() {
    }

    /** Services in ipvsadm's listing order. */
    public static List<RuleSet.Service> services(List<RuleSet.Service> services) {
        return glibcMergeSort(services, (a, b) -> compare(a.key(), b.key()));
    }

    /** Destinations in ipvsadm's listing order. */
    public static List<DestinationSpec> destinations(List<DestinationSpec> dests) {
        return glibcMergeSort(dests, IpvsadmSort::compare);
    }

    /** Any kind of destination (the runtime's live ones too) in ipvsadm's listing order. */
    public static <T> List<T> destinations(List<T> dests, Function<T, InetAddress> address, ToIntFunction<T> port) {
        return glibcMergeSort(dests, (a, b) -> compare(address.apply(a), port.applyAsInt(a), address.apply(b),
                port.applyAsInt(b)));
    }

    /** ipvs_cmp_services(), with its 32-bit wrap-around. */
    static int compare(ServiceKey a, ServiceKey b) {
        int r = (int) (a.fwmark() - b.fwmark());
        if (r != 0) {
            return r;
        }
        r = (a.ipv6() ? AF_INET6 : AF_INET) - (b.ipv6() ? AF_INET6 : AF_INET);
        if (r != 0) {
            return r;
        }
        // libipvs leaves the protocol of a fwmark service 0
        r = protocol(a) - protocol(b);
        if (r != 0) {
            return r;
        }
        r = compareAddresses(a.ipv6(), words(a.address()), words(b.address()));
        return r != 0 ? r : a.port() - b.port();
    }

    /** ipvs_cmp_dests(): the first destination's family decides how many address words count. */
    static int compare(DestinationSpec a, DestinationSpec b) {
        return compare(a.address(), a.port(), b.address(), b.port());
    }

    private static int compare(InetAddress a, int aPort, InetAddress b, int bPort) {
        int r = compareAddresses(a instanceof Inet6Address, words(a), words(b));
        return r != 0 ? r : aPort - bPort;
    }

    private static int protocol(ServiceKey k) {
        return k.isFwmark() ? 0 : k.protocol().ipProtocol();
    }

    private static int compareAddresses(boolean ipv6, int[] a, int[] b) {
        int r = 0;
        for (int i = 0; r == 0 && i < (ipv6 ? 4 : 1); i++) {
            r = a[i] - b[i]; // u32 subtraction read as int, as ntohl(x) - ntohl(y) assigned to int
        }
        return r;
    }

    /** The address as the four host-order words of a union nf_inet_addr (IPv4 in the first, rest 0). */
    private static int[] words(InetAddress address) {
        int[] w = new int[4];
        if (address == null) {
            return w;
        }
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            w[i >> 2] |= (b[i] & 0xFF) << (24 - 8 * (i & 3));
        }
        return w;
    }

    private static <T> List<T> glibcMergeSort(List<T> in, Comparator<T> cmp) {
        List<T> a = new ArrayList<>(in);
        sort(a, 0, a.size(), cmp, new ArrayList<>(a));
        return a;
    }

    /** glibc msort_with_tmp(): left half n/2, right half the rest, merge preferring the left on ties. */
    private static <T> void sort(List<T> a, int from, int n, Comparator<T> cmp, List<T> tmp) {
        if (n <= 1) {
            return;
        }
        int n1 = n / 2;
        int n2 = n - n1;
        sort(a, from, n1, cmp, tmp);
        sort(a, from + n1, n2, cmp, tmp);
        int i = from;
        int j = from + n1;
        int k = 0;
        while (i < from + n1 && j < from + n) {
            tmp.set(k++, cmp.compare(a.get(i), a.get(j)) <= 0 ? a.get(i++) : a.get(j++));
        }
        while (i < from + n1) {
            tmp.set(k++, a.get(i++));
        }
        // what is left of the right run is already in place
        for (int m = 0; m < k; m++) {
            a.set(from + m, tmp.get(m));
        }
    }
}
