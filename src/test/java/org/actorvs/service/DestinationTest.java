package org.actorvs.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

/** Connection counters, thresholds and weights of one destination (ipvs-semantics §2.6, §4.3). */
class DestinationTest {
    private static final int INACTIVE = Destination.CONN_F_INACTIVE;
    private static final int TEMPLATE = Destination.CONN_F_TEMPLATE;

    private final DestinationRegistry registry = new DestinationRegistry();

    private Destination dest(final int upper, final int lower) {
        return registry.create(4, 0L, 0x0A000001L, 80, ForwardingMethod.MASQ, 1, upper, lower);
    }

    private void bind(final Destination dest, final int count) {
        for (int i = 0; i < count; i++) {
            registry.connectionBound(dest.id(), INACTIVE);
        }
    }

    private void unbind(final Destination dest, final int count) {
        for (int i = 0; i < count; i++) {
            registry.connectionUnbound(dest.id(), INACTIVE);
        }
    }

    @Test
    void connectionFlagsSelectTheCounter() {
        final Destination dest = dest(0, 0);

        registry.connectionBound(dest.id(), INACTIVE);
        registry.connectionBound(dest.id(), 0);
        registry.connectionBound(dest.id(), 0);
        registry.connectionBound(dest.id(), TEMPLATE | INACTIVE);

        assertEquals(1, dest.inactiveConns());
        assertEquals(2, dest.activeConns());
        assertEquals(1, dest.persistentConns());
        assertEquals(2 * 256 + 1, dest.connOverhead());

        registry.connectionUnbound(dest.id(), 0);
        registry.connectionUnbound(dest.id(), TEMPLATE);
        assertEquals(1, dest.activeConns());
        assertEquals(0, dest.persistentConns());
    }

    @Test
    void stateTransitionsMoveOneConnectionBetweenActiveAndInactive() {
        final Destination dest = dest(0, 0);
        bind(dest, 2);

        registry.inactiveToActive(dest.id());
        assertEquals(1, dest.activeConns());
        assertEquals(1, dest.inactiveConns());

        registry.activeToInactive(dest.id());
        assertEquals(0, dest.activeConns());
        assertEquals(2, dest.inactiveConns());
    }

    @Test
    void bindingUpToTheUpperThresholdSetsOverload() {
        final Destination dest = dest(3, 0);
        bind(dest, 2);
        assertFalse(dest.overloaded());

        registry.connectionBound(dest.id(), 0);

        assertTrue(dest.overloaded());
    }

    @Test
    void templatesDoNotCountTowardTheThresholds() {
        final Destination dest = dest(1, 0);

        registry.connectionBound(dest.id(), TEMPLATE);

        assertFalse(dest.overloaded());
    }

    @Test
    void unbindingClearsOverloadBelowTheLowerThreshold() {
        final Destination dest = dest(4, 2);
        bind(dest, 4);

        unbind(dest, 2);
        assertTrue(dest.overloaded(), "2 is not below the lower threshold 2");

        unbind(dest, 1);
        assertFalse(dest.overloaded());
    }

    @Test
    void withoutALowerThresholdUnbindingClearsOverloadBelowThreeQuartersOfTheUpper() {
        final Destination dest = dest(4, 0);
        bind(dest, 4);

        unbind(dest, 1);
        assertTrue(dest.overloaded(), "3 × 4 is not below 4 × 3");

        unbind(dest, 1);
        assertFalse(dest.overloaded());
    }

    @Test
    void transitionsAloneNeverChangeOverload() {
        final Destination dest = dest(2, 0);
        bind(dest, 2);

        registry.inactiveToActive(dest.id());
        registry.activeToInactive(dest.id());

        assertTrue(dest.overloaded());
    }

    @Test
    void raisingOrRemovingTheUpperThresholdClearsOverloadButLoweringDoesNot() {
        final Destination dest = dest(3, 0);
        bind(dest, 3);

        dest.setThresholds(3, 0);
        assertTrue(dest.overloaded());
        dest.setThresholds(2, 1);
        assertTrue(dest.overloaded());
        dest.setThresholds(5, 0);
        assertFalse(dest.overloaded());

        dest.setThresholds(1, 0);
        registry.connectionBound(dest.id(), INACTIVE);
        assertTrue(dest.overloaded());
        dest.setThresholds(0, 0);
        assertFalse(dest.overloaded());
    }

    @Test
    void aLowerThresholdAboveTheUpperOneIsRejected() {
        final Destination dest = dest(0, 0);

        assertThrows(IllegalArgumentException.class, () -> dest.setThresholds(2, 3));
        assertThrows(IllegalArgumentException.class, () -> dest.setThresholds(0, 1));
        assertThrows(IllegalArgumentException.class, () -> dest(5, 6));
    }

    @Test
    void lastWeightKeepsTheLatestNonZeroWeight() {
        final Destination dest = registry.create(4, 0L, 0x0A000002L, 80, ForwardingMethod.DROUTE, 5, 0, 0);
        assertEquals(5, dest.lastWeight());

        dest.setWeight(0);
        assertEquals(0, dest.weight());
        assertEquals(5, dest.lastWeight());

        dest.setWeight(3);
        assertEquals(3, dest.lastWeight());
    }

    @Test
    void addingWithWeightZeroStoresZeroAsLastWeight() {
        final Destination dest = registry.create(4, 0L, 0x0A000003L, 80, ForwardingMethod.DROUTE, 0, 0, 0);

        assertEquals(0, dest.lastWeight());
    }

    @Test
    void aNegativeWeightIsRejected() {
        final Destination dest = dest(0, 0);

        assertThrows(IllegalArgumentException.class, () -> dest.setWeight(-1));
        assertEquals(1, dest.weight());
    }

    @Test
    void connectionFlagsCarryTheMethodAndNoOutputExceptForNat() {
        final Destination dest = dest(0, 0);
        assertEquals(0x0100, dest.connFlags());

        dest.setMethod(ForwardingMethod.TUNNEL);
        assertEquals(0x0182, dest.connFlags());
        assertEquals(ForwardingMethod.TUNNEL, ForwardingMethod.ofConnFlags(dest.connFlags()));
    }

    @Test
    void addressesFollowTheHiLoConvention() throws Exception {
        final Destination v4 = registry.create(4, 0L, 0xC0A80001L, 8080, ForwardingMethod.DROUTE, 1, 0, 0);
        final Destination v6 = registry.create(6, 0x20010DB800000000L, 0x0000000000000001L, 443,
            ForwardingMethod.TUNNEL, 1, 0, 0);

        assertEquals(InetAddress.getByName("192.168.0.1"), v4.address());
        assertEquals(InetAddress.getByName("2001:db8::1"), v6.address());
        assertEquals("[2001:db8:0:0:0:0:0:1]:443 (id 2, weight 1)", v6.toString());
        assertThrows(IllegalArgumentException.class,
            () -> registry.create(4, 1L, 0L, 80, ForwardingMethod.DROUTE, 1, 0, 0));

        final Destination fromInet = registry.create(InetAddress.getByName("2001:db8::ff01"), 443,
            ForwardingMethod.TUNNEL, 1, 0, 0);
        assertEquals(0x20010DB800000000L, fromInet.addrHi());
        assertEquals(0xFF01L, fromInet.addrLo());
        assertEquals(0xC0A80002L, registry.create(InetAddress.getByName("192.168.0.2"), 80,
            ForwardingMethod.DROUTE, 1, 0, 0).addrLo());
    }
}
