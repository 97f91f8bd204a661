package org.actorvs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.actorvs.packet.InetAddresses;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class FtpTextTest {
    private final FtpText.Address a = new FtpText.Address();

    private int parse(String text, byte[] pattern, int skip, boolean extended, boolean epsv, int af) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return FtpText.addressAndPort(new UnsafeBuffer(bytes), 0, bytes.length, pattern, skip, extended, epsv, af, a);
    }

    @Test
    void portIsCaseInsensitiveAndGivesAddressPortAndTextBounds() {
        assertEquals(FtpText.MATCH, parse("port 10,0,0,2,156,65\r\n", FtpText.PORT, ' ', false, false, 4));
        assertEquals(InetAddresses.parseIpv4("10.0.0.2") & 0xFFFF_FFFFL, a.lo);
        assertEquals(156 * 256 + 65, a.port);
        assertEquals(5, a.start);
        assertEquals(20, a.end);
    }

    @Test
    void the227ParenthesisIsOptional() {
        assertEquals(FtpText.MATCH, parse("227 =10,0,1,11,4,1\r\n", FtpText.REPLY_227, '(', false, false, 4));
        assertEquals(1025, a.port);
        assertEquals(5, a.start);
    }

    @Test
    void eprtWithIpv6AndAnotherDelimiter() {
        assertEquals(FtpText.MATCH, parse("EPRT !2!fd00::2!40001!\r\n", FtpText.EPRT, ' ', true, false, 6));
        long[] expected = InetAddresses.parseIpv6("fd00::2");
        assertEquals(expected[0], a.hi);
        assertEquals(expected[1], a.lo);
        assertEquals(40001, a.port);
        assertEquals(FtpText.MATCH, parse("EPRT |2|1:2:3:4:5:6:7:8|1|\r\n", FtpText.EPRT, ' ', true, false, 6));
        assertEquals(0x0005_0006_0007_0008L, a.lo);
    }

    @Test
    void anEpsvReplyMayLeaveTheAddressOutButEprtMayNot() {
        a.set(4, 0, 99);
        assertEquals(FtpText.MATCH, parse("229 Entering (|||6446|)\r\n", FtpText.REPLY_229, '(', true, true, 4));
        assertEquals(99, a.lo);
        assertEquals(6446, a.port);
        assertEquals(FtpText.MALFORMED, parse("EPRT |||6446|\r\n", FtpText.EPRT, ' ', true, false, 4));
    }

    @Test
    void malformedTextIsReportedAsSuch() {
        String[] bad = {"PORT 1,2,3,4,5\r\n", "PORT 1,2,3,4,5,256\r\n", "PORT 1,,3,4,5,6\r\n", "PORT 1,2,3,4,5,6",
            "PO"};
        for (String s : bad) {
            assertEquals(FtpText.MALFORMED, parse(s, FtpText.PORT, ' ', false, false, 4), s);
        }
        String[] badExtended = {"EPRT |1|10.0.0.2|0|\r\n", "EPRT |1|10.0.0.2|70000|\r\n", "EPRT |1|10.0.0.256|5|\r\n",
            "EPRT |2|fd00::1::2|5|\r\n", "EPRT \u0001|1|10.0.0.2|5|\r\n", "EPRT |1|10.0.0.2|5"};
        for (String s : badExtended) {
            assertEquals(FtpText.MALFORMED, parse(s, FtpText.EPRT, ' ', true, false, s.contains("|2|") ? 6 : 4), s);
        }
    }

    @Test
    void otherTextDoesNotMatch() {
        assertEquals(FtpText.NO_MATCH, parse("PWD\r\n", FtpText.PORT, ' ', false, false, 4));
        assertEquals(FtpText.NO_MATCH, parse("250 OK\r\n", FtpText.REPLY_227, '(', false, false, 4));
    }

    @Test
    void repliesAreFormattedAsTheKernelPrintsThem() {
        UnsafeBuffer out = new UnsafeBuffer(new byte[32]);
        int n = FtpText.putCommaAddress(out, 0, InetAddresses.parseIpv4("10.0.0.100"), 50000);
        assertEquals("10,0,0,100,195,80", out.getStringWithoutLengthAscii(0, n));
        n = FtpText.putExtendedPort(out, 0, 65535);
        assertEquals("|||65535|", out.getStringWithoutLengthAscii(0, n));
    }
}
