package org.actorvs.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import org.junit.jupiter.api.Test;

class DestinationRegistryTest {
    private static final int INACTIVE = Destination.CONN_F_INACTIVE;

    private final DestinationRegistry registry = new DestinationRegistry();

    private Destination create(final int lastOctet) {
        return registry.create(4, 0L, 0x0A000000L | lastOctet, 80, ForwardingMethod.DROUTE, 1, 0, 0);
    }

    @Test
    void idsStartAboveNoIdAndLookUpTheirDestination() {
        final Destination a = create(1);
        final Destination b = create(2);

        assertEquals(1, a.id());
        assertEquals(2, b.id());
        assertSame(b, registry.byId(2));
        assertNull(registry.byId(DestinationRegistry.NO_ID));
        assertNull(registry.byId(3));
        assertNull(registry.byId(-1));
    }

    @Test
    void aReleasedIdIsReusedOldestFirst() {
        final Destination a = create(1);
        final Destination b = create(2);
        create(3);

        registry.release(b);
        registry.release(a);

        assertFalse(a.available());
        assertNull(registry.byId(1));
        assertEquals(2, create(4).id());
        assertEquals(1, create(5).id());
        assertEquals(4, create(6).id());
    }

    @Test
    void anIdStaysTakenWhileConnectionsReferToTheRemovedDestination() {
        final Destination a = create(1);
        registry.connectionBound(a.id(), INACTIVE);
        registry.connectionBound(a.id(), Destination.CONN_F_TEMPLATE);

        assertFalse(registry.release(a));
        assertFalse(a.available());
        assertSame(a, registry.byId(1));
        assertEquals(2, create(2).id());

        registry.connectionUnbound(a.id(), INACTIVE);
        assertSame(a, registry.byId(1));
        registry.connectionUnbound(a.id(), Destination.CONN_F_TEMPLATE);

        assertNull(registry.byId(1));
        assertEquals(1, create(3).id());
        assertEquals(2, registry.size());
    }

    @Test
    void eventsForFreeIdsAreDroppedAndCounted() {
        final Destination a = create(1);
        registry.release(a);

        registry.connectionBound(a.id(), 0);
        registry.connectionUnbound(7, 0);
        registry.activeToInactive(7);
        registry.inactiveToActive(7);

        assertEquals(0, a.activeConns());
        assertEquals(4, registry.staleEvents());
    }

    @Test
    void growsPastItsInitialCapacity() {
        final List<Destination> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(registry.create(4, 0L, 0x0A010000L + i, 80, ForwardingMethod.DROUTE, 1, 0, 0));
        }

        for (final Destination dest : all) {
            assertSame(dest, registry.byId(dest.id()));
        }
        assertEquals(1000, registry.size());
    }

    @Test
    void aRejectedCreationGivesItsIdBack() {
        final Destination a = create(1);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> registry.create(4, 0L, 0x0A000002L, 80, ForwardingMethod.DROUTE, -5, 0, 0));
        assertTrue(e.getMessage().contains("-5"), e.getMessage());

        assertEquals(a.id() + 1, create(3).id());
        assertEquals(2, registry.size());
    }

    @Test
    void countersStayExactUnderConcurrentConnectionEventsFromSeveralShards() throws Exception {
        final Destination dest = registry.create(4, 0L, 0x0A000001L, 80, ForwardingMethod.DROUTE, 1, 1000, 0);
        final int threads = 4;
        final int perThread = 20_000;
        final CyclicBarrier start = new CyclicBarrier(threads);
        final List<Thread> shards = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final Thread shard = new Thread(() -> {
                try {
                    start.await();
                } catch (final Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < perThread; i++) {
                    registry.connectionBound(dest.id(), INACTIVE);
                    registry.inactiveToActive(dest.id());
                    registry.activeToInactive(dest.id());
                    registry.connectionUnbound(dest.id(), INACTIVE);
                }
                registry.connectionBound(dest.id(), 0);
            });
            shards.add(shard);
            shard.start();
        }
        for (final Thread shard : shards) {
            shard.join();
        }

        assertEquals(threads, dest.activeConns());
        assertEquals(0, dest.inactiveConns());
        assertFalse(dest.overloaded());
        assertEquals(0, registry.staleEvents());
    }
}
