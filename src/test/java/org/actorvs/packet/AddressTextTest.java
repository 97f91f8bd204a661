package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AddressTextTest {
    @Test
    void parsesAndFormatsMacAddresses() {
        assertEquals(0x5254_0012_3456L, MacAddress.parse("52:54:00:12:34:56"));
        assertEquals(0xAABB_CCDD_EEFFL, MacAddress.parse("AA-BB-CC-DD-EE-FF"));
        assertEquals("aa:bb:cc:dd:ee:ff", MacAddress.format(0xAABB_CCDD_EEFFL));
        assertEquals("00:00:00:00:00:01", MacAddress.format(1));
    }

    @Test
    void refusesMalformedMacAddresses() {
        for (String bad : new String[] {"52:54:00:12:34", "52:54:00:12:34:5g", "52:54-00:12:34:56", "525400123456", "52:54:00:12:34:567"}) {
            assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(bad), bad);
        }
    }

    @Test
    void convertsMacAddressesToAndFromBytes() {
        final byte[] bytes = new byte[8];
        MacAddress.toBytes(0x0102_0304_05FFL, bytes, 1);
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, (byte) 0xFF, 0}, bytes);
        assertEquals(0x0102_0304_05FFL, MacAddress.fromBytes(bytes, 1));
        assertTrue(MacAddress.isMulticast(EthernetFlyweight.BROADCAST_MAC));
        assertTrue(MacAddress.isMulticast(MacAddress.parse("01:00:5e:00:00:12")));
        assertFalse(MacAddress.isMulticast(Frames.MAC_A));
    }

    @Test
    void parsesAndFormatsIpv4() {
        assertEquals(0xc0a8010a, InetAddresses.parseIpv4("192.168.1.10"));
        assertEquals(-1, InetAddresses.parseIpv4("255.255.255.255"));
        assertEquals(0, InetAddresses.parseIpv4("0.0.0.0"));
        assertEquals("93.184.216.34", InetAddresses.formatIpv4(0x5db8d822));
        assertEquals("255.255.255.255", InetAddresses.formatIpv4(-1));
    }

    @Test
    void refusesMalformedIpv4() {
        for (String bad : new String[] {"1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..3.4", "1.2.3.4 ", "a.b.c.d", ""}) {
            assertThrows(IllegalArgumentException.class, () -> InetAddresses.parseIpv4(bad), bad);
        }
    }

    @Test
    void parsesIpv6IntoHiAndLo() {
        assertArrayEquals(new long[] {Frames.DOC_HI, 1}, InetAddresses.parseIpv6("2001:db8::1"));
        assertArrayEquals(new long[] {0, 0}, InetAddresses.parseIpv6("::"));
        assertArrayEquals(new long[] {0, 1}, InetAddresses.parseIpv6("::1"));
        assertArrayEquals(new long[] {0xfe80_0000_0000_0000L, 0}, InetAddresses.parseIpv6("fe80::"));
        assertArrayEquals(new long[] {0x0001_0002_0003_0004L, 0x0005_0006_0007_0008L}, InetAddresses.parseIpv6("1:2:3:4:5:6:7:8"));
        assertArrayEquals(new long[] {0, 0x0000_ffff_c0a8_010aL}, InetAddresses.parseIpv6("::ffff:192.168.1.10"));
        assertArrayEquals(new long[] {0x0001_0002_0003_0004L, 0x0005_0006_0007_0000L}, InetAddresses.parseIpv6("1:2:3:4:5:6:7::"));
    }

    @Test
    void refusesMalformedIpv6() {
        for (String bad : new String[] {"1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "::g", "1:2:3:4:5:6:7:8::",
            ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "::1.2.3", "::1.2.3.4:5", "fe80::1%eth0"}) {
            assertThrows(IllegalArgumentException.class, () -> InetAddresses.parseIpv6(bad), bad);
        }
    }

    @Test
    void formatsIpv6InRfc5952CanonicalForm() {
        assertEquals("2001:db8::1", InetAddresses.formatIpv6(Frames.DOC_HI, 1));
        assertEquals("::", InetAddresses.formatIpv6(0, 0));
        assertEquals("::1", InetAddresses.formatIpv6(0, 1));
        assertEquals("2001:db8:0:1:1:1:1:1", InetAddresses.formatIpv6(0x20010db8_00000001L, 0x0001_0001_0001_0001L));
        assertEquals("2001:0:0:1::1", InetAddresses.formatIpv6(0x2001_0000_0000_0001L, 1));
        assertEquals("1:0:0:4::8", InetAddresses.formatIpv6(0x0001_0000_0000_0004L, 0x0000_0000_0000_0008L));
        assertEquals("1::4:0:0:7:8", InetAddresses.formatIpv6(0x0001_0000_0000_0004L, 0x0000_0000_0007_0008L));
        assertEquals("::ffff:192.168.1.10", InetAddresses.formatIpv6(0, 0x0000_ffff_c0a8_010aL));
    }

    @Test
    void parsesEitherFamilyIntoTheAddressConvention() {
        final IpAddress v4 = IpAddress.parse("192.168.1.10");
        assertEquals(4, v4.af());
        assertEquals(0L, v4.hi());
        assertEquals(0xc0a8010aL, v4.lo());
        assertEquals(0xc0a8010a, v4.ipv4());
        assertEquals("192.168.1.10", v4.toString());
        final IpAddress v6 = InetAddresses.parse("2001:DB8::2");
        assertEquals(new IpAddress(6, Frames.DOC_HI, 2), v6);
        assertEquals("2001:db8::2", v6.toString());
        assertThrows(IllegalArgumentException.class, () -> new IpAddress(4, 1, 0));
    }
}
