package org.actorvs.service;

import static org.actorvs.service.Literals.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ServiceStateTest {
    private final DestinationRegistry registry = new DestinationRegistry();

    @Test
    void anAddressServiceSnapshotCarriesItsAddressProtocolAndDefaults() {
        ServiceKey key = ServiceKey.of(ServiceKey.Protocol.UDP, ip("192.0.2.1"), 53);

        Schedule s = new ServiceState(registry, ServiceSpec.of(key)).snapshot();

        assertEquals(List.of(4, 17, 0L, 0xC0000201L, 53, 0), List.of(s.af(), s.protocol(), s.vaddrHi(), s.vaddrLo(),
                s.port(), s.fwmark()));
        assertFalse(s.persistent());
        assertEquals("wlc", s.scheduler().name());
        assertNull(s.peName());
    }

    @Test
    void persistenceOnePacketAndEngineBecomeFlagsAndFields() {
        ServiceKey key = ServiceKey.of(ServiceKey.Protocol.UDP, ip("192.0.2.1"), 5060);
        ServiceSpec spec = ServiceSpec.of(key).withPersistence(120, 0xFFFF_FF00).withOnePacket(true)
                .withPersistenceEngine("sip").withScheduler("sh", ServiceSpec.SCHED_FLAG_2);

        Schedule s = new ServiceState(registry, spec).snapshot();

        assertEquals(Schedule.SVC_F_PERSISTENT | Schedule.SVC_F_ONEPACKET | ServiceSpec.SCHED_FLAG_2, s.flags());
        assertEquals(120, s.persistentTimeoutSeconds());
        assertEquals(0L, s.netmaskHi());
        assertEquals(0xFFFF_FF00L, s.netmaskLo());
        assertEquals("sip", s.peName());
    }

    @Test
    void anIpv6PersistencePrefixBecomesAMaskOverBothHalves() {
        ServiceKey key = ServiceKey.of(ServiceKey.Protocol.TCP, ip("2001:db8::1"), 443);

        Schedule s = new ServiceState(registry, ServiceSpec.of(key).withPersistence(300, 72)).snapshot();

        assertEquals(-1L, s.netmaskHi());
        assertEquals(0xFF00_0000_0000_0000L, s.netmaskLo());
    }

    @Test
    void aFirewallMarkServiceHasNoProtocolAddressOrPort() {
        Schedule s = new ServiceState(registry, ServiceSpec.of(ServiceKey.ofFwmark(7, true))
                .withPersistence(300, 64)).snapshot();

        assertEquals(List.of(6, 0, 0L, 0L, 0, 7), List.of(s.af(), s.protocol(), s.vaddrHi(), s.vaddrLo(),
                s.port(), s.fwmark()));
        assertEquals(-1L, s.netmaskHi());
        assertEquals(0L, s.netmaskLo());
    }

    @Test
    void aFirewallMarkServiceSnapshotCarriesTheRulesThatGiveItsMark() {
        FwmarkRule web = new FwmarkRule(java.util.Set.of(ServiceKey.Protocol.TCP), ip("192.0.2.1"), 32,
                List.of(new FwmarkRule.PortRange(80, 80), new FwmarkRule.PortRange(443, 443)), ip("0.0.0.0"), 0);
        Schedule s = new ServiceState(registry, ServiceSpec.of(ServiceKey.ofFwmark(7, false)).withMatchRule(web))
                .snapshot();

        assertEquals(List.of(web), s.matchRules());
        assertEquals(7, new ServiceTable(List.of(s)).mark(4, 6, 0, 0xC6336401L, 0, 0xC0000201L, 443));
    }

    @Test
    void anEqualSpecIsNoEdit() {
        ServiceSpec spec = ServiceSpec.of(ServiceKey.of(ServiceKey.Protocol.TCP, ip("192.0.2.1"), 80));
        ServiceState state = new ServiceState(registry, spec);

        assertFalse(state.edit(spec));
        assertTrue(state.edit(spec.withScheduler("rr", 0)));
        assertEquals("rr", state.snapshot().scheduler().name());
    }
}
