package org.actorvs.forward;

import static org.actorvs.forward.DirectorFixture.BACK_MAC;
import static org.actorvs.forward.DirectorFixture.CLIENT;
import static org.actorvs.forward.DirectorFixture.CLIENT_MAC;
import static org.actorvs.forward.DirectorFixture.FRONT_MAC;
import static org.actorvs.forward.DirectorFixture.RS;
import static org.actorvs.forward.DirectorFixture.RS_MAC;
import static org.actorvs.forward.DirectorFixture.VIP;
import static org.actorvs.forward.DirectorFixture.clientTcp;
import static org.actorvs.forward.DirectorFixture.clientUdp;
import static org.actorvs.forward.DirectorFixture.tcp;
import static org.actorvs.forward.DirectorFixture.u;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.TcpStates;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.MacAddress;
import org.actorvs.packet.ParsedFrame;
import org.actorvs.packet.TcpFlyweight;
import org.actorvs.service.Destination;
import org.actorvs.service.ForwardingMethod;
import org.actorvs.service.Schedule;
import org.actorvs.service.VirtualService;
import org.junit.jupiter.api.Test;

class PacketProcessorTest {
    private static final int SYN = TcpFlyweight.SYN;
    private static final int ACK = TcpFlyweight.ACK;
    private static final int RST = TcpFlyweight.RST;

    private static DirectorFixture natDirector(DirectorFixture d) {
        d.services(DirectorFixture.schedule(d.virtualService(IpProtocol.TCP, 80, "rr", 0, ForwardingMethod.MASQ, 3, 8080)),
                DirectorFixture.schedule(d.virtualService(IpProtocol.UDP, 53, "rr", 0, ForwardingMethod.MASQ, 3, 8080)));
        return d;
    }

    private static DirectorFixture singleServer(DirectorFixture d, ForwardingMethod method, int port) {
        d.services(DirectorFixture.schedule(d.virtualService(IpProtocol.TCP, 80, "rr", 0, method, 1, port)));
        return d;
    }

    @Test
    void natSynIsRewrittenToTheRealServerWithValidChecksumsAndTtlMinusOne() {
        DirectorFixture d = natDirector(new DirectorFixture());

        assertEquals(Outcome.FORWARDED_IN, d.receive(clientTcp(40000, SYN)));

        DirectorFixture.Sent out = d.only();
        ParsedFrame f = out.parse(); // verifies IPv4 and TCP checksums by full recomputation
        assertEquals(1, out.port());
        assertEquals(u(CLIENT), f.srcLo);
        assertEquals(40000, f.srcPort);
        assertTrue(f.dstLo == u(RS[0]) || f.dstLo == u(RS[1]) || f.dstLo == u(RS[2]));
        assertEquals(8080, f.dstPort);
        assertEquals(63, f.ttl);
        assertEquals(BACK_MAC, EthernetFlyweight.srcMac(out.buffer(), 0));
        assertEquals(RS_MAC[rsIndex(f.dstLo)], EthernetFlyweight.dstMac(out.buffer(), 0));
    }

    @Test
    void natReplyIsRewrittenBackToTheVirtualAddress() {
        DirectorFixture d = natDirector(new DirectorFixture());
        d.receive(clientTcp(40000, SYN));
        ParsedFrame in = d.only().parse();
        int rs = (int) in.dstLo;

        Outcome o = d.receive(tcp(BACK_MAC, RS_MAC[rsIndex(in.dstLo)], rs, 8080, CLIENT, 40000, SYN | ACK));

        assertEquals(Outcome.FORWARDED_OUT, o);
        DirectorFixture.Sent out = d.only();
        ParsedFrame f = out.parse();
        assertEquals(0, out.port());
        assertEquals(u(VIP), f.srcLo);
        assertEquals(80, f.srcPort);
        assertEquals(u(CLIENT), f.dstLo);
        assertEquals(CLIENT_MAC, EthernetFlyweight.dstMac(out.buffer(), 0));
        assertEquals(FRONT_MAC, EthernetFlyweight.srcMac(out.buffer(), 0));
    }

    @Test
    void roundRobinSpreadsNewConnectionsOverTheRealServersInListOrder() {
        DirectorFixture d = natDirector(new DirectorFixture());
        long[] chosen = new long[6];
        for (int i = 0; i < chosen.length; i++) {
            d.receive(clientTcp(41000 + i, SYN));
            chosen[i] = d.only().parse().dstLo;
        }
        // List order is most recently added first: RS[2], RS[1], RS[0].
        assertEquals(List.of(u(RS[2]), u(RS[1]), u(RS[0]), u(RS[2]), u(RS[1]), u(RS[0])),
                List.of(chosen[0], chosen[1], chosen[2], chosen[3], chosen[4], chosen[5]));
    }

    @Test
    void establishedPacketsFollowTheirConnectionNotTheScheduler() {
        DirectorFixture d = natDirector(new DirectorFixture());
        d.receive(clientTcp(40000, SYN));
        long first = d.only().parse().dstLo;
        for (int i = 0; i < 5; i++) {
            d.receive(clientTcp(40000, ACK));
            assertEquals(first, d.only().parse().dstLo);
        }
    }

    @Test
    void tcpWithoutSynAndWithoutConnectionPassesUntouched() {
        DirectorFixture d = natDirector(new DirectorFixture());

        assertEquals(Outcome.NOT_SCHEDULABLE, d.receive(clientTcp(40000, ACK)));
        assertTrue(d.sent.isEmpty());
        assertEquals(0, d.table.size());
    }

    @Test
    void sloppyTcpLetsAnyNonResetPacketStartAConnection() {
        DirectorFixture d = natDirector(new DirectorFixture(IpvsSettings.defaults().toBuilder().sloppyTcp(true).build()));

        assertEquals(Outcome.FORWARDED_IN, d.receive(clientTcp(40000, ACK)));
        assertEquals(Outcome.NOT_SCHEDULABLE, d.receive(clientTcp(40001, RST | ACK)));
    }

    @Test
    void anyUdpDatagramStartsAConnection() {
        DirectorFixture d = natDirector(new DirectorFixture());

        assertEquals(Outcome.FORWARDED_IN, d.receive(clientUdp(5000, 53, new byte[] {1, 2, 3})));
        ParsedFrame f = d.only().parse();
        assertEquals(8080, f.dstPort);
        assertEquals(IpProtocol.UDP, f.protocol);
    }

    @Test
    void framesForAnotherMacPassUntouched() {
        DirectorFixture d = natDirector(new DirectorFixture());

        assertEquals(Outcome.NOT_FOR_US,
                d.receive(tcp(MacAddress.parse("02:99:99:99:99:99"), CLIENT_MAC, CLIENT, 40000, VIP, 80, SYN)));
        assertEquals(Outcome.NOT_FOR_US,
                d.receive(tcp(EthernetFlyweight.BROADCAST_MAC, CLIENT_MAC, CLIENT, 40000, VIP, 80, SYN)));
        assertTrue(d.sent.isEmpty());
    }

    @Test
    void framesTheDirectorSentItselfAreNeverProcessedAgain() {
        DirectorFixture d = natDirector(new DirectorFixture());

        assertEquals(Outcome.OWN_FRAME, d.receive(tcp(FRONT_MAC, BACK_MAC, CLIENT, 40000, VIP, 80, SYN)));
        assertEquals(0, d.table.size());
    }

    @Test
    void unsupportedProtocolsPassUntouched() {
        DirectorFixture d = natDirector(new DirectorFixture());
        FrameBuilder gre = new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC).ipv4(CLIENT, VIP, IpProtocol.GRE, 64, 1, false)
                .payload(new byte[] {0, 0, 8, 0});

        assertEquals(Outcome.UNSUPPORTED_PROTOCOL, d.receive(gre));
        assertTrue(d.sent.isEmpty());
    }

    @Test
    void aServiceWithoutAvailableDestinationsAnswersIcmpPortUnreachableFromTheVip() {
        DirectorFixture d = new DirectorFixture();
        d.services(DirectorFixture.schedule(d.virtualService(IpProtocol.TCP, 80, "rr", 0, ForwardingMethod.MASQ, 0, 8080)));

        assertEquals(Outcome.NO_DESTINATION, d.receive(clientTcp(40000, SYN)));

        ParsedFrame icmp = d.only().parse();
        assertEquals(IpProtocol.ICMP, icmp.protocol);
        assertEquals(3, icmp.icmpType);
        assertEquals(3, icmp.icmpCode);
        assertEquals(u(VIP), icmp.srcLo);
        assertEquals(u(CLIENT), icmp.dstLo);
        assertEquals(0xC0, icmp.tos);
    }

    @Test
    void aPacketForARemovedDestinationIsDroppedAndKeepsItsEntry() {
        DirectorFixture d = new DirectorFixture();
        VirtualService vs = d.virtualService(IpProtocol.TCP, 80, "rr", 0, ForwardingMethod.MASQ, 1, 8080);
        d.services(DirectorFixture.schedule(vs));
        d.receive(clientTcp(40000, SYN));
        Destination rs = vs.destinations().get(0);
        vs.removeDestination(rs);
        d.services(DirectorFixture.schedule(vs));

        assertEquals(Outcome.DESTINATION_UNAVAILABLE, d.receive(clientTcp(40000, ACK)));
        assertTrue(d.sent.isEmpty());
        assertNotEquals(ConnectionTable.NONE, d.table.lookupIn(6, 4, 0, u(CLIENT), 40000, 0, u(VIP), 80));
        assertFalse(rs.available());
    }

    @Test
    void withExpireNodestConnAPacketForARemovedDestinationExpiresItsEntry() {
        DirectorFixture d = new DirectorFixture(IpvsSettings.defaults().toBuilder().expireNodestConn(true).build());
        VirtualService vs = d.virtualService(IpProtocol.TCP, 80, "rr", 0, ForwardingMethod.MASQ, 1, 8080);
        d.services(DirectorFixture.schedule(vs));
        d.receive(clientTcp(40000, SYN));
        vs.removeDestination(vs.destinations().get(0));
        d.services(DirectorFixture.schedule(vs));

        assertEquals(Outcome.DESTINATION_UNAVAILABLE, d.receive(clientTcp(40000, ACK)));
        assertEquals(ConnectionTable.NONE,
                d.table.lookupIn(6, 4, 0, u(CLIENT), 40000, 0, u(VIP), 80));
    }

    @Test
    void natIcmpSendAnswersARealServerPacketWithoutConnection() {
        DirectorFixture d = natDirector(new DirectorFixture(IpvsSettings.defaults().toBuilder().natIcmpSend(true).build()));

        Outcome o = d.receive(tcp(BACK_MAC, RS_MAC[0], RS[0], 8080, CLIENT, 40000, ACK));

        assertEquals(Outcome.NAT_ICMP_SENT, o);
        ParsedFrame icmp = d.only().parse();
        assertEquals(3, icmp.icmpType);
        assertEquals(3, icmp.icmpCode);
        assertEquals(u(RS[0]), icmp.dstLo);
        assertEquals(d.back.ipv4(), icmp.srcLo);
    }

    @Test
    void natIcmpSendLeavesARealServerResetAlone() {
        DirectorFixture d = natDirector(new DirectorFixture(IpvsSettings.defaults().toBuilder().natIcmpSend(true).build()));

        assertNotEquals(Outcome.NAT_ICMP_SENT, d.receive(tcp(BACK_MAC, RS_MAC[0], RS[0], 8080, CLIENT, 40000, RST)));
        assertTrue(d.sent.isEmpty());
    }

    @Test
    void aSynOnATimeWaitEntryReschedulesANewConnection() {
        DirectorFixture d = natDirector(new DirectorFixture());
        d.receive(clientTcp(40000, SYN));
        int cp = d.table.lookupIn(6, 4, 0, u(CLIENT), 40000, 0, u(VIP), 80);
        long firstRs = d.table.daddrLo(cp);
        d.table.setState(cp, TcpStates.TIME_WAIT);

        assertEquals(Outcome.FORWARDED_IN, d.receive(clientTcp(40000, SYN)));

        int again = d.table.lookupIn(6, 4, 0, u(CLIENT), 40000, 0, u(VIP), 80);
        assertNotEquals(ConnectionTable.NONE, again);
        assertNotEquals(firstRs, d.table.daddrLo(again), "round robin moved on to the next real server");
    }

    @Test
    void directRoutingChangesOnlyTheMacsAndTtl() {
        DirectorFixture d = singleServer(new DirectorFixture(), ForwardingMethod.DROUTE, 80);
        FrameBuilder syn = clientTcp(40000, SYN);

        assertEquals(Outcome.FORWARDED_IN, d.receive(syn));

        DirectorFixture.Sent out = d.only();
        ParsedFrame f = out.parse();
        assertEquals(u(VIP), f.dstLo);
        assertEquals(80, f.dstPort);
        assertEquals(u(CLIENT), f.srcLo);
        assertEquals(63, f.ttl);
        assertEquals(RS_MAC[0], EthernetFlyweight.dstMac(out.buffer(), 0));
        int cp = d.table.lookupIn(6, 4, 0, u(CLIENT), 40000, 0, u(VIP), 80);
        assertEquals(ConnFlags.NOOUTPUT, d.table.flags(cp) & ConnFlags.NOOUTPUT);
    }

    @Test
    void tunnellingWrapsThePacketInAnIpipHeaderAsTheKernelDoes() {
        DirectorFixture d = singleServer(new DirectorFixture(), ForwardingMethod.TUNNEL, 80);

        assertEquals(Outcome.FORWARDED_IN, d.receive(clientTcp(40000, SYN)));

        DirectorFixture.Sent out = d.only();
        ParsedFrame outer = out.parse();
        assertEquals(IpProtocol.IPIP, outer.protocol);
        assertEquals(u(RS[0]), outer.dstLo);
        assertEquals(d.back.ipv4(), outer.srcLo);
        assertEquals(63, outer.ttl, "outer TTL is the inner TTL after this hop");
        int outerIp = outer.l3Offset;
        assertEquals(0, Ipv4Flyweight.flagsAndFragmentOffset(out.buffer(), outerIp) & 0x1FFF);
        assertEquals(Ipv4Flyweight.FLAG_DF, Ipv4Flyweight.flagsAndFragmentOffset(out.buffer(), outerIp) & Ipv4Flyweight.FLAG_DF);
        assertEquals(0, out.buffer().getShort(outerIp + Ipv4Flyweight.ID_OFFSET), "id 0 with DF");
        int inner = outerIp + 20;
        assertEquals(u(VIP), Ipv4Flyweight.dst(out.buffer(), inner) & 0xFFFF_FFFFL);
        assertEquals(63, Ipv4Flyweight.ttl(out.buffer(), inner));
    }

    @Test
    void aTunnelledPacketTooBigWithDfGetsFragmentationNeededWithTheTunnelMtu() {
        DirectorFixture d = singleServer(new DirectorFixture(), ForwardingMethod.TUNNEL, 80);
        d.receive(clientTcp(40000, SYN));
        FrameBuilder big = clientTcp(40000, ACK).payload(new byte[1500 - 40]);

        assertEquals(Outcome.TOO_BIG, d.receive(big));

        ParsedFrame icmp = d.only().parse();
        assertEquals(3, icmp.icmpType);
        assertEquals(4, icmp.icmpCode);
        assertEquals(1480, d.only().buffer().getShort(icmp.l4Offset + 6, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF);
        assertEquals(u(VIP), icmp.srcLo);
        assertEquals(u(CLIENT), icmp.dstLo);
    }

    @Test
    void aPacketWhoseTtlRunsOutGetsTimeExceeded() {
        DirectorFixture d = natDirector(new DirectorFixture());
        FrameBuilder dying = new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC).ipv4(CLIENT, VIP, 6, 1, 7, true)
                .tcp(40000, 80, 1, 0, SYN, 1000);

        assertEquals(Outcome.TTL_EXCEEDED, d.receive(dying));
        ParsedFrame icmp = d.only().parse();
        assertEquals(11, icmp.icmpType);
        assertEquals(0, icmp.icmpCode);
    }

    @Test
    void anIcmpErrorFromTheRealServerIsTranslatedToTheVirtualAddress() {
        DirectorFixture d = natDirector(new DirectorFixture());
        d.receive(clientTcp(40000, SYN));
        ParsedFrame toRs = d.only().parse();
        byte[] quoted = new byte[toRs.l3End - toRs.l3Offset];
        d.only().buffer().getBytes(toRs.l3Offset, quoted);
        int rs = (int) toRs.dstLo;
        FrameBuilder unreachable = new FrameBuilder().ethernet(BACK_MAC, RS_MAC[rsIndex(toRs.dstLo)])
                .ipv4(rs, CLIENT, IpProtocol.ICMP, 64, 9, false).icmp(3, 3, 0).payload(quoted);

        assertEquals(Outcome.FORWARDED_ICMP, d.receive(unreachable));

        DirectorFixture.Sent out = d.only();
        ParsedFrame f = out.parse(); // the ICMP checksum was recomputed
        assertEquals(u(VIP), f.srcLo);
        assertEquals(u(CLIENT), f.dstLo);
        int quotedIp = f.payloadOffset;
        assertEquals(u(VIP), Ipv4Flyweight.dst(out.buffer(), quotedIp) & 0xFFFF_FFFFL);
        assertEquals(80, TcpFlyweight.dstPort(out.buffer(), quotedIp + 20));
    }

    @Test
    void anIcmpErrorFromTheClientSideIsTranslatedToTheRealServer() {
        DirectorFixture d = natDirector(new DirectorFixture());
        d.receive(clientTcp(40000, SYN));
        long rs = d.only().parse().dstLo;
        // The client's host reports our reply (VIP:80 -> client:40000) as unreachable.
        FrameBuilder reply = tcp(CLIENT_MAC, FRONT_MAC, VIP, 80, CLIENT, 40000, SYN | ACK);
        byte[] replyBytes = new byte[reply.frameLength()];
        org.agrona.concurrent.UnsafeBuffer tmp = new org.agrona.concurrent.UnsafeBuffer(replyBytes);
        reply.build(tmp, 0);
        byte[] quoted = java.util.Arrays.copyOfRange(replyBytes, 14, replyBytes.length);
        FrameBuilder error = new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC)
                .ipv4(CLIENT, VIP, IpProtocol.ICMP, 64, 10, false).icmp(3, 1, 0).payload(quoted);

        assertEquals(Outcome.FORWARDED_ICMP, d.receive(error));

        DirectorFixture.Sent out = d.only();
        ParsedFrame f = out.parse();
        assertEquals(rs, f.dstLo);
        int quotedIp = f.payloadOffset;
        assertEquals(rs, Ipv4Flyweight.src(out.buffer(), quotedIp) & 0xFFFF_FFFFL);
        assertEquals(8080, TcpFlyweight.srcPort(out.buffer(), quotedIp + 20));
    }

    @Test
    void echoRequestsToTheVipAreNotRelatedErrors() {
        DirectorFixture d = natDirector(new DirectorFixture());
        FrameBuilder ping = new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC).ipv4(CLIENT, VIP, IpProtocol.ICMP, 64, 3, false)
                .icmp(8, 0, 0x00010001);

        assertEquals(Outcome.UNSUPPORTED_PROTOCOL, d.receive(ping));
    }

    @Test
    void persistentServiceSendsAClientsNewConnectionsToTheSameRealServer() {
        DirectorFixture d = new DirectorFixture();
        VirtualService vs = d.virtualService(IpProtocol.TCP, 80, "rr", Schedule.SVC_F_PERSISTENT, ForwardingMethod.MASQ, 3, 8080);
        d.services(DirectorFixture.schedule(vs, 300, 0xFFFF_FFFFL));
        d.receive(clientTcp(40000, SYN));
        long first = d.only().parse().dstLo;

        for (int i = 1; i < 5; i++) {
            d.receive(clientTcp(40000 + i, SYN));
            assertEquals(first, d.only().parse().dstLo);
        }
        int template = d.table.lookupTemplate(6, 4, 0, u(CLIENT), 0, 0, u(VIP), 80);
        assertNotEquals(ConnectionTable.NONE, template);
        assertEquals(5, d.table.controlledCount(template));
        assertEquals(300, d.table.timeoutSeconds(template));
    }

    @Test
    void ipv4FragmentsAreReassembledAndForwarded() {
        DirectorFixture d = natDirector(new DirectorFixture());
        byte[] payload = new byte[100];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        FrameBuilder whole = new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC).ipv4(CLIENT, VIP, 17, 64, 77, false)
                .udp(5000, 53).payload(payload);
        org.agrona.concurrent.UnsafeBuffer w = new org.agrona.concurrent.UnsafeBuffer(new byte[whole.frameLength()]);
        whole.build(w, 0);
        byte[] ip = new byte[whole.frameLength() - 14];
        w.getBytes(14, ip);
        // First fragment: IP header + 64 bytes of the UDP datagram, MF; second: the rest.
        FrameBuilder first = new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC).ipv4(CLIENT, VIP, 17, 64, 77, false)
                .ipv4Fragment(0, true).payload(java.util.Arrays.copyOfRange(ip, 20, 84));
        FrameBuilder second = new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC).ipv4(CLIENT, VIP, 17, 64, 77, false)
                .ipv4Fragment(64, false).payload(java.util.Arrays.copyOfRange(ip, 84, ip.length));

        assertEquals(Outcome.FRAGMENT_HELD, d.receive(first));
        assertEquals(Outcome.FORWARDED_IN, d.receive(second));

        ParsedFrame f = d.only().parse();
        assertEquals(8080, f.dstPort);
        assertEquals(108, f.l4Length);
    }

    @Test
    void aReassembledDfDatagramTooBigForTheEgressLeavesRefragmentedAtItsOriginalFragmentSize() {
        DirectorFixture d = natDirector(new DirectorFixture());
        // 1000 + 720 bytes of one UDP datagram, both fragments with DF: together 1740 > MTU 1500.
        byte[] first = new byte[1000];
        first[0] = 0x13; first[1] = (byte) 0x88; first[2] = 0; first[3] = 53; first[4] = 0x06; first[5] = (byte) 0xB8;
        assertEquals(Outcome.FRAGMENT_HELD, d.receive(new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC)
                .ipv4(CLIENT, VIP, 17, 64, 91, true).ipv4Fragment(0, true).payload(first)));
        assertEquals(Outcome.FORWARDED_IN, d.receive(new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC)
                .ipv4(CLIENT, VIP, 17, 64, 91, true).ipv4Fragment(1000, false).payload(new byte[720])));

        assertEquals(2, d.sent.size());
        for (DirectorFixture.Sent s : d.sent) {
            int ipLength = Ipv4Flyweight.totalLength(s.buffer(), 14);
            assertTrue(ipLength <= 1020, "no fragment larger than the largest original: " + ipLength);
            assertEquals(Ipv4Flyweight.FLAG_DF, Ipv4Flyweight.flagsAndFragmentOffset(s.buffer(), 14) & Ipv4Flyweight.FLAG_DF);
            assertTrue(org.actorvs.packet.Checksum.isIpv4HeaderValid(s.buffer(), 14, 20));
        }
        assertEquals(DirectorFixture.u(RS[2]), Ipv4Flyweight.dst(d.sent.get(0).buffer(), 14) & 0xFFFF_FFFFL);
    }

    @Test
    void withReassemblyOffFragmentsAreDroppedAndCounted() {
        DirectorFixture d = natDirector(new DirectorFixture(IpvsSettings.defaults().toBuilder().reassembleFragments(false).build()));
        // A first fragment: a UDP header (5000 -> 53, length 108, no checksum) and 56 bytes of data.
        byte[] udp = new byte[64];
        udp[0] = 0x13; udp[1] = (byte) 0x88; udp[2] = 0; udp[3] = 53; udp[4] = 0; udp[5] = 108;
        FrameBuilder first = new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC).ipv4(CLIENT, VIP, 17, 64, 77, false)
                .ipv4Fragment(0, true).payload(udp);

        assertEquals(Outcome.FRAGMENT_DROPPED, d.receive(first));
        assertEquals(1, d.processor.outcomes().get(Outcome.FRAGMENT_DROPPED));
    }

    @Test
    void malformedFramesAreCountedDropsNotExceptions() {
        DirectorFixture d = natDirector(new DirectorFixture());
        d.rx.putBytes(0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 8, 0, 0x45, 0});

        assertEquals(Outcome.MALFORMED, d.processor.process(d.rx, 0, 16, d.now));
        assertEquals(1, d.processor.drops().total());
    }

    @Test
    void trafficOfAConnectionIsCountedOnItsDestination() {
        DirectorFixture d = natDirector(new DirectorFixture());
        d.receive(clientTcp(40000, SYN));
        int cp = d.table.lookupIn(6, 4, 0, u(CLIENT), 40000, 0, u(VIP), 80);
        int dest = d.table.destId(cp);
        d.receive(clientTcp(40000, ACK));

        assertEquals(1, d.processor.traffic().connections(dest));
        assertEquals(2, d.processor.traffic().inPackets(dest));
        assertEquals(80, d.processor.traffic().inBytes(dest));
    }

    private static int rsIndex(long addr) {
        for (int i = 0; i < RS.length; i++) {
            if (u(RS[i]) == addr) {
                return i;
            }
        }
        throw new AssertionError("not a real server: " + addr);
    }
}
