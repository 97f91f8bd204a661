package org.actorvs.sched;

import java.util.ArrayList;
import java.util.List;

import org.actorvs.service.Destination;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.ForwardingMethod;

/** Real destinations and flows for scheduler tests. */
final class SchedFixture {
    static final int INACTIVE = Destination.CONN_F_INACTIVE;

    final DestinationRegistry registry = new DestinationRegistry();
    final Flow flow = new Flow();

    /** 10.0.0.{lastOctet}:80, direct routing, no thresholds. */
    Destination dest(final int lastOctet, final int weight) {
        return registry.create(4, 0L, ipv4(10, 0, 0, lastOctet), 80, ForwardingMethod.DROUTE, weight, 0, 0);
    }

    /** A destination whose OVERLOAD flag is set: upper threshold 1 and one bound connection. */
    Destination overloaded(final int lastOctet, final int weight) {
        final Destination dest = registry.create(4, 0L, ipv4(10, 0, 0, lastOctet), 80, ForwardingMethod.DROUTE,
            weight, 1, 0);
        registry.connectionBound(dest.id(), INACTIVE);
        return dest;
    }

    void active(final Destination dest, final int count) {
        for (int i = 0; i < count; i++) {
            registry.connectionBound(dest.id(), 0);
        }
    }

    void inactive(final Destination dest, final int count) {
        for (int i = 0; i < count; i++) {
            registry.connectionBound(dest.id(), INACTIVE);
        }
    }

    /** A TCP flow from an IPv4 client to 192.0.2.1:80. */
    Flow from(final long clientAddr, final int clientPort) {
        return flow.set(4, Selection.IPPROTO_TCP, 0L, clientAddr, clientPort, 0L, ipv4(192, 0, 2, 1), 80);
    }

    /** A TCP flow from 198.51.100.7:40000 to an IPv4 destination address. */
    Flow to(final long dstAddr) {
        return flow.set(4, Selection.IPPROTO_TCP, 0L, ipv4(198, 51, 100, 7), 40000, 0L, dstAddr, 80);
    }

    /** {@code picks} schedules of the same flow, as the names "A", "B", ... of {@code named} (null as "-"). */
    static String sequence(final Scheduler scheduler, final Flow flow, final int picks, final List<Destination> named) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < picks; i++) {
            final Destination dest = scheduler.schedule(flow);
            out.add(dest == null ? "-" : String.valueOf((char) ('A' + named.indexOf(dest))));
        }
        return String.join(" ", out);
    }

    static int count(final Destination[] table, final Destination dest) {
        int n = 0;
        for (final Destination d : table) {
            if (d == dest) {
                n++;
            }
        }
        return n;
    }

    static long ipv4(final int a, final int b, final int c, final int d) {
        return ((long) a << 24) | ((long) b << 16) | ((long) c << 8) | d;
    }
}
