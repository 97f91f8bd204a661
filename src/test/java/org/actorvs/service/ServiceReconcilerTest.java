package org.actorvs.service;

import static org.actorvs.service.Literals.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.actorvs.sched.Flow;
import org.actorvs.service.ServiceReconciler.Changes;
import org.actorvs.service.ServiceReconciler.DestinationStatus;
import org.junit.jupiter.api.Test;

class ServiceReconcilerTest {
    private static final ServiceKey KEY = ServiceKey.of(ServiceKey.Protocol.TCP, ip("192.0.2.1"), 80);
    private static final ServiceSpec RR = ServiceSpec.of(KEY).withScheduler("rr", 0);
    private static final DestinationSpec A = DestinationSpec.of(ip("10.0.0.1"), 8080);
    private static final DestinationSpec B = DestinationSpec.of(ip("10.0.0.2"), 8080);
    private static final long DRAIN = 30_000_000_000L;

    private final DestinationRegistry registry = new DestinationRegistry();
    private final ServiceReconciler reconciler = new ServiceReconciler(registry, RR);
    private final Flow flow = new Flow().set(4, 6, 0L, 0xC6336407L, 40000, 0L, KEY.addressLo(), 80);

    /** The target with {@code dests} listed newest first, as RuleSet lists them. */
    private static RuleSet.Service target(ServiceSpec spec, DestinationSpec... dests) {
        return new RuleSet.Service(spec, List.of(dests));
    }

    private Changes apply(DestinationSpec... dests) {
        return reconciler.apply(target(RR, dests), 0, DRAIN);
    }

    private Destination live(DestinationSpec spec) {
        return reconciler.state().service().find(spec.af(), spec.addressHi(), spec.addressLo(), spec.port());
    }

    private void connect(Destination dest) {
        registry.connectionBound(dest.id(), 0);
    }

    /** A and B live, then a target without A while A has a connection: A drains. */
    private Destination drainingA() {
        apply(B, A);
        Destination a = live(A);
        connect(a);
        apply(B);
        return a;
    }

    @Test
    void theFirstApplyAddsEveryDestinationInTheTargetsOrder() {
        Changes c = apply(B, A);

        assertEquals(new Changes(false, 2, 0, 0, 0, 0), c);
        assertEquals(List.of(live(B), live(A)), reconciler.state().service().destinations());
    }

    @Test
    void anUnchangedDestinationKeepsItsObjectAndCounters() {
        apply(A);
        Destination a = live(A);
        connect(a);

        Changes c = apply(A);

        assertFalse(c.any());
        assertSame(a, live(A));
        assertEquals(1, a.activeConns());
    }

    @Test
    void aChangedWeightIsAnEditOfTheSameObject() {
        apply(A);
        Destination a = live(A);

        Changes c = apply(A.withWeight(7));

        assertEquals(new Changes(false, 0, 1, 0, 0, 0), c);
        assertSame(a, live(A));
        assertEquals(7, a.weight());
    }

    @Test
    void aChangedMethodAndThresholdsAreAnEdit() {
        apply(A);

        Changes c = apply(A.withForward(DestinationSpec.Forward.MASQ).withThresholds(100, 10));

        assertEquals(1, c.edited());
        assertEquals(ForwardingMethod.MASQ, live(A).method());
        assertEquals(100, live(A).upperThreshold());
        assertEquals(10, live(A).lowerThreshold());
    }

    @Test
    void aNewDestinationIsAddedAtTheHead() {
        apply(A);

        Changes c = apply(B, A);

        assertEquals(new Changes(false, 1, 0, 0, 0, 0), c);
        assertEquals(List.of(live(B), live(A)), reconciler.state().service().destinations());
    }

    @Test
    void aDroppedDestinationWithConnectionsDrainsAtWeightZeroAndIsNotScheduled() {
        apply(B, A);
        Destination a = live(A);
        connect(a);

        Changes c = apply(B);

        assertEquals(new Changes(false, 0, 0, 0, 1, 0), c);
        assertTrue(reconciler.draining(a));
        assertTrue(a.available());
        assertEquals(0, a.weight());
        for (int i = 0; i < 4; i++) {
            assertSame(live(B), reconciler.state().service().schedule(flow));
        }
    }

    @Test
    void aDroppedDestinationWithoutConnectionsIsRemovedAtOnce() {
        apply(B, A);
        Destination a = live(A);

        Changes c = apply(B);

        assertEquals(new Changes(false, 0, 0, 0, 0, 1), c);
        assertFalse(a.available());
        assertEquals(List.of(live(B)), reconciler.state().service().destinations());
    }

    @Test
    void aZeroDrainTimeoutRemovesAtOnceAsIpvsadmDelete() {
        apply(B, A);
        Destination a = live(A);
        connect(a);

        Changes c = reconciler.apply(target(RR, B), 0, 0);

        assertEquals(1, c.removed());
        assertFalse(a.available());
    }

    @Test
    void aDrainingDestinationStaysWhileItHasConnectionsAndTimeLeft() {
        Destination a = drainingA();

        assertFalse(reconciler.expireDrained(DRAIN - 1).any());
        assertTrue(reconciler.draining(a));
    }

    @Test
    void aDrainingDestinationIsRemovedWhenItsLastConnectionEnds() {
        apply(B, A);
        Destination a = live(A);
        registry.connectionBound(a.id(), Destination.CONN_F_INACTIVE);
        apply(B);
        registry.connectionUnbound(a.id(), Destination.CONN_F_INACTIVE);

        Changes c = reconciler.expireDrained(1);

        assertEquals(1, c.removed());
        assertFalse(a.available());
        assertFalse(reconciler.anyDraining());
    }

    @Test
    void aDrainingDestinationIsRemovedWhenTheDrainTimeoutPasses() {
        Destination a = drainingA();

        Changes c = reconciler.expireDrained(DRAIN);

        assertEquals(1, c.removed());
        assertFalse(a.available());
        assertEquals(List.of(live(B)), reconciler.state().service().destinations());
    }

    @Test
    void aDrainingDestinationAddedAgainIsRestoredWithTheNewSettings() {
        Destination a = drainingA();

        Changes c = apply(A.withWeight(3), B);

        assertEquals(new Changes(false, 0, 0, 1, 0, 0), c);
        assertSame(a, live(A));
        assertEquals(3, a.weight());
        assertFalse(reconciler.draining(a));
        assertEquals(1, a.activeConns());
    }

    @Test
    void aSchedulerChangeBindsANewScheduler() {
        apply(A);
        Object before = reconciler.state().service().scheduler();

        Changes c = reconciler.apply(target(RR.withScheduler("wlc", 0), A), 0, DRAIN);

        assertTrue(c.serviceEdited());
        assertNotSame(before, reconciler.state().service().scheduler());
        assertEquals("wlc", reconciler.state().service().scheduler().name());
    }

    @Test
    void aPersistenceChangeKeepsTheSchedulerAndReachesTheSnapshot() {
        apply(A);
        Object before = reconciler.state().service().scheduler();

        Changes c = reconciler.apply(target(RR.withPersistence(600, 0xFFFF_FF00), A), 0, DRAIN);

        Schedule s = reconciler.state().snapshot();
        assertTrue(c.serviceEdited());
        assertSame(before, reconciler.state().service().scheduler());
        assertTrue(s.persistent());
        assertEquals(600, s.persistentTimeoutSeconds());
        assertEquals(0xFFFF_FF00L, s.netmaskLo());
    }

    @Test
    void aRetiredServiceDrainsEveryDestinationAndFinishesWhenTheyEnd() {
        apply(B, A);
        Destination a = live(A);
        connect(a);

        Changes c = reconciler.retire(0, DRAIN);

        assertEquals(new Changes(false, 0, 0, 0, 1, 1), c);
        assertTrue(reconciler.retired());
        assertFalse(reconciler.finished());
        registry.connectionUnbound(a.id(), 0);
        reconciler.expireDrained(1);
        assertTrue(reconciler.finished());
    }

    @Test
    void aRetiredServiceAppliedAgainComesBackWithItsDestinations() {
        apply(A);
        Destination a = live(A);
        connect(a);
        reconciler.retire(0, DRAIN);

        Changes c = apply(A);

        assertEquals(new Changes(true, 0, 0, 1, 0, 0), c);
        assertFalse(reconciler.retired());
        assertSame(a, live(A));
        assertEquals(1, a.weight());
    }

    @Test
    void aTargetForAnotherServiceIsRefused() {
        ServiceSpec other = ServiceSpec.of(ServiceKey.of(ServiceKey.Protocol.TCP, ip("192.0.2.1"), 443));

        assertThrows(IllegalArgumentException.class, () -> reconciler.apply(target(other, A), 0, DRAIN));
    }

    @Test
    void theStatusListsWeightsCountersAndTheDrainFlag() {
        drainingA();

        assertEquals(List.of(
                new DestinationStatus(ip("10.0.0.2"), 8080, ForwardingMethod.DROUTE, 1, 0, 0, 0, false),
                new DestinationStatus(ip("10.0.0.1"), 8080, ForwardingMethod.DROUTE, 0, 1, 0, 0, true)),
                reconciler.status());
    }
}
