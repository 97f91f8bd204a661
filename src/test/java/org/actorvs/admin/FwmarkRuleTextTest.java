package org.actorvs.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;

import org.actorvs.service.FwmarkRule;
import org.actorvs.service.ServiceKey.Protocol;
import org.junit.jupiter.api.Test;

class FwmarkRuleTextTest {

    private static String canonical(String text, boolean ipv6) throws IpvsadmSyntaxException {
        return FwmarkRuleText.format(FwmarkRuleText.parse(text, ipv6));
    }

    private static IpvsadmSyntaxException rejected(String text) {
        return assertThrows(IpvsadmSyntaxException.class, () -> FwmarkRuleText.parse(text, false));
    }

    @Test
    void fullRuleParsesIntoItsParts() throws Exception {
        FwmarkRule r = FwmarkRuleText.parse("match tcp,udp dst 10.0.0.0/24 dport 80,8000-8080 src 192.0.2.0/25", false);
        assertEquals(new FwmarkRule(Set.of(Protocol.TCP, Protocol.UDP), AddressText.parse("10.0.0.0"), 24,
                List.of(new FwmarkRule.PortRange(80, 80), new FwmarkRule.PortRange(8000, 8080)),
                AddressText.parse("192.0.2.0"), 25), r);
    }

    @Test
    void printingIsCanonical() throws Exception {
        assertEquals("match tcp,sctp dst 10.0.0.1/32 dport 80,443",
                canonical("match sctp,tcp dport 80-80,443 dst 10.0.0.1", false));
    }

    @Test
    void missingDestinationMeansAnyAddressOfTheFamily() throws Exception {
        assertEquals("match udp dst 0.0.0.0/0 dport 53", canonical("match udp dport 53", false));
        assertEquals("match udp dst ::/0", canonical("match udp", true));
    }

    @Test
    void sourceIsPrintedOnlyWhenItNarrows() throws Exception {
        assertEquals("match tcp dst 2001:db8::/32", canonical("match tcp dst 2001:db8::/32 src ::/0", true));
    }

    @Test
    void unknownProtocolIsNamed() {
        IpvsadmSyntaxException e = rejected("match icmp dst 10.0.0.1");
        assertEquals("icmp", e.token());
        assertEquals("unknown protocol `icmp'", e.problem());
    }

    @Test
    void addressOfTheWrongFamilyIsNamed() {
        assertEquals("dst 2001:db8::1", rejected("match tcp dst 2001:db8::1").token());
    }

    @Test
    void prefixLongerThanTheAddressIsRefused() {
        assertEquals("bad prefix length", rejected("match tcp dst 10.0.0.0/33").problem());
    }

    @Test
    void reversedPortRangeIsRefused() {
        assertEquals("dport 90-80", rejected("match tcp dport 90-80").token());
    }

    @Test
    void clauseGivenTwiceIsRefused() {
        assertEquals("dst 10.0.0.2", rejected("match tcp dst 10.0.0.1 dst 10.0.0.2").token());
    }

    @Test
    void clauseWithoutValueIsRefused() {
        assertEquals("missing value", rejected("match tcp dst").problem());
    }

    @Test
    void unknownClauseIsRefused() {
        assertEquals("sport", rejected("match tcp sport 80").token());
    }
}
