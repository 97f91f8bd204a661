package org.actorvs.ha;

import static org.actorvs.ha.Adverts.L2;
import static org.actorvs.ha.Adverts.VRRP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.actorvs.packet.Checksum;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.Ipv4Flyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class VrrpFlyweightTest {
    private static final int SRC = InetAddresses.parseIpv4("192.168.1.2");

    @Test
    void v2AdvertHasAuthTailWholeSecondsAndAChecksumWithoutPseudoHeader() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
        final byte[] pass = {'s', 'e', 'c', 'r', 'e', 't', 0, 0};
        final int length = VrrpFlyweight.write(b, 0, 2, 51, 150, 300, VrrpFlyweight.AUTH_SIMPLE_TEXT, pass,
                new int[] {0x0A000064, 0x0A000065}, SRC, VrrpFlyweight.MULTICAST_GROUP);
        assertEquals(8 + 2 * 4 + 8, length);
        final VrrpFlyweight v = new VrrpFlyweight().wrap(b, 0);
        assertEquals(0x21, b.getByte(0) & 0xFF, "version 2, type 1");
        assertEquals(51, v.vrid());
        assertEquals(150, v.priority());
        assertEquals(2, v.count());
        assertEquals(VrrpFlyweight.AUTH_SIMPLE_TEXT, v.authType());
        assertEquals(3, b.getByte(VrrpFlyweight.ADVER_INT_OFFSET));
        assertEquals(300, v.intervalCentis());
        assertEquals(0x0A000065, v.address(1));
        final byte[] auth = new byte[8];
        b.getBytes(VrrpFlyweight.authDataOffset(2), auth);
        assertArrayEquals(pass, auth);
        assertEquals(referenceChecksum(b, 0, length, 0), v.checksum());
        assertTrue(VrrpFlyweight.isChecksumValid(b, 0, length, 1, 2), "v2 ignores the IP addresses");
    }

    @Test
    void v3AdvertHasCentisecondIntervalNoAuthAndAPseudoHeaderChecksum() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
        final int length = VrrpFlyweight.write(b, 0, 3, 7, 100, 10, VrrpFlyweight.AUTH_NONE, null,
                new int[] {0x0A000064}, SRC, VrrpFlyweight.MULTICAST_GROUP);
        assertEquals(12, length);
        assertEquals(0x31, b.getByte(0) & 0xFF);
        assertEquals(0, b.getByte(4) & 0xF0, "reserved bits are zero");
        assertEquals(10, VrrpFlyweight.intervalCentis(b, 0));
        final int pseudo = (SRC >>> 16) + (SRC & 0xFFFF) + 0xE000 + 0x0012 + 112 + length;
        assertEquals(referenceChecksum(b, 0, length, pseudo), VrrpFlyweight.checksum(b, 0));
        assertTrue(VrrpFlyweight.isChecksumValid(b, 0, length, SRC, VrrpFlyweight.MULTICAST_GROUP));
        assertEquals(false, VrrpFlyweight.isChecksumValid(b, 0, length, SRC + 1, VrrpFlyweight.MULTICAST_GROUP),
                "the source is covered by the v3 checksum");
    }

    @Test
    void advertFrameGoesToTheVrrpGroupFromThePortMacWithTtl255() {
        final byte[] f = Adverts.peer(120);
        final UnsafeBuffer b = new UnsafeBuffer(f);
        assertEquals(EthernetFlyweight.MIN_FRAME_LENGTH, f.length, "padded to the Ethernet minimum");
        assertEquals(0x01005E000012L, EthernetFlyweight.dstMac(b, 0));
        assertEquals(Adverts.PEER_MAC, EthernetFlyweight.srcMac(b, 0));
        assertEquals(255, Ipv4Flyweight.ttl(b, L2));
        assertEquals(112, Ipv4Flyweight.protocol(b, L2));
        assertEquals(VrrpInstance.TOS, b.getByte(L2 + Ipv4Flyweight.TOS_OFFSET) & 0xFF);
        assertEquals(VrrpFlyweight.MULTICAST_GROUP, Ipv4Flyweight.dst(b, L2));
        assertEquals(Adverts.PEER, Ipv4Flyweight.src(b, L2));
        assertEquals(20 + 20, Ipv4Flyweight.totalLength(b, L2));
        assertTrue(Checksum.isIpv4HeaderValid(b, L2, 20));
        assertEquals(120, VrrpFlyweight.priority(b, VRRP));
    }

    /** RFC 1071 written out byte pair by byte pair, independent of Checksum. */
    private static int referenceChecksum(UnsafeBuffer b, int offset, int length, int initial) {
        long sum = initial;
        for (int i = 0; i < length; i += 2) {
            if (i == VrrpFlyweight.CHECKSUM_OFFSET) {
                continue;
            }
            final int hi = b.getByte(offset + i) & 0xFF;
            final int lo = i + 1 < length ? b.getByte(offset + i + 1) & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
