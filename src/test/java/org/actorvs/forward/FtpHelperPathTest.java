package org.actorvs.forward;

import static org.actorvs.forward.DirectorFixture.BACK_MAC;
import static org.actorvs.forward.DirectorFixture.CLIENT;
import static org.actorvs.forward.DirectorFixture.CLIENT_MAC;
import static org.actorvs.forward.DirectorFixture.FRONT_MAC;
import static org.actorvs.forward.DirectorFixture.RS;
import static org.actorvs.forward.DirectorFixture.RS_MAC;
import static org.actorvs.forward.DirectorFixture.VIP;
import static org.actorvs.forward.DirectorFixture.u;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.actorvs.app.AppRegistry;
import org.actorvs.app.FtpHelper;
import org.actorvs.app.SeqAdjustments;
import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.TcpStates;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.ParsedFrame;
import org.actorvs.packet.TcpFlyweight;
import org.actorvs.service.ForwardingMethod;
import org.actorvs.service.VirtualService;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The FTP helper on the packet path: a NAT FTP service on VIP:21 with one real server (RS[0]:21),
 * real frames through {@link PacketProcessor}; every frame the director sends is re-parsed with
 * checksum verification, i.e. checked against a full recomputation.
 */
class FtpHelperPathTest {
    private static final int SYN = TcpFlyweight.SYN;
    private static final int ACK = TcpFlyweight.ACK;
    private static final int PSH_ACK = TcpFlyweight.PSH | TcpFlyweight.ACK;
    private static final int CPORT = 40000;
    private static final int CLIENT_ISN = 1000;
    private static final int SERVER_ISN = 5000;
    private static final long SECOND = 1_000_000_000L;

    private final AppRegistry apps = new AppRegistry();
    private final FtpHelper ftp = FtpHelper.register(apps, FtpHelper.DEFAULT_PORT);
    private final DirectorFixture d = new DirectorFixture(IpvsSettings.defaults(), apps);
    /** Next sequence numbers of the control connection as each end sees its own stream. */
    private int clientSeq = CLIENT_ISN + 1;
    private int serverSeq = SERVER_ISN + 1;
    private int control;

    FtpHelperPathTest() {
        d.services(DirectorFixture.schedule(d.virtualService(IpProtocol.TCP, 21, "rr", 0, ForwardingMethod.MASQ, 1, 21)));
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static FrameBuilder fromClient(int sport, int dport, int seq, int ack, int flags) {
        return new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC).ipv4(CLIENT, VIP, 6, 64, 1, true)
                .tcp(sport, dport, seq, ack, flags, 65535);
    }

    private static FrameBuilder fromServer(int sport, int dport, int seq, int ack, int flags) {
        return new FrameBuilder().ethernet(BACK_MAC, RS_MAC[0]).ipv4(RS[0], CLIENT, 6, 64, 2, true)
                .tcp(sport, dport, seq, ack, flags, 65535);
    }

    /** Three-way handshake of the control connection; returns its entry. */
    private int establish() {
        assertEquals(Outcome.FORWARDED_IN, d.receive(fromClient(CPORT, 21, CLIENT_ISN, 0, SYN)));
        assertEquals(Outcome.FORWARDED_OUT, d.receive(fromServer(21, CPORT, SERVER_ISN, CLIENT_ISN + 1, SYN | ACK)));
        assertEquals(Outcome.FORWARDED_IN, d.receive(fromClient(CPORT, 21, clientSeq, serverSeq, ACK)));
        control = d.table.lookupIn(IpProtocol.TCP, 4, 0, u(CLIENT), CPORT, 0, u(VIP), 21);
        assertEquals(TcpStates.ESTABLISHED, d.table.state(control));
        return control;
    }

    /** The client sends a command line; returns the frame the director sent. */
    private ParsedFrame clientSays(String line) {
        byte[] bytes = ascii(line);
        assertEquals(Outcome.FORWARDED_IN,
                d.receive(fromClient(CPORT, 21, clientSeq, serverSeq, PSH_ACK).payload(bytes)));
        clientSeq += bytes.length;
        return d.only().parse();
    }

    /** The server sends a reply line (its own numbering); returns the frame the director sent. */
    private ParsedFrame serverSays(String line) {
        byte[] bytes = ascii(line);
        assertEquals(Outcome.FORWARDED_OUT,
                d.receive(fromServer(21, CPORT, serverSeq, clientSeq, PSH_ACK).payload(bytes)));
        serverSeq += bytes.length;
        return d.only().parse();
    }

    private String payload(ParsedFrame f) {
        byte[] bytes = new byte[f.payloadLength];
        d.only().buffer().getBytes(f.payloadOffset, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    // ---------------------------------------------------------------- active mode

    @Test
    void portCreatesAListeningDataEntryControlledByTheControlConnection() {
        int cp = establish();

        ParsedFrame sent = clientSays("PORT 10,0,0,2,156,65\r\n");

        assertEquals("PORT 10,0,0,2,156,65\r\n", payload(sent));
        int data = d.table.lookupIn(IpProtocol.TCP, 4, 0, u(CLIENT), 156 * 256 + 65, 0, u(VIP), 20);
        assertNotEquals(ConnectionTable.NONE, data);
        assertEquals(cp, d.table.control(data));
        assertEquals(TcpStates.LISTEN, d.table.state(data));
        assertEquals(120, d.table.timeoutSeconds(data));
        assertEquals(u(RS[0]), d.table.daddrLo(data));
        assertEquals(20, d.table.dport(data));
        assertEquals(ConnFlags.NFCT, d.table.flags(data) & ConnFlags.NFCT);
        assertEquals(ConnFlags.NFCT, d.table.flags(cp) & ConnFlags.NFCT);
    }

    @Test
    void eprtCreatesTheSameDataEntry() {
        establish();

        clientSays("EPRT |1|10.0.0.2|40001|\r\n");

        int data = d.table.lookupIn(IpProtocol.TCP, 4, 0, u(CLIENT), 40001, 0, u(VIP), 20);
        assertNotEquals(ConnectionTable.NONE, data);
        assertEquals(TcpStates.LISTEN, d.table.state(data));
        assertEquals(20, d.table.dport(data));
    }

    @Test
    void theServersActiveDataConnectionLeavesFromTheVirtualAddressPort20() {
        establish();
        clientSays("PORT 10,0,0,2,156,65\r\n");
        int dataPort = 156 * 256 + 65;

        assertEquals(Outcome.FORWARDED_OUT, d.receive(fromServer(20, dataPort, 7000, 0, SYN)));
        ParsedFrame out = d.only().parse();
        assertEquals(u(VIP), out.srcLo);
        assertEquals(20, out.srcPort);
        assertEquals(dataPort, out.dstPort);

        assertEquals(Outcome.FORWARDED_IN, d.receive(fromClient(dataPort, 20, 9000, 7001, SYN | ACK)));
        ParsedFrame in = d.only().parse();
        assertEquals(u(RS[0]), in.dstLo);
        assertEquals(20, in.dstPort);
    }

    // ---------------------------------------------------------------- passive mode

    @Test
    void a227ReplyGetsTheVirtualAddressAndTheFrameGrows() {
        establish();
        clientSays("PASV\r\n");
        String reply = "227 Entering Passive Mode (10,0,1,11,195,80).\r\n";

        ParsedFrame out = serverSays(reply);

        String rewritten = "227 Entering Passive Mode (10,0,0,100,195,80).\r\n";
        assertEquals(rewritten, payload(out));
        assertEquals(out.l3End - out.l3Offset, Ipv4Flyweight.totalLength(d.only().buffer(), out.l3Offset));
        assertEquals(rewritten.length() - reply.length(), d.processor.apps().seq().delta(control, SeqAdjustments.OUT));
        int data = d.table.lookupIn(IpProtocol.TCP, 4, 0, u(CLIENT), 0, 0, u(VIP), 195 * 256 + 80);
        assertNotEquals(ConnectionTable.NONE, data);
        assertEquals(ConnFlags.NO_CPORT, d.table.flags(data) & ConnFlags.NO_CPORT);
        assertEquals(u(RS[0]), d.table.daddrLo(data));
        assertEquals(195 * 256 + 80, d.table.dport(data));
        assertEquals(TcpStates.LISTEN, d.table.state(data));
        assertEquals(control, d.table.control(data));
    }

    @Test
    void a227ReplyWithALongerAddressTextShrinksTheFrame() {
        establish();
        clientSays("PASV\r\n");
        String reply = "227 Entering Passive Mode (010,000,001,011,195,80)\r\n";

        ParsedFrame out = serverSays(reply);

        assertEquals("227 Entering Passive Mode (10,0,0,100,195,80)\r\n", payload(out));
        assertEquals(-5, d.processor.apps().seq().delta(control, SeqAdjustments.OUT));
        assertEquals(out.l3End - out.l3Offset, Ipv4Flyweight.totalLength(d.only().buffer(), out.l3Offset));
    }

    @Test
    void afterAResizedReplyLaterSequenceAndAckNumbersAreShifted() {
        establish();
        clientSays("PASV\r\n");
        int replyStart = serverSeq;
        serverSays("227 Entering Passive Mode (10,0,1,11,195,80).\r\n"); // +1 byte

        ParsedFrame next = serverSays("150 Here comes the listing.\r\n");
        assertEquals(serverSeq - "150 Here comes the listing.\r\n".length() + 1, next.tcpSeq);

        // The client acknowledges the rewritten stream; the server must see its own numbering.
        assertEquals(Outcome.FORWARDED_IN, d.receive(fromClient(CPORT, 21, clientSeq, serverSeq + 1, ACK)));
        assertEquals(serverSeq, d.only().parse().tcpAck);

        // A retransmission of the resized reply keeps its original seq (previous_delta 0).
        assertEquals(Outcome.FORWARDED_OUT, d.receive(fromServer(21, CPORT, replyStart, clientSeq, PSH_ACK)
                .payload(ascii("227 Entering Passive Mode (10,0,1,11,195,80).\r\n"))));
        ParsedFrame again = d.only().parse();
        assertEquals(replyStart, again.tcpSeq);
    }

    @Test
    void theClientsPassiveDataConnectionFillsInItsPortAndReachesTheServer() {
        establish();
        clientSays("PASV\r\n");
        serverSays("227 Entering Passive Mode (10,0,1,11,195,80).\r\n");
        int data = d.table.lookupIn(IpProtocol.TCP, 4, 0, u(CLIENT), 0, 0, u(VIP), 195 * 256 + 80);

        assertEquals(Outcome.FORWARDED_IN, d.receive(fromClient(40100, 195 * 256 + 80, 3000, 0, SYN)));

        ParsedFrame in = d.only().parse();
        assertEquals(u(RS[0]), in.dstLo);
        assertEquals(195 * 256 + 80, in.dstPort);
        assertEquals(40100, d.table.cport(data));
        assertEquals(0, d.table.flags(data) & ConnFlags.NO_CPORT);
        assertEquals(data, d.table.lookupIn(IpProtocol.TCP, 4, 0, u(CLIENT), 40100, 0, u(VIP), 195 * 256 + 80));

        assertEquals(Outcome.FORWARDED_OUT, d.receive(fromServer(195 * 256 + 80, 40100, 8000, 3001, SYN | ACK)));
        assertEquals(u(VIP), d.only().parse().srcLo);
    }

    @Test
    void epsvAnd229CreateTheDataEntryWithoutChangingTheReply() {
        establish();
        clientSays("EPSV\r\n");

        ParsedFrame out = serverSays("229 Entering Extended Passive Mode (|||50001|)\r\n");

        assertEquals("229 Entering Extended Passive Mode (|||50001|)\r\n", payload(out));
        int data = d.table.lookupIn(IpProtocol.TCP, 4, 0, u(CLIENT), 0, 0, u(VIP), 50001);
        assertNotEquals(ConnectionTable.NONE, data);
        assertEquals(u(RS[0]), d.table.daddrLo(data));
        assertEquals(0, d.table.flags(control) & ConnFlags.SEQ_MASK);
    }

    @Test
    void a229ReplyNamingAnAddressIsReducedToThePort() {
        establish();
        clientSays("EPSV 1\r\n");

        ParsedFrame out = serverSays("229 Extended (|1|10.0.1.11|50002|)\r\n");

        assertEquals("229 Extended (|||50002|)\r\n", payload(out));
        assertEquals(-10, d.processor.apps().seq().delta(control, SeqAdjustments.OUT));
    }

    @Test
    void aReplyWithoutPasvPendingIsNotTouched() {
        establish();

        ParsedFrame out = serverSays("227 Entering Passive Mode (10,0,1,11,195,80).\r\n");

        assertEquals("227 Entering Passive Mode (10,0,1,11,195,80).\r\n", payload(out));
        assertEquals(1, d.table.size());
        assertEquals(0, d.table.flags(control) & ConnFlags.SEQ_MASK);
    }

    @Test
    void overIpv6EprtAndEpsvWorkAndPasvIsIgnored() {
        long[] c6 = DirectorFixture.CLIENT6;
        long[] v6 = DirectorFixture.VIP6;
        long[] r6 = DirectorFixture.RS6;
        VirtualService vs = new VirtualService(d.registry, 6, IpProtocol.TCP, v6[0], v6[1], 21, 0, "rr", 0);
        vs.addDestination(6, r6[0], r6[1], 21, ForwardingMethod.MASQ, 1, 0, 0);
        d.services(DirectorFixture.schedule(vs));
        java.util.function.IntFunction<FrameBuilder> client = flags -> new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC)
                .ipv6(c6[0], c6[1], v6[0], v6[1], 6, 64).tcp(CPORT, 21, clientSeq, serverSeq, flags, 65535);
        FrameBuilder serverAck = new FrameBuilder().ethernet(BACK_MAC, RS_MAC[0]).ipv6(r6[0], r6[1], c6[0], c6[1], 6, 64)
                .tcp(21, CPORT, SERVER_ISN, CLIENT_ISN + 1, SYN | ACK, 65535);
        d.receive(new FrameBuilder().ethernet(FRONT_MAC, CLIENT_MAC).ipv6(c6[0], c6[1], v6[0], v6[1], 6, 64)
                .tcp(CPORT, 21, CLIENT_ISN, 0, SYN, 65535));
        d.receive(serverAck);
        d.receive(client.apply(ACK));
        int cp = d.table.lookupIn(IpProtocol.TCP, 6, c6[0], c6[1], CPORT, v6[0], v6[1], 21);
        assertEquals(TcpStates.ESTABLISHED, d.table.state(cp));

        assertEquals(Outcome.FORWARDED_IN, d.receive(client.apply(PSH_ACK).payload(ascii("EPRT |2|fd00::2|40002|\r\n"))));
        int active = d.table.lookupIn(IpProtocol.TCP, 6, c6[0], c6[1], 40002, v6[0], v6[1], 20);
        assertNotEquals(ConnectionTable.NONE, active);
        assertEquals(r6[1], d.table.daddrLo(active));

        d.receive(client.apply(PSH_ACK).payload(ascii("PASV\r\n")));
        assertEquals(0, d.table.ext(cp) >>> 8);
        d.receive(client.apply(PSH_ACK).payload(ascii("EPSV 2\r\n")));
        assertEquals(Outcome.FORWARDED_OUT, d.receive(new FrameBuilder().ethernet(BACK_MAC, RS_MAC[0])
                .ipv6(r6[0], r6[1], c6[0], c6[1], 6, 64).tcp(21, CPORT, serverSeq, clientSeq, PSH_ACK, 65535)
                .payload(ascii("229 Entering Extended Passive Mode (|||50003|)\r\n"))));
        d.only().parse();
        int passive = d.table.lookupIn(IpProtocol.TCP, 6, c6[0], c6[1], 0, v6[0], v6[1], 50003);
        assertNotEquals(ConnectionTable.NONE, passive);
        assertEquals(r6[1], d.table.daddrLo(passive));
    }

    // ---------------------------------------------------------------- malformed and split

    @Test
    void malformedAndSplitCommandsPassUntouchedAndAreCounted() {
        establish();
        String[] lines = {"PORT 10,0,0,2,156\r\n", "PORT 10,0,0,2,156,300\r\n", "EPRT |1|10.0.0|40001|\r\n",
            "EPRT |2|10.0.0.2|40001|\r\n", "PO"};
        int before = d.table.size();
        for (String line : lines) {
            assertEquals(line, payload(clientSays(line)));
        }
        assertEquals(before, d.table.size());
        assertEquals(lines.length, d.processor.apps().malformed());
    }

    @Test
    void aCutOff227ReplyIsLeftAloneAndCounted() {
        establish();
        clientSays("PASV\r\n");

        ParsedFrame out = serverSays("227 Entering Passive Mode (10,0,1,11,195");

        assertEquals("227 Entering Passive Mode (10,0,1,11,195", payload(out));
        assertEquals(1, d.processor.apps().malformed());
        assertEquals(0, d.table.flags(control) & ConnFlags.SEQ_MASK);
    }

    // ---------------------------------------------------------------- buffers, binding

    @Test
    void aGrowingFrameDoesNotOverwriteTheNextFrameInItsBuffer() {
        establish();
        clientSays("PASV\r\n");
        byte[] reply = ascii("227 Entering Passive Mode (10,0,1,11,195,80).\r\n");
        UnsafeBuffer batch = new UnsafeBuffer(new byte[4096]);
        int length = fromServer(21, CPORT, serverSeq, clientSeq, PSH_ACK).payload(reply).build(batch, 0);
        int next = (length + 7) & -8;
        for (int i = next; i < next + 64; i++) {
            batch.putByte(i, (byte) 0x5A);
        }
        d.sent.clear();

        assertEquals(Outcome.FORWARDED_OUT, d.processor.process(batch, 0, length, d.now));

        for (int i = next; i < next + 64; i++) {
            assertEquals(0x5A, batch.getByte(i));
        }
        assertTrue(payload(d.only().parse()).contains("10,0,0,100"));
    }

    @Test
    void theHelperIsUnboundWhenItsConnectionsExpireAndOnlyThenRemovable() {
        int cp = establish();
        assertEquals(1, apps.find(IpProtocol.TCP, 21).users());
        assertFalse(apps.unregister(ftp));

        d.table.expireNow(cp);
        d.table.poll(d.now + SECOND, null, 100);

        assertEquals(0, apps.find(IpProtocol.TCP, 21).users());
        assertFalse(d.processor.apps().isBound(cp));
        assertTrue(apps.unregister(ftp));
    }

    @Test
    void connectionsOfOtherPortsAreNotBound() {
        d.services(DirectorFixture.schedule(d.virtualService(IpProtocol.TCP, 80, "rr", 0, ForwardingMethod.MASQ, 1, 80)));

        d.receive(fromClient(CPORT, 80, CLIENT_ISN, 0, SYN));

        int cp = d.table.lookupIn(IpProtocol.TCP, 4, 0, u(CLIENT), CPORT, 0, u(VIP), 80);
        assertFalse(d.processor.apps().isBound(cp));
        assertEquals(0, d.table.flags(cp) & ConnFlags.NFCT);
    }
}
