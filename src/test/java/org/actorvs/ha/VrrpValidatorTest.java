package org.actorvs.ha;

import static org.actorvs.ha.Adverts.L2;
import static org.actorvs.ha.Adverts.VRRP;
import static org.actorvs.ha.Adverts.peer;
import static org.actorvs.ha.Adverts.reseal;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.Ipv4Flyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class VrrpValidatorTest {
    private final VrrpValidator ours = new VrrpValidator(Adverts.ours());

    private int check(byte[] frame) {
        return ours.check(new UnsafeBuffer(frame), 0, frame.length);
    }

    @Test
    void peerAdvertIsAcceptedAndDescribed() {
        assertEquals(VrrpValidator.OK, check(peer(150)));
        assertEquals(150, ours.priority());
        assertEquals(100, ours.intervalCentis());
        assertEquals(Adverts.PEER, ours.source());
        assertEquals(VRRP, ours.vrrpOffset());
        assertEquals(1, ours.count(VrrpValidator.OK));
    }

    @Test
    void frameCutInsideTheVrrpMessageIsTruncated() {
        final byte[] f = peer(150);
        assertEquals(VrrpValidator.TRUNCATED, check(Arrays.copyOf(f, VRRP + 6)));
        assertEquals(VrrpValidator.TRUNCATED, check(Arrays.copyOf(f, 10)));
    }

    @Test
    void ipTotalLengthShorterThanTheAddressCountImpliesIsTruncated() {
        final byte[] f = peer(150);
        new UnsafeBuffer(f).putShort(L2 + 2, (short) (20 + 12), java.nio.ByteOrder.BIG_ENDIAN);
        assertEquals(VrrpValidator.TRUNCATED, check(reseal(f)));
    }

    @Test
    void trailingBytesInsideTheIpPacketAreABadLength() {
        final byte[] f = peer(150);
        new UnsafeBuffer(f).putShort(L2 + 2, (short) (20 + 24), java.nio.ByteOrder.BIG_ENDIAN);
        assertEquals(VrrpValidator.BAD_LENGTH, check(reseal(f)));
    }

    @Test
    void otherIpProtocolIsNotVrrp() {
        final byte[] f = peer(150);
        f[L2 + Ipv4Flyweight.PROTOCOL_OFFSET] = 17;
        assertEquals(VrrpValidator.NOT_VRRP, check(reseal(f)));
    }

    @Test
    void corruptIpHeaderChecksumIsABadIpHeader() {
        final byte[] f = peer(150);
        f[L2 + Ipv4Flyweight.CHECKSUM_OFFSET] ^= 1;
        assertEquals(VrrpValidator.BAD_IP_HEADER, check(f));
    }

    @Test
    void fragmentIsDropped() {
        final byte[] f = peer(150);
        f[L2 + Ipv4Flyweight.FLAGS_FRAGMENT_OFFSET] = 0x20;
        assertEquals(VrrpValidator.FRAGMENT, check(reseal(f)));
    }

    @Test
    void ttlBelow255IsDropped() {
        final byte[] f = peer(150);
        f[L2 + Ipv4Flyweight.TTL_OFFSET] = (byte) 254;
        assertEquals(VrrpValidator.BAD_TTL, check(reseal(f)));
    }

    @Test
    void v3AdvertToAV2RouterIsABadVersion() {
        assertEquals(VrrpValidator.BAD_VERSION, check(Adverts.from(Adverts.peerConfig(Adverts.ours().withVersion(3, 100)), 150)));
    }

    @Test
    void typeOtherThanAdvertisementIsDropped() {
        final byte[] f = peer(150);
        f[VRRP] = 0x22;
        assertEquals(VrrpValidator.BAD_TYPE, check(reseal(f)));
    }

    @Test
    void advertForAnotherVridIsNotOurs() {
        final byte[] f = peer(150);
        f[VRRP + VrrpFlyweight.VRID_OFFSET] = 52;
        assertEquals(VrrpValidator.OTHER_VRID, check(reseal(f)));
    }

    @Test
    void differentAddressCountIsDropped() {
        final VrrpConfig two = new VrrpConfig(2, Adverts.VRID, 100, 100, true, 0, 0, null,
                new int[] {Adverts.VIP, Adverts.VIP + 1}, Adverts.PEER);
        assertEquals(VrrpValidator.ADDRESS_COUNT, check(Adverts.from(two, 150)));
    }

    @Test
    void advertWithoutOurVipIsAnAddressMismatch() {
        final VrrpConfig other = new VrrpConfig(2, Adverts.VRID, 100, 100, true, 0, 0, null,
                new int[] {Adverts.VIP + 1}, Adverts.PEER);
        assertEquals(VrrpValidator.ADDRESS_MISMATCH, check(Adverts.from(other, 150)));
    }

    @Test
    void flippedBitInTheMessageIsABadChecksum() {
        final byte[] f = peer(150);
        f[VRRP + VrrpFlyweight.PRIORITY_OFFSET] ^= 0x01;
        assertEquals(VrrpValidator.BAD_CHECKSUM, check(f));
    }

    @Test
    void v3ChecksumOverAnotherSourceIsABadChecksum() {
        final VrrpValidator v3 = new VrrpValidator(Adverts.ours().withVersion(3, 100));
        final byte[] f = Adverts.from(Adverts.peerConfig(Adverts.ours().withVersion(3, 100)), 150);
        assertEquals(VrrpValidator.OK, v3.check(new UnsafeBuffer(f), 0, f.length));
        Ipv4Flyweight.src(new UnsafeBuffer(f), L2, InetAddresses.parseIpv4("10.0.0.3"));
        Ipv4Flyweight.checksum(new UnsafeBuffer(f), L2, org.actorvs.packet.Checksum.ipv4Header(new UnsafeBuffer(f), L2));
        assertEquals(VrrpValidator.BAD_CHECKSUM, v3.check(new UnsafeBuffer(f), 0, f.length));
    }

    @Test
    void undefinedAuthTypeIsDropped() {
        final byte[] f = peer(150);
        f[VRRP + VrrpFlyweight.AUTH_TYPE_OFFSET] = 3;
        assertEquals(VrrpValidator.BAD_AUTH_TYPE, check(reseal(f)));
    }

    @Test
    void passwordAdvertToARouterWithoutAuthIsAnAuthTypeMismatch() {
        assertEquals(VrrpValidator.AUTH_TYPE_MISMATCH, check(Adverts.from(Adverts.peerConfig(Adverts.ours().withPassword("x")), 150)));
    }

    @Test
    void wrongPasswordIsAnAuthMismatchAndTheRightOneIsAccepted() {
        final VrrpValidator withPass = new VrrpValidator(Adverts.ours().withPassword("secret"));
        final byte[] wrong = Adverts.from(Adverts.peerConfig(Adverts.ours().withPassword("secreT")), 150);
        final byte[] right = Adverts.from(Adverts.peerConfig(Adverts.ours().withPassword("secret")), 150);
        assertEquals(VrrpValidator.AUTH_MISMATCH, withPass.check(new UnsafeBuffer(wrong), 0, wrong.length));
        assertEquals(VrrpValidator.OK, withPass.check(new UnsafeBuffer(right), 0, right.length));
    }

    @Test
    void v2IntervalOtherThanOursIsDroppedAsKeepalivedDoes() {
        assertEquals(VrrpValidator.INTERVAL_MISMATCH, check(Adverts.from(Adverts.peerConfig(Adverts.ours().withVersion(2, 200)), 150)));
    }

    @Test
    void v3IntervalOtherThanOursIsAcceptedButZeroIsNot() {
        final VrrpValidator v3 = new VrrpValidator(Adverts.ours().withVersion(3, 100));
        final byte[] f = Adverts.from(Adverts.peerConfig(Adverts.ours().withVersion(3, 50)), 150);
        assertEquals(VrrpValidator.OK, v3.check(new UnsafeBuffer(f), 0, f.length));
        assertEquals(50, v3.intervalCentis());
        f[VRRP + VrrpFlyweight.MAX_ADVER_INT_OFFSET + 1] = 0;
        reseal(f);
        assertEquals(VrrpValidator.INTERVAL_MISMATCH, v3.check(new UnsafeBuffer(f), 0, f.length));
    }

    @Test
    void advertFromOurOwnAddressIsDropped() {
        assertEquals(VrrpValidator.OWN_ADVERT, check(Adverts.from(Adverts.ours(), 100)));
    }

    @Test
    void everyReasonHasAName() {
        for (int r = 0; r < VrrpValidator.REASONS; r++) {
            assertEquals(false, VrrpValidator.name(r).startsWith("reason "), "reason " + r);
        }
    }
}
