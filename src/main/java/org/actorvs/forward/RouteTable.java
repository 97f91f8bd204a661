package org.actorvs.forward;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The director's own routing table: longest-prefix match from a destination address to the egress
 * port and the next hop (the destination itself when on-link, else a gateway).
 *
 * <p>Directors have a handful of routes, so a scan of a prefix-length-sorted array beats any trie
 * here; the kernel caches the result per real server (ip_vs_dest_dst), and so do callers that need
 * it per packet. Immutable once built: a change of routes builds a new table.
 */
public final class RouteTable {
    private final int[] af;
    private final long[] prefixHi;
    private final long[] prefixLo;
    private final long[] maskHi;
    private final long[] maskLo;
    private final int[] port;
    private final long[] gatewayHi;
    private final long[] gatewayLo;

    private RouteTable(List<Route> sorted) {
        int n = sorted.size();
        af = new int[n];
        prefixHi = new long[n];
        prefixLo = new long[n];
        maskHi = new long[n];
        maskLo = new long[n];
        port = new int[n];
        gatewayHi = new long[n];
        gatewayLo = new long[n];
        for (int i = 0; i < n; i++) {
            Route r = sorted.get(i);
            af[i] = r.af();
            maskHi[i] = maskHi(r.af(), r.prefixLength());
            maskLo[i] = maskLo(r.af(), r.prefixLength());
            prefixHi[i] = r.prefixHi() & maskHi[i];
            prefixLo[i] = r.prefixLo() & maskLo[i];
            port[i] = r.port();
            gatewayHi[i] = r.gatewayHi();
            gatewayLo[i] = r.gatewayLo();
        }
    }

    /**
     * A route: destinations matching prefix/prefixLength leave through port, to the gateway when
     * one is given (gateway 0 means on-link). IPv4 addresses use hi 0 and lo the unsigned value.
     */
    public record Route(int af, long prefixHi, long prefixLo, int prefixLength, int port, long gatewayHi, long gatewayLo) {
        public Route {
            if (af != 4 && af != 6) {
                throw new IllegalArgumentException("route: address family must be 4 or 6, not " + af);
            }
            int max = af == 4 ? 32 : 128;
            if (prefixLength < 0 || prefixLength > max) {
                throw new IllegalArgumentException("route: prefix length " + prefixLength + " outside 0.." + max);
            }
            if (port < 0) {
                throw new IllegalArgumentException("route: port index must not be negative");
            }
        }
    }

    public static RouteTable of(List<Route> routes) {
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparingInt(Route::prefixLength).reversed());
        return new RouteTable(sorted);
    }

    /**
     * Resolves the next hop for a destination into {@code out}.
     *
     * @return false when no route matches (the caller counts a NO_ROUTE drop)
     */
    public boolean resolve(int family, long hi, long lo, NextHop out) {
        for (int i = 0; i < af.length; i++) {
            if (af[i] == family && (hi & maskHi[i]) == prefixHi[i] && (lo & maskLo[i]) == prefixLo[i]) {
                out.port = port[i];
                if (gatewayHi[i] == 0 && gatewayLo[i] == 0) {
                    out.hi = hi;
                    out.lo = lo;
                } else {
                    out.hi = gatewayHi[i];
                    out.lo = gatewayLo[i];
                }
                out.af = family;
                return true;
            }
        }
        return false;
    }

    public int size() {
        return af.length;
    }

    private static long maskHi(int family, int len) {
        if (family == 4) {
            return 0;
        }
        return len == 0 ? 0 : len >= 64 ? -1L : -1L << (64 - len);
    }

    private static long maskLo(int family, int len) {
        if (family == 4) {
            return len == 0 ? 0 : (0xFFFF_FFFFL << (32 - len)) & 0xFFFF_FFFFL;
        }
        return len <= 64 ? 0 : len == 128 ? -1L : -1L << (128 - len);
    }

    /** Mutable result of a route lookup, one per shard thread. */
    public static final class NextHop {
        public int af;
        public int port;
        public long hi;
        public long lo;
    }
}
