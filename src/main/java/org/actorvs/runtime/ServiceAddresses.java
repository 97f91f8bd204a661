package org.actorvs.runtime;

import java.util.List;

import org.actorvs.forward.Port;
import org.actorvs.service.Destination;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceTable;

/**
 * The addresses on the service side of a flow: virtual addresses, real servers and the director's
 * own. The dispatcher calls the other end of a packet the client. Immutable; rebuilt off the packet
 * path whenever the services change, read lock-free by every capture thread.
 *
 * <p>Open addressing over (hi, lo) pairs with linear probing: the set holds a few hundred addresses
 * at most, and a lookup must not allocate.
 */
public final class ServiceAddresses {
    private static final ServiceAddresses NONE = new ServiceAddresses(new long[0][], 0);

    private final long[] hi;
    private final long[] lo;
    private final boolean[] used;
    private final int mask;

    private ServiceAddresses(long[][] addresses, int count) {
        int capacity = Integer.highestOneBit(Math.max(4, count * 4 - 1)) << 1;
        hi = new long[capacity];
        lo = new long[capacity];
        used = new boolean[capacity];
        mask = capacity - 1;
        for (int i = 0; i < count; i++) {
            insert(addresses[i][0], addresses[i][1]);
        }
    }

    public static ServiceAddresses none() {
        return NONE;
    }

    /** The virtual and real-server addresses of every service, and the director's port addresses. */
    public static ServiceAddresses of(ServiceTable services, List<Port> ports) {
        List<Schedule> all = services.schedules();
        int n = ports.size() * 2;
        for (Schedule s : all) {
            n += 1 + s.destinations().size();
        }
        long[][] a = new long[n][];
        int k = 0;
        for (Port p : ports) {
            if (p.hasIpv4()) {
                a[k++] = new long[] {0, p.ipv4()};
            }
            if (p.hasIpv6()) {
                a[k++] = new long[] {p.ipv6Hi(), p.ipv6Lo()};
            }
        }
        for (Schedule s : all) {
            if (s.fwmark() == 0) {
                a[k++] = new long[] {s.vaddrHi(), s.vaddrLo()};
            }
            for (Destination d : s.destinations()) {
                a[k++] = new long[] {d.addrHi(), d.addrLo()};
            }
        }
        return new ServiceAddresses(a, k);
    }

    private void insert(long h, long l) {
        int i = slot(h, l);
        while (used[i]) {
            if (hi[i] == h && lo[i] == l) {
                return;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        hi[i] = h;
        lo[i] = l;
    }

    public boolean contains(long h, long l) {
        int i = slot(h, l);
        while (used[i]) {
            if (hi[i] == h && lo[i] == l) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    private int slot(long h, long l) {
        return (int) mix(h * 31 + l) & mask;
    }

    /** MurmurHash3's 64-bit finaliser: every input bit reaches every output bit. */
    static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb93fe53ccd4fL;
        k ^= k >>> 33;
        return k;
    }
}
