package org.actorvs.io;

import java.util.Arrays;

import org.agrona.collections.LongHashSet;

/**
 * The addresses the director answers ARP (IPv4) or neighbour solicitations (IPv6) for, per port:
 * VIPs, the NAT gateway address of the real servers' LAN. Immutable; VIP ownership changes with
 * failover, so the runtime builds a new set and hands it to the responders
 * ({@link ArpResponder#ownedAddresses(OwnedAddresses)}, {@link NdpResponder#ownedAddresses(OwnedAddresses)}).
 */
public final class OwnedAddresses {
    public static final OwnedAddresses NONE = new Builder().build();

    private final LongHashSet keys;
    /** IPv6 addresses are few (VIPs, gateways): a scan of (port, hi, lo) triples beats hashing 128 bits. */
    private final long[] ipv6;

    private OwnedAddresses(LongHashSet keys, long[] ipv6) {
        this.keys = keys;
        this.ipv6 = ipv6;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Allocation-free: called per ARP packet. */
    public boolean owns(int port, int ipv4) {
        return keys.contains(key(port, ipv4));
    }

    /** Allocation-free: called per neighbour discovery packet. */
    public boolean owns(int port, long ipv6Hi, long ipv6Lo) {
        for (int i = 0; i < ipv6.length; i += 3) {
            if (ipv6[i] == port && ipv6[i + 1] == ipv6Hi && ipv6[i + 2] == ipv6Lo) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return keys.size() + ipv6.length / 3;
    }

    private static long key(int port, int ipv4) {
        return ((long) port << 32) | (ipv4 & 0xFFFF_FFFFL);
    }

    public static final class Builder {
        private final LongHashSet keys = new LongHashSet();
        private long[] ipv6 = new long[0];

        public Builder add(int port, int ipv4) {
            if (port < 0 || ipv4 == 0) {
                throw new IllegalArgumentException("cannot own address " + ipv4 + " on port " + port);
            }
            keys.add(key(port, ipv4));
            return this;
        }

        /** An address of either family in the hot-path convention (af, hi, lo). */
        public Builder add(int port, int af, long hi, long lo) {
            if (af == 4) {
                return add(port, (int) lo);
            }
            if (af != 6 || port < 0 || hi == 0 && lo == 0) {
                throw new IllegalArgumentException("cannot own address " + af + "/" + hi + "/" + lo + " on port " + port);
            }
            if (!new OwnedAddresses(keys, ipv6).owns(port, hi, lo)) {
                ipv6 = Arrays.copyOf(ipv6, ipv6.length + 3);
                ipv6[ipv6.length - 3] = port;
                ipv6[ipv6.length - 2] = hi;
                ipv6[ipv6.length - 1] = lo;
            }
            return this;
        }

        public OwnedAddresses build() {
            final LongHashSet copy = new LongHashSet(Math.max(8, keys.size() * 2));
            copy.addAll(keys);
            return new OwnedAddresses(copy, ipv6.clone());
        }
    }
}
