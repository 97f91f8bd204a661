package org.actorvs.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.Inet6Address;

import org.junit.jupiter.api.Test;

class AddressTextTest {

    private static String roundTrip(String v6) {
        return AddressText.format(AddressText.parseIpv6(v6));
    }

    @Test
    void longestZeroRunIsCompressedAsInetNtopDoes() {
        assertEquals("fd00:99::10", roundTrip("fd00:99:0:0:0:0:0:10"));
        assertEquals("2001:db8::1:0:0:1", roundTrip("2001:db8:0:0:1:0:0:1"));
        assertEquals("2001:db8:0:1::1", roundTrip("2001:db8:0:1:0:0:0:1"));
    }

    @Test
    void firstOfEqualZeroRunsIsCompressed() {
        assertEquals("1::2:0:0:3:0", roundTrip("1:0:0:2:0:0:3:0"));
    }

    @Test
    void singleZeroWordIsNotCompressed() {
        assertEquals("2001:db8:0:1:1:1:1:1", roundTrip("2001:db8:0:1:1:1:1:1"));
    }

    @Test
    void edgeRunsGetTheirColons() {
        assertEquals("::", roundTrip("0:0:0:0:0:0:0:0"));
        assertEquals("::1", roundTrip("::1"));
        assertEquals("1::", roundTrip("1:0:0:0:0:0:0:0"));
    }

    @Test
    void ipv4InIpv6IsPrintedWithADottedTail() {
        assertEquals("::ffff:10.0.0.1", roundTrip("::ffff:a00:1"));
        assertEquals("::10.0.0.1", roundTrip("::a00:1"));
    }

    @Test
    void ipv4MappedAddressStaysIpv6() {
        assertInstanceOf(Inet6Address.class, AddressText.parse("::ffff:10.0.0.1"));
    }

    @Test
    void malformedIpv6IsRefused() {
        for (String bad : new String[] {"1::2::3", "1:2:3:4:5:6:7::8", ":1::", "1:2:3:4:5:6:7", "12345::",
                "fe80::1%eth0", "::1.2.3", "g::1", "1:2:3:4:5:6:7:8:9"}) {
            assertNull(AddressText.parseIpv6(bad), bad);
        }
        assertEquals("1:2:3:4:5:6:7:0", roundTrip("1:2:3:4:5:6:7::"));
    }

    @Test
    void ipv4MustBeAStrictDottedQuad() {
        for (String bad : new String[] {"10.0.0", "10.0.0.256", "010.0.0.1", "10.0.0.1.", "10.0.0.-1", "0x0a.0.0.1", ""}) {
            assertNull(AddressText.parseIpv4(bad), bad);
        }
        assertEquals("10.0.0.1", AddressText.format(AddressText.parseIpv4("10.0.0.1")));
    }

    @Test
    void addressWithPortBracketsIpv6() {
        assertEquals("[fd00:99::21]:8080", AddressText.formatWithPort(AddressText.parse("fd00:99::21"), 8080));
        assertEquals("10.99.0.21:0", AddressText.formatWithPort(AddressText.parse("10.99.0.21"), 0));
    }

    @Test
    void ipv4MaskIsPrintedAsInetNtoaDoes() {
        assertEquals("255.255.255.0", AddressText.formatIpv4Mask(0xFFFFFF00));
        assertEquals(0xFFFFFF00, AddressText.parseIpv4Mask("255.255.255.0"));
    }
}
