package org.actorvs.sched;

import static org.actorvs.sched.SchedFixture.count;
import static org.actorvs.sched.SchedFixture.ipv4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.actorvs.service.Destination;
import org.junit.jupiter.api.Test;

/**
 * dh and sh. Expected buckets are hash_32(addr [+ port], 8) = (x × 0x61C88647 mod 2^32) >> 24, worked out
 * outside this code base: 192.168.10.20 → 215, 10.1.2.3 → 2, 172.16.0.9 → 136, 192.168.1.1 → 136,
 * 192.168.1.7 → 211, 192.168.1.7 + 1000 → 202, 192.168.1.7 + 1001 → 44.
 */
class HashingSchedulersTest {
    private final SchedFixture fx = new SchedFixture();
    private final Destination a = fx.dest(1, 2);
    private final Destination b = fx.dest(2, 1);
    private final Destination c = fx.dest(3, 0);

    @Test
    void dhFillsBucketsRoundRobinIgnoringWeights() {
        final Destination[] table = new DestinationHashingScheduler(List.of(a, b, c)).table();

        assertEquals(256, table.length);
        assertSame(a, table[0]);
        assertSame(b, table[1]);
        assertSame(c, table[2]);
        assertSame(a, table[3]);
        assertSame(a, table[255]);
    }

    @Test
    void dhHashesThePacketDestinationAddress() {
        final Destination c1 = fx.dest(4, 1);
        final Scheduler dh = Schedulers.create("dh", 0, List.of(a, b, c1));

        assertSame(c1, dh.schedule(fx.to(ipv4(192, 168, 10, 20))));  // bucket 215 = 3 × 71 + 2
        assertSame(c1, dh.schedule(fx.to(ipv4(10, 1, 2, 3))));       // bucket 2
        assertSame(b, dh.schedule(fx.to(ipv4(172, 16, 0, 9))));       // bucket 136 = 3 × 45 + 1
        // The source address plays no part.
        assertSame(b, dh.schedule(fx.flow.set(4, 6, 0L, ipv4(1, 2, 3, 4), 9, 0L, ipv4(172, 16, 0, 9), 80)));
    }

    @Test
    void dhHasNoFallbackForAnUnusableBucketOwner() {
        final Scheduler dh = Schedulers.create("dh", 0, List.of(a, b, c));

        // Bucket 215 belongs to C, whose weight is 0.
        assertNull(dh.schedule(fx.to(ipv4(192, 168, 10, 20))));
    }

    @Test
    void shGivesEachDestinationItsWeightInConsecutiveBucketsAndAtLeastOne() {
        final Destination[] table = new SourceHashingScheduler(0, List.of(a, b, c)).table();

        assertEquals(List.of(a, a, b, c, a, a, b, c), List.of(table).subList(0, 8));
        assertEquals(128, count(table, a));
        assertEquals(64, count(table, b));
        assertEquals(64, count(table, c));
    }

    @Test
    void shHashesTheClientAddress() {
        final Scheduler sh = Schedulers.create("sh", 0, List.of(a, b, c));

        assertSame(a, sh.schedule(fx.from(ipv4(192, 168, 1, 1), 1234)));  // bucket 136: A
        assertSame(a, sh.schedule(fx.from(ipv4(192, 168, 1, 1), 4321)));
    }

    @Test
    void shWithoutFallbackReturnsNothingWhenTheBucketOwnerIsUnusable() {
        final Scheduler sh = Schedulers.create("sh", 0, List.of(a, b, c));

        assertNull(sh.schedule(fx.from(ipv4(192, 168, 1, 7), 1000)));  // bucket 211: C, weight 0
    }

    @Test
    void shFallbackProbesFromTwiceTheBucketIndexAsTheKernelDoes() {
        final Scheduler sh = Schedulers.create("sh", Schedulers.SH_FALLBACK, List.of(a, b, c));

        // The first probe is bucket (2 × 211) mod 256 = 166: B. A probe from 211 + 1 would give A.
        assertSame(b, sh.schedule(fx.from(ipv4(192, 168, 1, 7), 1000)));
    }

    @Test
    void shPortAddsTheSourcePortOfTcpUdpAndSctp() {
        final Scheduler sh = Schedulers.create("sh", Schedulers.SH_PORT, List.of(a, b, c));

        assertSame(b, sh.schedule(fx.from(ipv4(192, 168, 1, 7), 1000)));  // bucket 202
        assertSame(a, sh.schedule(fx.from(ipv4(192, 168, 1, 7), 1001)));  // bucket 44
        final Flow icmp = fx.from(ipv4(192, 168, 1, 7), 1001);
        icmp.protocol = 1;
        assertNull(sh.schedule(icmp));  // no port: bucket 211, C
    }

    @Test
    void shRebuildsItsTableWhenAWeightChanges() {
        final SourceHashingScheduler sh = new SourceHashingScheduler(0, List.of(a, b, c));
        c.setWeight(2);
        sh.update(List.of(a, b, c));

        assertEquals(List.of(a, a, b, c, c, a, a, b), List.of(sh.table()).subList(0, 8));
        // Bucket 211 = 5 × 42 + 1 now belongs to A instead of the quiescent C.
        assertSame(a, sh.schedule(fx.from(ipv4(192, 168, 1, 7), 1000)));
    }
}
