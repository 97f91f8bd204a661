package org.actorvs.service;

import static org.actorvs.service.Literals.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class RuleSetDiffTest {
    private static final ServiceKey WEB = ServiceKey.of(ServiceKey.Protocol.TCP, ip("192.0.2.1"), 80);
    private static final ServiceKey DNS = ServiceKey.of(ServiceKey.Protocol.UDP, ip("192.0.2.1"), 53);
    private static final ServiceKey MAIL = ServiceKey.of(ServiceKey.Protocol.TCP, ip("192.0.2.1"), 25);

    private static RuleSet rules(ServiceKey... keys) throws RuleSet.EditException {
        RuleSet.Builder b = RuleSet.builder();
        for (ServiceKey k : keys) {
            b.addService(ServiceSpec.of(k)).addDest(k, DestinationSpec.of(ip("10.0.0.1"), 80));
        }
        return b.build();
    }

    @Test
    void equalTablesHaveNoDifference() throws Exception {
        assertTrue(RuleSetDiff.between(rules(WEB, DNS), rules(WEB, DNS)).isEmpty());
    }

    @Test
    void servicesOnlyInTheTargetAreAddedAndOnlyInTheCurrentAreRemoved() throws Exception {
        RuleSetDiff d = RuleSetDiff.between(rules(WEB, DNS), rules(WEB, MAIL));

        assertEquals(List.of(MAIL), d.added().stream().map(RuleSet.Service::key).toList());
        assertEquals(List.of(DNS), d.removed());
        assertTrue(d.changed().isEmpty());
    }

    @Test
    void aServiceWithAnotherDestinationIsChanged() throws Exception {
        RuleSet target = rules(WEB, DNS).addDest(WEB, DestinationSpec.of(ip("10.0.0.2"), 80));

        RuleSetDiff d = RuleSetDiff.between(rules(WEB, DNS), target);

        assertEquals(List.of(target.service(WEB).orElseThrow()), d.changed());
        assertTrue(d.added().isEmpty() && d.removed().isEmpty());
    }
}
