package org.actorvs.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.actorvs.packet.InetAddresses;
import org.junit.jupiter.api.Test;

class ServiceTableTest {
    private static final long VIP = InetAddresses.parseIpv4("10.0.0.100") & 0xFFFF_FFFFL;
    private static final long RS = InetAddresses.parseIpv4("10.0.1.11") & 0xFFFF_FFFFL;
    private static final long[] VIP6 = InetAddresses.parseIpv6("fd00::100");
    private static final long[] RS6 = InetAddresses.parseIpv6("fd01::11");
    private static final int TCP = 6;
    private static final int UDP = 17;

    private final DestinationRegistry registry = new DestinationRegistry();

    private Schedule service(int af, int protocol, long hi, long lo, int port, long rsHi, long rsLo, int rsPort) {
        VirtualService vs = new VirtualService(registry, af, protocol, hi, lo, port, 0, "rr", 0);
        vs.addDestination(af, rsHi, rsLo, rsPort, ForwardingMethod.MASQ, 1, 0, 0);
        return new Schedule(af, protocol, hi, lo, port, 0, 0, 0, 0, -1L, null, vs.scheduler(), vs.destinations());
    }

    @Test
    void anExactServiceMatchesOnlyItsProtocolAddressAndPort() {
        Schedule web = service(4, TCP, 0, VIP, 80, 0, RS, 8080);
        ServiceTable table = new ServiceTable(List.of(web));

        assertSame(web, table.find(4, 0, TCP, 0, VIP, 80));
        assertNull(table.find(4, 0, UDP, 0, VIP, 80));
        assertNull(table.find(4, 0, TCP, 0, VIP, 81));
    }

    @Test
    void anFtpServiceTakesPort20AndUnprivilegedPortsOfItsAddressButNotOthers() {
        Schedule ftp = service(4, TCP, 0, VIP, 21, 0, RS, 21);
        ServiceTable table = new ServiceTable(List.of(ftp));

        assertSame(ftp, table.find(4, 0, TCP, 0, VIP, 20));
        assertSame(ftp, table.find(4, 0, TCP, 0, VIP, 40000));
        assertNull(table.find(4, 0, TCP, 0, VIP, 80), "a privileged port other than 20 needs its own service");
    }

    @Test
    void aPortZeroServiceCatchesEveryPortOfItsAddressAfterExactMatches() {
        Schedule web = service(4, TCP, 0, VIP, 80, 0, RS, 8080);
        Schedule any = service(4, TCP, 0, VIP, 0, 0, RS, 0);
        ServiceTable table = new ServiceTable(List.of(web, any));

        assertSame(web, table.find(4, 0, TCP, 0, VIP, 80));
        assertSame(any, table.find(4, 0, TCP, 0, VIP, 443));
    }

    @Test
    void ipv6ServicesAreFoundByTheirFullAddress() {
        Schedule web6 = service(6, TCP, VIP6[0], VIP6[1], 80, RS6[0], RS6[1], 8080);
        ServiceTable table = new ServiceTable(List.of(web6));

        assertSame(web6, table.find(6, 0, TCP, VIP6[0], VIP6[1], 80));
        assertNull(table.find(6, 0, TCP, VIP6[0], VIP6[1] + 1, 80));
    }

    @Test
    void natRealServersAreKnownPerProtocolAsIpVsHasRealServer() {
        ServiceTable table = new ServiceTable(List.of(service(4, TCP, 0, VIP, 80, 0, RS, 8080),
                service(6, TCP, VIP6[0], VIP6[1], 80, RS6[0], RS6[1], 8080)));

        assertTrue(table.hasNatRealServer(4, TCP, 0, RS, 8080));
        assertFalse(table.hasNatRealServer(4, UDP, 0, RS, 8080));
        assertFalse(table.hasNatRealServer(4, TCP, 0, RS, 8081));
        assertTrue(table.hasNatRealServer(6, TCP, RS6[0], RS6[1], 8080));
        assertFalse(table.hasNatRealServer(6, UDP, RS6[0], RS6[1], 8080));
    }
}
