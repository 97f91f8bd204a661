package org.actorvs.service;

import static org.actorvs.service.Literals.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import org.actorvs.packet.InetAddresses;
import org.actorvs.service.FwmarkRule.PortRange;
import org.actorvs.service.ServiceKey.Protocol;
import org.junit.jupiter.api.Test;

class FwmarkClassifierTest {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final long VIP = InetAddresses.parseIpv4("10.0.0.100") & 0xFFFF_FFFFL;
    private static final long CLIENT = InetAddresses.parseIpv4("192.0.2.7") & 0xFFFF_FFFFL;
    private static final long OUTSIDER = InetAddresses.parseIpv4("198.51.100.7") & 0xFFFF_FFFFL;

    private static Schedule fwmark(int af, int mark, FwmarkRule... rules) {
        return new Schedule(af, 0, 0, 0, 0, mark, 0, 0, 0, -1L, null, null, List.of(), List.of(rules));
    }

    private static FwmarkClassifier classifier(Schedule... schedules) {
        return FwmarkClassifier.of(List.of(schedules));
    }

    @Test
    void aPacketInsideEveryConditionOfARuleGetsItsMark() {
        FwmarkClassifier c = classifier(fwmark(4, 5, new FwmarkRule(Set.of(Protocol.TCP, Protocol.UDP), ip("10.0.0.0"), 24,
                List.of(new PortRange(80, 80), new PortRange(8000, 8080)), ip("192.0.2.0"), 24)));

        assertEquals(5, c.mark(4, TCP, 0, CLIENT, 0, VIP, 80));
        assertEquals(5, c.mark(4, UDP, 0, CLIENT, 0, VIP, 8080));
    }

    @Test
    void eachConditionOfARuleCanRefuseAPacket() {
        FwmarkClassifier c = classifier(fwmark(4, 5, new FwmarkRule(Set.of(Protocol.TCP), ip("10.0.0.0"), 24,
                List.of(new PortRange(8000, 8080)), ip("192.0.2.0"), 24)));

        assertEquals(0, c.mark(4, UDP, 0, CLIENT, 0, VIP, 8000), "protocol");
        assertEquals(0, c.mark(4, TCP, 0, CLIENT, 0, VIP + 256, 8000), "destination network");
        assertEquals(0, c.mark(4, TCP, 0, CLIENT, 0, VIP, 8081), "port range");
        assertEquals(0, c.mark(4, TCP, 0, OUTSIDER, 0, VIP, 8000), "source network");
        assertEquals(0, c.mark(6, TCP, 0, CLIENT, 0, VIP, 8000), "address family");
    }

    @Test
    void aRuleWithoutPortsOrSourceMatchesEveryPortAndClient() {
        FwmarkClassifier c = classifier(fwmark(4, 9,
                new FwmarkRule(Set.of(Protocol.TCP), ip("10.0.0.100"), 32, List.of(), ip("0.0.0.0"), 0)));

        assertEquals(9, c.mark(4, TCP, 0, OUTSIDER, 0, VIP, 1));
        assertEquals(9, c.mark(4, TCP, 0, CLIENT, 0, VIP, 65535));
    }

    @Test
    void anIpv6RuleComparesBothWordsUnderItsPrefix() {
        long[] net = InetAddresses.parseIpv6("2001:db8:0:1::");
        long[] inside = InetAddresses.parseIpv6("2001:db8:0:1:ffff::1");
        long[] outside = InetAddresses.parseIpv6("2001:db8:0:2::1");
        FwmarkClassifier c = classifier(fwmark(6, 3,
                new FwmarkRule(Set.of(Protocol.TCP), ip("2001:db8:0:1::"), 64, List.of(), ip("::"), 0)));

        assertEquals(3, c.mark(6, TCP, net[0], 1, inside[0], inside[1], 443));
        assertEquals(0, c.mark(6, TCP, net[0], 1, outside[0], outside[1], 443));
    }

    @Test
    void theFirstMatchingRuleInServiceThenRuleOrderWins() {
        FwmarkRule any = new FwmarkRule(Set.of(Protocol.TCP), ip("10.0.0.0"), 8, List.of(), ip("0.0.0.0"), 0);
        FwmarkRule web = new FwmarkRule(Set.of(Protocol.TCP), ip("10.0.0.100"), 32, List.of(new PortRange(80, 80)),
                ip("0.0.0.0"), 0);

        assertEquals(1, classifier(fwmark(4, 1, web, any), fwmark(4, 2, web)).mark(4, TCP, 0, CLIENT, 0, VIP, 80));
        assertEquals(2, classifier(fwmark(4, 2, web), fwmark(4, 1, any)).mark(4, TCP, 0, CLIENT, 0, VIP, 80));
    }

    @Test
    void withoutRulesNoPacketIsMarked() {
        FwmarkClassifier c = classifier(fwmark(4, 1));

        assertEquals(0, c.size());
        assertEquals(0, c.mark(4, TCP, 0, CLIENT, 0, VIP, 80));
    }
}
