package org.actorvs.forward;

import static org.actorvs.forward.DirectorFixture.CLIENT;
import static org.actorvs.forward.DirectorFixture.CLIENT6;
import static org.actorvs.forward.DirectorFixture.CLIENT_MAC;
import static org.actorvs.forward.DirectorFixture.FRONT_MAC;
import static org.actorvs.forward.DirectorFixture.RS;
import static org.actorvs.forward.DirectorFixture.RS6;
import static org.actorvs.forward.DirectorFixture.RS_MAC;
import static org.actorvs.forward.DirectorFixture.VIP;
import static org.actorvs.forward.DirectorFixture.VIP6;
import static org.actorvs.forward.DirectorFixture.u;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.actorvs.conn.ConnectionTable;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.ParsedFrame;
import org.actorvs.packet.TcpFlyweight;
import org.actorvs.service.Destination;
import org.actorvs.service.ForwardingMethod;
import org.actorvs.service.FwmarkRule;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceKey.Protocol;
import org.actorvs.service.VirtualService;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The service features of the packet path, through {@link PacketProcessor} with real frames:
 * firewall-mark services, persistence as ip_vs_sched_persist(), one-packet scheduling and the SIP
 * persistence engine.
 */
class PacketProcessorServicesTest {
    private static final int SYN = TcpFlyweight.SYN;
    private static final int ACK = TcpFlyweight.ACK;
    private static final int MARK = 7;
    private static final int NEIGHBOUR = InetAddresses.parseIpv4("10.0.0.3");
    private static final long SECOND = 1_000_000_000L;
    private static final int SIP_PORT = 5060;

    // ---------------------------------------------------------------- helpers

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static FwmarkRule tcpRule(String dst, int prefix, int... ports) {
        List<FwmarkRule.PortRange> ranges = new java.util.ArrayList<>();
        for (int p : ports) {
            ranges.add(new FwmarkRule.PortRange(p, p));
        }
        return new FwmarkRule(Set.of(Protocol.TCP), ip(dst), prefix, ranges, ip(dst.contains(":") ? "::" : "0.0.0.0"), 0);
    }

    /** A NAT fwmark service over RS[0..n) with port 0, so connections keep the packet's port. */
    private static VirtualService fwmarkService(DirectorFixture d, int mark, int flags, int n, FwmarkRule... rules) {
        VirtualService vs = new VirtualService(d.registry, 4, 0, 0, 0, 0, mark, "rr", flags);
        for (int i = 0; i < n; i++) {
            vs.addDestination(4, 0, u(RS[i]), 0, ForwardingMethod.MASQ, 1, 0, 0);
        }
        vs.setMatchRules(List.of(rules));
        return vs;
    }

    private static VirtualService persistent(DirectorFixture d, int protocol, int port, int n, int rsPort,
            int timeout, int netmask) {
        VirtualService vs = d.virtualService(protocol, port, "rr", Schedule.SVC_F_PERSISTENT, ForwardingMethod.MASQ,
                n, rsPort);
        vs.setPersistence(timeout, netmask, "");
        return vs;
    }

    private static FrameBuilder syn(int client, int sport, int dport) {
        return DirectorFixture.tcp(FRONT_MAC, CLIENT_MAC, client, sport, VIP, dport, SYN);
    }

    private static FrameBuilder syn6(long[] client, int sport, int dport) {
        return new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC).ipv6(client[0], client[1], VIP6[0], VIP6[1], 6, 64)
                .tcp(sport, dport, 1000, 0, SYN, 65535);
    }

    /** The real server (its address) the director sent the last frame to. */
    private static long forwardedTo(DirectorFixture d) {
        return d.only().parse().dstLo;
    }

    private static int template(DirectorFixture d, int protocol, long snet, int vport) {
        return d.table.lookupTemplate(protocol, 4, 0, snet, 0, 0, u(VIP), vport);
    }

    private static FrameBuilder sip(int sport, String headers) {
        String message = "INVITE sip:bob@example.org SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2:" + sport + "\r\n"
                + headers + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        return DirectorFixture.clientUdp(sport, SIP_PORT, message.getBytes(StandardCharsets.US_ASCII));
    }

    /** A director with one persistent {@code --pe sip} UDP service over three real servers. */
    private static DirectorFixture sipDirector(int flags) {
        DirectorFixture d = new DirectorFixture();
        VirtualService vs = d.virtualService(IpProtocol.UDP, SIP_PORT, "rr", Schedule.SVC_F_PERSISTENT | flags,
                ForwardingMethod.MASQ, 3, SIP_PORT);
        vs.setPersistence(360, 0xFFFF_FFFF, Schedule.PE_SIP);
        d.services(DirectorFixture.schedule(vs));
        return d;
    }

    /** Sends a SIP request from the client's {@code sport} and returns the real server it went to. */
    private static long sipServer(DirectorFixture d, int sport, String headers) {
        assertEquals(Outcome.FORWARDED_IN, d.receive(sip(sport, headers)));
        return forwardedTo(d);
    }

    /**
     * A persistent service over three servers that a client has used once; then the server it got
     * is set to weight 0 and the service republished. Returns that server's address.
     */
    private static long quiesceTheClientsServer(DirectorFixture d) {
        VirtualService vs = persistent(d, IpProtocol.TCP, 80, 3, 8080, 300, 0xFFFF_FFFF);
        d.services(DirectorFixture.schedule(vs));
        d.receive(syn(CLIENT, 40000, 80));
        long first = forwardedTo(d);
        Destination quiesced = vs.destinations().stream().filter(x -> x.addrLo() == first).findFirst().orElseThrow();
        vs.editDestination(quiesced, ForwardingMethod.MASQ, 0, 0, 0);
        d.services(DirectorFixture.schedule(vs));
        return first;
    }

    // ---------------------------------------------------------------- firewall-mark services

    @Test
    void httpAndHttpsOfOneVipShareOneFwmarkPersistenceTemplate() {
        DirectorFixture d = new DirectorFixture();
        VirtualService vs = fwmarkService(d, MARK, Schedule.SVC_F_PERSISTENT, 3, tcpRule("10.0.0.100", 32, 80, 443));
        vs.setPersistence(300, 0xFFFF_FFFF, "");
        d.services(DirectorFixture.schedule(vs));

        assertEquals(Outcome.FORWARDED_IN, d.receive(syn(CLIENT, 40000, 80)));
        ParsedFrame http = d.only().parse();
        assertEquals(Outcome.FORWARDED_IN, d.receive(syn(CLIENT, 40001, 443)));
        ParsedFrame https = d.only().parse();

        assertEquals(http.dstLo, https.dstLo);
        assertEquals(80, http.dstPort);
        assertEquals(443, https.dstPort);
        // <IPPROTO_IP, caddr, 0, fwmark, 0>: one template for both ports.
        int t = d.table.lookupTemplate(0, 4, 0, u(CLIENT), 0, 0, MARK, 0);
        assertNotEquals(ConnectionTable.NONE, t);
        assertEquals(2, d.table.controlledCount(t));
        assertEquals(0, d.table.dport(t));
    }

    @Test
    void aPacketMatchingNoRuleFallsToTheAddressServices() {
        DirectorFixture d = new DirectorFixture();
        VirtualService marked = fwmarkService(d, MARK, 0, 1, tcpRule("10.0.0.100", 32, 80, 443));
        VirtualService ssh = new VirtualService(d.registry, 4, IpProtocol.TCP, 0, u(VIP), 22, 0, "rr", 0);
        ssh.addDestination(4, 0, u(RS[2]), 22, ForwardingMethod.MASQ, 1, 0, 0);
        d.services(DirectorFixture.schedule(marked), DirectorFixture.schedule(ssh));

        assertEquals(Outcome.FORWARDED_IN, d.receive(syn(CLIENT, 40000, 22)));
        assertEquals(u(RS[2]), forwardedTo(d));
        assertEquals(Outcome.NO_SERVICE, d.receive(syn(CLIENT, 40001, 25)));
    }

    @Test
    void theFirstMatchingRuleInConfigurationOrderGivesTheMark() {
        DirectorFixture d = new DirectorFixture();
        // Both services' rules match port 80; the first service's rule comes first.
        VirtualService first = fwmarkService(d, 1, 0, 1, tcpRule("10.0.0.0", 24, 80));
        VirtualService second = new VirtualService(d.registry, 4, 0, 0, 0, 0, 2, "rr", 0);
        second.addDestination(4, 0, u(RS[1]), 0, ForwardingMethod.MASQ, 1, 0, 0);
        second.setMatchRules(List.of(tcpRule("10.0.0.100", 32, 80, 8080)));
        d.services(DirectorFixture.schedule(first), DirectorFixture.schedule(second));

        d.receive(syn(CLIENT, 40000, 80));
        assertEquals(u(RS[0]), forwardedTo(d));
        d.receive(syn(CLIENT, 40001, 8080));
        assertEquals(u(RS[1]), forwardedTo(d));
    }

    @Test
    void anIpv6RuleMarksIpv6PacketsForAnIpv6FwmarkService() {
        DirectorFixture d = new DirectorFixture();
        VirtualService vs = new VirtualService(d.registry, 6, 0, 0, 0, 0, MARK, "rr", 0);
        vs.addDestination(6, RS6[0], RS6[1], 0, ForwardingMethod.MASQ, 1, 0, 0);
        vs.setMatchRules(List.of(tcpRule("fd00::100", 128, 443)));
        d.services(DirectorFixture.schedule(vs));

        assertEquals(Outcome.FORWARDED_IN, d.receive(syn6(CLIENT6, 40000, 443)));
        ParsedFrame f = d.only().parse();
        assertEquals(RS6[0], f.dstHi);
        assertEquals(RS6[1], f.dstLo);
        assertEquals(443, f.dstPort);
        assertEquals(Outcome.NO_SERVICE, d.receive(syn6(CLIENT6, 40001, 80)));
    }

    // ---------------------------------------------------------------- persistence

    @Test
    void twoClientsOfOneNetworkShareOneTemplateWithAPersistenceNetmask() {
        DirectorFixture d = new DirectorFixture();
        d.services(DirectorFixture.schedule(persistent(d, IpProtocol.TCP, 80, 3, 8080, 300, 0xFFFF_FF00)));

        d.receive(syn(CLIENT, 40000, 80));
        long first = forwardedTo(d);
        d.receive(syn(NEIGHBOUR, 40000, 80));

        assertEquals(first, forwardedTo(d));
        int t = template(d, IpProtocol.TCP, u(CLIENT) & 0xFFFF_FF00L, 80);
        assertNotEquals(ConnectionTable.NONE, t);
        assertEquals(2, d.table.controlledCount(t));
    }

    @Test
    void ipv6ClientsOfOnePrefixShareOneTemplate() {
        DirectorFixture d = new DirectorFixture();
        long[][] rs6 = {RS6, InetAddresses.parseIpv6("fd01::12"), InetAddresses.parseIpv6("fd01::13")};
        VirtualService vs = new VirtualService(d.registry, 6, IpProtocol.TCP, VIP6[0], VIP6[1], 80, 0, "rr",
                Schedule.SVC_F_PERSISTENT);
        for (int i = 0; i < rs6.length; i++) {
            d.neighbours.put(6, rs6[i][0], rs6[i][1], RS_MAC[i]);
            vs.addDestination(6, rs6[i][0], rs6[i][1], 80, ForwardingMethod.MASQ, 1, 0, 0);
        }
        vs.setPersistence(300, 64, "");
        d.services(DirectorFixture.schedule(vs));

        d.receive(syn6(CLIENT6, 40000, 80));
        long first = d.only().parse().dstLo;
        d.receive(syn6(InetAddresses.parseIpv6("fd00::3:2"), 40000, 80));

        assertEquals(first, d.only().parse().dstLo);
        int t = d.table.lookupTemplate(IpProtocol.TCP, 6, CLIENT6[0], 0, 0, VIP6[0], VIP6[1], 80);
        assertNotEquals(ConnectionTable.NONE, t);
        assertEquals(2, d.table.controlledCount(t));
    }

    @Test
    void aPortZeroServiceKeepsAClientOnOneServerForEveryPort() {
        DirectorFixture d = new DirectorFixture();
        d.services(DirectorFixture.schedule(persistent(d, IpProtocol.TCP, 0, 3, 0, 300, 0xFFFF_FFFF)));

        d.receive(syn(CLIENT, 40000, 8443));
        ParsedFrame first = d.only().parse();
        d.receive(syn(CLIENT, 40001, 9000));
        ParsedFrame second = d.only().parse();

        assertEquals(first.dstLo, second.dstLo);
        assertEquals(9000, second.dstPort);
        // <protocol, caddr, 0, vaddr, 0> -> <daddr, 0>
        int t = template(d, IpProtocol.TCP, u(CLIENT), 0);
        assertEquals(2, d.table.controlledCount(t));
        assertEquals(0, d.table.dport(t));
    }

    @Test
    void anFtpDataConnectionFollowsItsControlConnectionThroughAPortZeroTemplate() {
        DirectorFixture d = new DirectorFixture();
        d.services(DirectorFixture.schedule(persistent(d, IpProtocol.TCP, Schedule.FTP_PORT, 3, 21, 300, 0xFFFF_FFFF)));

        d.receive(syn(CLIENT, 40000, 21));
        ParsedFrame control = d.only().parse();
        // A passive data connection to an unprivileged port of the VIP finds the FTP service.
        assertEquals(Outcome.FORWARDED_IN, d.receive(syn(CLIENT, 40001, 30000)));
        ParsedFrame data = d.only().parse();

        assertEquals(control.dstLo, data.dstLo);
        assertEquals(21, control.dstPort);
        assertEquals(30000, data.dstPort);
        int t = template(d, IpProtocol.TCP, u(CLIENT), 0);
        assertEquals(2, d.table.controlledCount(t));
        assertEquals(ConnectionTable.NONE, template(d, IpProtocol.TCP, u(CLIENT), 21));
    }

    @Test
    void usingATemplateRestartsItsTimerWithThePersistentTimeout() {
        DirectorFixture d = new DirectorFixture();
        d.services(DirectorFixture.schedule(persistent(d, IpProtocol.TCP, 80, 3, 8080, 300, 0xFFFF_FFFF)));
        d.receive(syn(CLIENT, 40000, 80));
        int t = template(d, IpProtocol.TCP, u(CLIENT), 80);
        d.now += 200 * SECOND;

        d.receive(syn(CLIENT, 40001, 80));

        assertEquals(300, d.table.timeoutSeconds(t));
        assertTrue(d.table.remainingNanos(t, d.now) > 299 * SECOND);
    }

    @Test
    void aTemplateOutlivesItsTimeoutWhileItControlsAConnection() {
        DirectorFixture d = new DirectorFixture();
        d.services(DirectorFixture.schedule(persistent(d, IpProtocol.TCP, 80, 3, 8080, 300, 0xFFFF_FFFF)));
        d.receive(syn(CLIENT, 40000, 80));
        long first = forwardedTo(d);
        d.receive(DirectorFixture.clientTcp(40000, ACK)); // ESTABLISHED: 900 s
        d.now += 400 * SECOND;
        d.table.poll(d.now, null, 1000);

        int t = template(d, IpProtocol.TCP, u(CLIENT), 80);
        assertNotEquals(ConnectionTable.NONE, t);
        d.receive(syn(CLIENT, 40001, 80));
        assertEquals(first, forwardedTo(d));
    }

    @Test
    void aTemplateExpiresOnceItsConnectionsAreGone() {
        DirectorFixture d = new DirectorFixture();
        d.services(DirectorFixture.schedule(persistent(d, IpProtocol.TCP, 80, 3, 8080, 300, 0xFFFF_FFFF)));
        d.receive(syn(CLIENT, 40000, 80));
        d.receive(DirectorFixture.clientTcp(40000, ACK));

        for (int s = 0; s <= 1000; s += 10) {
            d.table.poll(d.now + s * SECOND, null, 1000);
        }

        assertEquals(ConnectionTable.NONE, template(d, IpProtocol.TCP, u(CLIENT), 80));
        assertEquals(0, d.table.size());
    }

    @Test
    void expireQuiescentTemplateSendsTheClientOfAWeightZeroServerElsewhere() {
        DirectorFixture d = new DirectorFixture(IpvsSettings.defaults().toBuilder().expireQuiescentTemplate(true).build());
        long first = quiesceTheClientsServer(d);

        d.receive(syn(CLIENT, 40001, 80));

        long second = forwardedTo(d);
        assertNotEquals(first, second);
        int t = template(d, IpProtocol.TCP, u(CLIENT), 80);
        assertEquals(second, d.table.daddrLo(t));
        assertEquals(1, d.table.controlledCount(t));
    }

    @Test
    void byDefaultAClientStaysOnItsQuiescentServer() {
        DirectorFixture d = new DirectorFixture();
        long first = quiesceTheClientsServer(d);

        d.receive(syn(CLIENT, 40001, 80));

        assertEquals(first, forwardedTo(d));
    }

    // ---------------------------------------------------------------- one-packet scheduling

    @Test
    void oneDatagramAfterAnotherOfOneFlowIsScheduledOnItsOwn() {
        DirectorFixture d = new DirectorFixture();
        d.services(DirectorFixture.schedule(
                d.virtualService(IpProtocol.UDP, 53, "rr", Schedule.SVC_F_ONEPACKET, ForwardingMethod.MASQ, 3, 53)));
        Set<Long> servers = new HashSet<>();

        for (int i = 0; i < 3; i++) {
            assertEquals(Outcome.FORWARDED_IN, d.receive(DirectorFixture.clientUdp(5000, 53, new byte[] {1, 2, 3})));
            servers.add(forwardedTo(d));
        }

        assertEquals(Set.of(u(RS[0]), u(RS[1]), u(RS[2])), servers);
    }

    @Test
    void oneDatagramLeavesNoConnectionBehind() {
        DirectorFixture d = new DirectorFixture();
        VirtualService vs = d.virtualService(IpProtocol.UDP, 53, "rr", Schedule.SVC_F_ONEPACKET, ForwardingMethod.MASQ,
                1, 53);
        d.services(DirectorFixture.schedule(vs));

        d.receive(DirectorFixture.clientUdp(5000, 53, new byte[] {1, 2, 3}));

        assertEquals(0, d.table.size());
        assertEquals(ConnectionTable.NONE, d.table.lookupIn(IpProtocol.UDP, 4, 0, u(CLIENT), 5000, 0, u(VIP), 53));
        assertEquals(0, vs.destinations().get(0).inactiveConns());
    }

    // ---------------------------------------------------------------- SIP persistence engine

    @Test
    void twoSipCallsOfOneClientWithDifferentCallIdsGoToDifferentServers() {
        DirectorFixture d = sipDirector(0);

        long first = sipServer(d, 5060, "Call-ID: a84b4c76e66710@pc33.example.org\r\n");

        assertNotEquals(first, sipServer(d, 5062, "Call-ID: f81d4fae7dec11d0@pc33.example.org\r\n"));
    }

    @Test
    void theSameCallIdFromAnotherClientPortGoesToTheSameServer() {
        DirectorFixture d = sipDirector(0);
        long first = sipServer(d, 5060, "Call-ID: a84b4c76e66710@pc33.example.org\r\n");

        for (int port = 5061; port < 5064; port++) {
            assertEquals(first, sipServer(d, port, "Call-ID: a84b4c76e66710@pc33.example.org\r\n"));
        }
    }

    @Test
    void theCompactCallIdHeaderInAnyCaseNamesTheSameCall() {
        DirectorFixture d = sipDirector(0);
        long first = sipServer(d, 5060, "CALL-ID: a84b4c76e66710\r\n");

        assertEquals(first, sipServer(d, 5061, "i: a84b4c76e66710\r\n"));
    }

    @Test
    void aSipDatagramWithoutCallIdIsDropped() {
        DirectorFixture d = sipDirector(0);

        assertEquals(Outcome.NO_PERSISTENCE_DATA, d.receive(sip(5060, "From: <sip:alice@example.org>\r\n")));

        assertTrue(d.sent.isEmpty());
        assertEquals(0, d.table.size());
    }

    @Test
    void aSipTemplateKeepsItsCallIdForTheSyncProtocol() {
        DirectorFixture d = sipDirector(0);
        sipServer(d, 5060, "Call-ID: a84b4c76e66710@pc33\r\n");
        int conn = d.table.lookupIn(IpProtocol.UDP, 4, 0, u(CLIENT), 5060, 0, u(VIP), SIP_PORT);
        int t = d.table.control(conn);

        UnsafeBuffer out = new UnsafeBuffer(new byte[255]);
        int n = d.table.peData(t, out, 0);

        byte[] callId = new byte[n];
        out.getBytes(0, callId);
        assertArrayEquals("a84b4c76e66710@pc33".getBytes(StandardCharsets.US_ASCII), callId);
        assertEquals(n, d.table.peDataLength(t));
    }

    @Test
    void withOnePacketSchedulingEachCallOfOneFlowGetsItsOwnServer() {
        DirectorFixture d = sipDirector(Schedule.SVC_F_ONEPACKET);
        Set<Long> servers = new HashSet<>();

        for (int call = 0; call < 3; call++) {
            long server = sipServer(d, 5060, "Call-ID: call" + call + "@pc33\r\n");
            assertEquals(server, sipServer(d, 5060, "Call-ID: call" + call + "@pc33\r\n"));
            servers.add(server);
        }

        // One 5-tuple, three calls: without one-packet scheduling its connection would pin them all.
        assertEquals(Set.of(u(RS[0]), u(RS[1]), u(RS[2])), servers);
    }
}
