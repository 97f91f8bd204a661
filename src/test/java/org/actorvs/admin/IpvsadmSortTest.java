package org.actorvs.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceKey.Protocol;
import org.actorvs.service.ServiceSpec;
import org.junit.jupiter.api.Test;

class IpvsadmSortTest {

    private static RuleSet.Service svc(ServiceKey key) {
        return new RuleSet.Service(ServiceSpec.of(key), List.of());
    }

    private static ServiceKey tcp(String vip, int port) {
        return ServiceKey.of(Protocol.TCP, AddressText.parse(vip), port);
    }

    private static List<ServiceKey> sorted(ServiceKey... keys) {
        List<RuleSet.Service> in = new ArrayList<>();
        for (ServiceKey k : keys) {
            in.add(svc(k));
        }
        return IpvsadmSort.services(in).stream().map(RuleSet.Service::key).toList();
    }

    @Test
    void addressServicesComeBeforeFwmarksAndFwmarksAscend() {
        ServiceKey f2 = ServiceKey.ofFwmark(2, false);
        ServiceKey f1 = ServiceKey.ofFwmark(1, true);
        ServiceKey web = tcp("10.0.0.1", 80);
        assertEquals(List.of(web, f1, f2), sorted(f2, f1, web));
    }

    @Test
    void ipv4ComesBeforeIpv6AndTcpBeforeUdpBeforeSctp() {
        ServiceKey v6 = tcp("2001:db8::1", 80);
        ServiceKey sctp = ServiceKey.of(Protocol.SCTP, AddressText.parse("10.0.0.1"), 80);
        ServiceKey udp = ServiceKey.of(Protocol.UDP, AddressText.parse("10.0.0.9"), 53);
        ServiceKey tcp = tcp("10.0.0.9", 80);
        assertEquals(List.of(tcp, udp, sctp, v6), sorted(v6, sctp, udp, tcp));
    }

    @Test
    void addressesHalfTheSpaceApartCompareBackwardsAsInLibipvs() {
        ServiceKey low = tcp("10.0.0.1", 80);
        ServiceKey high = tcp("192.168.0.1", 80);
        assertEquals(List.of(high, low), sorted(low, high));
        assertEquals(List.of(low, tcp("100.0.0.1", 80)), sorted(tcp("100.0.0.1", 80), low));
    }

    @Test
    void nonTransitiveOrderFollowsGlibcMergeSort() {
        // 0.x < 64.x < 128.x < 192.x < 0.x around the wrap: glibc's merge of [a,b] and [c,d] decides
        ServiceKey a = tcp("0.0.0.1", 80);
        ServiceKey b = tcp("64.0.0.1", 80);
        ServiceKey c = tcp("128.0.0.1", 80);
        ServiceKey d = tcp("192.0.0.1", 80);
        assertEquals(List.of(c, d, a, b), sorted(c, d, a, b));
        assertEquals(List.of(a, b, c, d), sorted(b, a, d, c));
    }

    @Test
    void destinationsOfMixedFamiliesSortByTheFirstWord() {
        DestinationSpec v6 = DestinationSpec.of(AddressText.parse("2001:db8::1"), 80);
        DestinationSpec v4 = DestinationSpec.of(AddressText.parse("10.0.0.1"), 80);
        assertEquals(List.of(v4, v6), IpvsadmSort.destinations(List.of(v6, v4)));
    }

    @Test
    void destinationsOnOneAddressSortByPort() {
        DestinationSpec p8080 = DestinationSpec.of(AddressText.parse("10.0.0.1"), 8080);
        DestinationSpec p80 = DestinationSpec.of(AddressText.parse("10.0.0.1"), 80);
        assertEquals(List.of(p80, p8080), IpvsadmSort.destinations(List.of(p8080, p80)));
    }
}
