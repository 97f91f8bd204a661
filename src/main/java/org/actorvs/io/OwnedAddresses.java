package org.actorvs.io;

import org.agrona.collections.LongHashSet;

/**
 * The IPv4 addresses the director answers ARP for, per port: VIPs, the NAT gateway address of the
 * real servers' LAN. Immutable; VIP ownership changes with failover, so the runtime builds a new
 * set and hands it to {@link ArpResponder#ownedAddresses(OwnedAddresses)}.
 */
public final class OwnedAddresses {
    public static final OwnedAddresses NONE = new Builder().build();

    private final LongHashSet keys;

    private OwnedAddresses(LongHashSet keys) {
        this.keys = keys;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Allocation-free: called per ARP packet. */
    public boolean owns(int port, int ipv4) {
        return keys.contains(key(port, ipv4));
    }

    public int size() {
        return keys.size();
    }

    private static long key(int port, int ipv4) {
        return ((long) port << 32) | (ipv4 & 0xFFFF_FFFFL);
    }

    public static final class Builder {
        private final LongHashSet keys = new LongHashSet();

        public Builder add(int port, int ipv4) {
            if (port < 0 || ipv4 == 0) {
                throw new IllegalArgumentException("cannot own address " + ipv4 + " on port " + port);
            }
            keys.add(key(port, ipv4));
            return this;
        }

        public OwnedAddresses build() {
            final LongHashSet copy = new LongHashSet(Math.max(8, keys.size() * 2));
            copy.addAll(keys);
            return new OwnedAddresses(copy);
        }
    }
}
