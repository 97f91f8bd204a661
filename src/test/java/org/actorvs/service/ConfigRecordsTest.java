package org.actorvs.service;

import static org.actorvs.service.Literals.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.actorvs.service.DestinationSpec.Forward;
import org.actorvs.service.DestinationSpec.TunnelChecksum;
import org.actorvs.service.DestinationSpec.TunnelType;
import org.actorvs.service.ServiceKey.Protocol;
import org.junit.jupiter.api.Test;

/** Invariants of ServiceKey, ServiceSpec, DestinationSpec and FwmarkRule. */
class ConfigRecordsTest {


    private static final ServiceKey WEB = ServiceKey.of(Protocol.TCP, ip("10.0.0.1"), 80);

    @Test
    void ipv4KeyFollowsTheHotPathAddressConvention() {
        assertEquals(4, WEB.af());
        assertEquals(0, WEB.addressHi());
        assertEquals(0x0A000001L, WEB.addressLo());
    }

    @Test
    void ipv6KeyFollowsTheHotPathAddressConvention() {
        ServiceKey k = ServiceKey.of(Protocol.UDP, ip("2001:db8::1:2"), 53);
        assertEquals(6, k.af());
        assertEquals(0x20010DB800000000L, k.addressHi());
        assertEquals(0x0000000000010002L, k.addressLo());
    }

    @Test
    void fwmarkKeyCarriesNoAddress() {
        assertThrows(IllegalArgumentException.class, () -> new ServiceKey(Protocol.TCP, null, 0, 1, false));
        assertEquals(ServiceKey.ofFwmark(1, true), new ServiceKey(null, null, 0, 1, true));
        assertTrue(ServiceKey.ofFwmark(1, true).isFwmark());
    }

    @Test
    void onePacketSchedulingOnTcpIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ServiceSpec.of(WEB).withOnePacket(true));
    }

    @Test
    void zeroPortServiceMustBePersistent() {
        ServiceKey any = ServiceKey.of(Protocol.TCP, ip("10.0.0.1"), 0);
        assertThrows(IllegalArgumentException.class, () -> ServiceSpec.of(any));
        assertTrue(new ServiceSpec(any, "wlc", 0, 60, -1, false, "", List.of()).persistent());
    }

    @Test
    void nonPersistentServiceCarriesTheDefaultMask() {
        ServiceSpec s = new ServiceSpec(WEB, "rr", 0, 0, 0xFFFFFF00, false, "", List.of());
        assertEquals(ServiceSpec.DEFAULT_NETMASK_V4, s.netmask());
        assertEquals(ServiceSpec.of(WEB).withScheduler("rr", 0), s);
    }

    @Test
    void ipv6PersistencePrefixMustBe1To128() {
        ServiceSpec s = ServiceSpec.of(ServiceKey.ofFwmark(1, true));
        assertThrows(IllegalArgumentException.class, () -> s.withPersistence(300, 0));
        assertThrows(IllegalArgumentException.class, () -> s.withPersistence(300, 129));
        assertEquals(64, s.withPersistence(300, 64).netmask());
    }

    @Test
    void persistentTimeoutIsBoundedBy31Days() {
        assertThrows(IllegalArgumentException.class, () -> ServiceSpec.of(WEB).withPersistence(2678401, -1));
    }

    @Test
    void schedulerFlagsOutsideTheSchedBitsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ServiceSpec.of(WEB).withScheduler("rr", 0x1));
    }

    @Test
    void matchRulesBelongToFwmarkServicesOfTheirFamily() {
        FwmarkRule v4 = new FwmarkRule(Set.of(Protocol.TCP), ip("10.0.0.1"), 32, List.of(), ip("0.0.0.0"), 0);
        assertThrows(IllegalArgumentException.class, () -> ServiceSpec.of(WEB).withMatchRules(List.of(v4)));
        assertThrows(IllegalArgumentException.class,
                () -> ServiceSpec.of(ServiceKey.ofFwmark(1, true)).withMatchRules(List.of(v4)));
        assertEquals(1, ServiceSpec.of(ServiceKey.ofFwmark(1, false)).withMatchRule(v4).matchRules().size());
    }

    @Test
    void destinationDefaultsAreIpvsadms() {
        DestinationSpec d = DestinationSpec.of(ip("10.0.1.1"), 80);
        assertEquals(Forward.DROUTE, d.forward());
        assertEquals(1, d.weight());
        assertEquals(0, d.upperThreshold());
    }

    @Test
    void lowerThresholdAboveUpperIsRejectedEvenWithoutAnUpperLimit() {
        DestinationSpec d = DestinationSpec.of(ip("10.0.1.1"), 80);
        assertThrows(IllegalArgumentException.class, () -> d.withThresholds(0, 1));
        assertThrows(IllegalArgumentException.class, () -> d.withThresholds(5, 6));
        assertEquals(5, d.withThresholds(5, 5).lowerThreshold());
    }

    @Test
    void weightIsBoundedTo0Through65535() {
        DestinationSpec d = DestinationSpec.of(ip("10.0.1.1"), 80);
        assertThrows(IllegalArgumentException.class, () -> d.withWeight(65536));
        assertThrows(IllegalArgumentException.class, () -> d.withWeight(-1));
        assertEquals(0, d.withWeight(0).weight());
    }

    @Test
    void gueTunnelNeedsAPort() {
        DestinationSpec d = DestinationSpec.of(ip("10.0.1.1"), 80);
        assertThrows(IllegalArgumentException.class, () -> d.withTunnel(TunnelType.GUE, 0, TunnelChecksum.NOCSUM));
        assertEquals(6080, d.withTunnel(TunnelType.GUE, 6080, TunnelChecksum.CSUM).tunnelPort());
    }

    @Test
    void greTunnelTakesNoPortAndNoRemoteChecksum() {
        DestinationSpec d = DestinationSpec.of(ip("10.0.1.1"), 80);
        assertThrows(IllegalArgumentException.class, () -> d.withTunnel(TunnelType.GRE, 1, TunnelChecksum.NOCSUM));
        assertThrows(IllegalArgumentException.class, () -> d.withTunnel(TunnelType.GRE, 0, TunnelChecksum.REMCSUM));
    }

    @Test
    void tunnelSettingsOnAnotherMethodAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DestinationSpec(ip("10.0.1.1"), 80, Forward.MASQ, 1, 0, 0,
                TunnelType.GRE, 0, TunnelChecksum.NOCSUM));
    }

    @Test
    void forwardingMethodsCarryTheKernelValues() {
        assertEquals(List.of(0, 1, 2, 3), List.of(Forward.MASQ.kernelValue(), Forward.LOCALNODE.kernelValue(),
                Forward.TUNNEL.kernelValue(), Forward.DROUTE.kernelValue()));
    }

    @Test
    void matchRuleClearsHostBits() {
        FwmarkRule r = new FwmarkRule(Set.of(Protocol.TCP), ip("10.1.2.3"), 16, List.of(), ip("192.0.2.77"), 24);
        assertEquals(ip("10.1.0.0"), r.destination());
        assertEquals(ip("192.0.2.0"), r.source());
        assertEquals(r, new FwmarkRule(Set.of(Protocol.TCP), ip("10.1.0.0"), 16, List.of(), ip("192.0.2.0"), 24));
    }

    @Test
    void matchRuleMatchesProtocolNetworkPortAndSource() {
        FwmarkRule r = new FwmarkRule(Set.of(Protocol.TCP, Protocol.UDP), ip("10.1.0.0"), 16,
                List.of(new FwmarkRule.PortRange(80, 80), new FwmarkRule.PortRange(8000, 8080)), ip("192.0.2.0"), 24);
        assertTrue(r.matches(Protocol.UDP, ip("10.1.200.1"), 8080, ip("192.0.2.9")));
        assertFalse(r.matches(Protocol.SCTP, ip("10.1.200.1"), 80, ip("192.0.2.9")));
        assertFalse(r.matches(Protocol.TCP, ip("10.2.0.1"), 80, ip("192.0.2.9")));
        assertFalse(r.matches(Protocol.TCP, ip("10.1.0.1"), 81, ip("192.0.2.9")));
        assertFalse(r.matches(Protocol.TCP, ip("10.1.0.1"), 80, ip("192.0.3.9")));
    }

    @Test
    void matchRuleWithoutPortsMatchesEveryPort() {
        FwmarkRule r = new FwmarkRule(Set.of(Protocol.TCP), ip("2001:db8::"), 32, List.of(), ip("::"), 0);
        assertTrue(r.matches(Protocol.TCP, ip("2001:db8:ffff::1"), 12345, ip("2001:db8::99")));
        assertEquals(6, r.af());
    }
}
