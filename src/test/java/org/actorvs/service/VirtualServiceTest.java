package org.actorvs.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.actorvs.sched.Flow;
import org.actorvs.sched.Schedulers;
import org.junit.jupiter.api.Test;

class VirtualServiceTest {
    private static final long VIP = 0xC0000201L;  // 192.0.2.1

    private final DestinationRegistry registry = new DestinationRegistry();
    private final Flow flow = new Flow().set(4, 6, 0L, 0xC6336407L, 40000, 0L, VIP, 80);

    private VirtualService service(final String scheduler) {
        return new VirtualService(registry, 4, 6, 0L, VIP, 80, 0, scheduler, 0);
    }

    private static Destination add(final VirtualService svc, final int lastOctet, final int weight) {
        return svc.addDestination(4, 0L, 0x0A000000L | lastOctet, 80, ForwardingMethod.DROUTE, weight, 0, 0);
    }

    @Test
    void destinationsAreListedMostRecentlyAddedFirst() {
        final VirtualService svc = service("rr");
        final Destination a = add(svc, 1, 1);
        final Destination b = add(svc, 2, 1);
        final Destination c = add(svc, 3, 1);

        assertEquals(List.of(c, b, a), svc.destinations());
        assertSame(c, svc.schedule(flow));
        assertSame(b, svc.schedule(flow));
        assertSame(a, svc.schedule(flow));
    }

    @Test
    void addingAnExistingDestinationIsRefused() {
        final VirtualService svc = service("wlc");
        add(svc, 1, 1);

        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> add(svc, 1, 5));
        assertEquals("destination 10.0.0.1:80 already exists in the service", e.getMessage());
        assertEquals(1, svc.destinations().size());
    }

    @Test
    void aRemovedDestinationIsUnavailableAndNoLongerScheduled() {
        final VirtualService svc = service("lblc");
        final Destination a = add(svc, 1, 1);
        final Destination b = add(svc, 2, 1);
        assertSame(b, svc.schedule(flow));  // lblc maps the VIP to B

        svc.removeDestination(b);

        assertFalse(b.available());
        assertEquals(List.of(a), svc.destinations());
        assertSame(a, svc.schedule(flow));
        assertNull(registry.byId(b.id()));
    }

    @Test
    void reAddingADestinationConnectionsStillUseTakesItBackWithItsCounters() {
        final VirtualService svc = service("wlc");
        final Destination a = add(svc, 1, 1);
        add(svc, 2, 1);
        registry.connectionBound(a.id(), 0);

        svc.removeDestination(a);
        final Destination again = add(svc, 1, 7);

        assertSame(a, again);
        assertTrue(a.available());
        assertEquals(1, a.activeConns());
        assertEquals(7, a.weight());
        assertSame(a, svc.destinations().get(0));
    }

    @Test
    void aRemovedDestinationWithoutConnectionsComesBackAsANewOne() {
        final VirtualService svc = service("wlc");
        final Destination a = add(svc, 1, 1);

        svc.removeDestination(a);
        final Destination again = add(svc, 1, 1);

        assertNotSame(a, again);
        assertFalse(a.available());
    }

    @Test
    void editingRunsTheSchedulersUpdate() {
        final VirtualService svc = service("wrr");
        final Destination a = add(svc, 1, 1);
        final Destination b = add(svc, 2, 1);

        svc.editDestination(a, ForwardingMethod.MASQ, 3, 0, 0);

        // The service's wrr began empty, so the adds left it at level 1 (ip_vs_wrr_dest_changed() keeps
        // a level that still fits). The edit restarts at the head: B A finish level 1, then levels 3, 2
        // give A alone, and level 1 gives B again.
        assertEquals(List.of(b, a, a, a, b), List.of(svc.schedule(flow), svc.schedule(flow), svc.schedule(flow),
            svc.schedule(flow), svc.schedule(flow)));
        assertEquals(ForwardingMethod.MASQ, a.method());
    }

    @Test
    void editingAnUnknownDestinationIsRefused() {
        final VirtualService svc = service("wrr");
        final Destination stranger = registry.create(4, 0L, 0x0A000009L, 80, ForwardingMethod.DROUTE, 1, 0, 0);

        assertThrows(IllegalArgumentException.class,
            () -> svc.editDestination(stranger, ForwardingMethod.DROUTE, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> svc.removeDestination(stranger));
    }

    @Test
    void invalidEditSettingsChangeNothing() {
        final VirtualService svc = service("wrr");
        final Destination a = add(svc, 1, 4);

        assertThrows(IllegalArgumentException.class, () -> svc.editDestination(a, ForwardingMethod.DROUTE, 9, 1, 2));
        assertEquals(4, a.weight());
    }

    @Test
    void anotherAddressFamilyNeedsTunnelling() {
        final VirtualService svc = service("rr");

        assertThrows(IllegalArgumentException.class,
            () -> svc.addDestination(6, 0x20010DB800000000L, 1L, 80, ForwardingMethod.DROUTE, 1, 0, 0));
        final Destination v6 = svc.addDestination(6, 0x20010DB800000000L, 1L, 80, ForwardingMethod.TUNNEL, 1, 0, 0);
        assertEquals(6, v6.af());
        assertThrows(IllegalArgumentException.class,
            () -> svc.editDestination(v6, ForwardingMethod.MASQ, 1, 0, 0));
    }

    @Test
    void editingTheSchedulerStartsTheNewOneFromTheCurrentDestinations() {
        final VirtualService svc = service("rr");
        add(svc, 1, 1);
        final Destination b = add(svc, 2, 5);

        svc.edit("fo", Schedulers.SCHED1);

        assertEquals("fo", svc.scheduler().name());
        assertEquals(Schedulers.SCHED1, svc.flags());
        assertSame(b, svc.schedule(flow));
        assertThrows(IllegalArgumentException.class, () -> svc.edit("nope", 0));
        assertEquals("fo", svc.scheduler().name());
    }

    @Test
    void anMhServiceRefusesMoreDestinationsThanItsTableHasSlotsAndForgetsTheRefusedOne() {
        final VirtualService svc = service("rr");
        for (int i = 0; i < 4093; i++) {
            svc.addDestination(4, 0L, 0x0A010000L + i, 80, ForwardingMethod.DROUTE, 1, 0, 0);
        }
        svc.edit("mh", 0);

        assertThrows(IllegalArgumentException.class, () -> add(svc, 1, 1));

        assertEquals(4093, svc.destinations().size());
        assertNull(svc.find(4, 0L, 0x0A000001L, 80));
        assertEquals(4093, registry.size());
        assertTrue(svc.schedule(flow).available());
    }

    @Test
    void removingAllDestinationsReleasesThem() {
        final VirtualService svc = service("sh");
        final Destination a = add(svc, 1, 1);
        final Destination b = add(svc, 2, 1);

        svc.removeAllDestinations();

        assertTrue(svc.destinations().isEmpty());
        assertFalse(a.available());
        assertFalse(b.available());
        assertNull(svc.schedule(flow));
        assertEquals(0, registry.size());
    }
}
