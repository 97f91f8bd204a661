package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ChecksumTest {
    private static final int FRAMES = 4000;
    private static final int[] L4_PROTOCOLS = {IpProtocol.TCP, IpProtocol.UDP, IpProtocol.ICMP};

    private final FrameParser parser = new FrameParser(true);
    private final ParsedFrame parsed = new ParsedFrame();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[2048]);

    @Test
    void sumsTheRfc1071Example() {
        final UnsafeBuffer data = Frames.buffer("0001f203f4f5f6f7");
        assertEquals(0xddf2, Checksum.fold(Checksum.sum(data, 0, 8, 0)));
        assertEquals(0x220d, Checksum.finish(Checksum.sum(data, 0, 8, 0)));
    }

    @Test
    void padsAnOddLastByteWithZero() {
        final UnsafeBuffer data = Frames.buffer("0001f203f4f5f6f7ab");
        assertEquals(Checksum.fold(0xddf2 + 0xab00), Checksum.fold(Checksum.sum(data, 0, 9, 0)));
    }

    @Test
    void chainedSegmentsSumLikeOneSpan() {
        final UnsafeBuffer data = new UnsafeBuffer(Frames.payload(301, 77));
        final int whole = Checksum.sum(data, 0, 301, 0);
        for (int split = 0; split <= 300; split += 2) {
            final int chained = Checksum.sum(data, split, 301 - split, Checksum.sum(data, 0, split, 0));
            assertEquals(Checksum.fold(whole), Checksum.fold(chained), "split at " + split);
        }
    }

    @Test
    void sumsLikeTheWordByWordDefinitionAtEveryOffsetAndLength() {
        final Random random = new Random(11);
        final byte[] bytes = new byte[96];
        final UnsafeBuffer heap = new UnsafeBuffer(bytes);
        final UnsafeBuffer direct = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(bytes.length));
        for (int round = 0; round < 50; round++) {
            random.nextBytes(bytes);
            if (round % 5 == 0) {
                java.util.Arrays.fill(bytes, round % 10 == 0 ? (byte) 0xFF : 0);
            }
            direct.putBytes(0, bytes);
            for (int offset = 0; offset < 9; offset++) {
                for (int length = 0; length <= bytes.length - offset; length++) {
                    final int initial = random.nextInt();
                    final int expected = referenceSum(bytes, offset, length, initial);
                    assertEquals(expected, Checksum.fold(Checksum.sum(heap, offset, length, initial)),
                            "offset " + offset + " length " + length);
                    assertEquals(expected, Checksum.fold(Checksum.sum(direct, offset, length, initial)));
                }
            }
        }
    }

    /** RFC 1071 as written: 16-bit big-endian words, an odd last byte padded, end-around carry. */
    private static int referenceSum(byte[] b, int offset, int length, int initial) {
        long acc = initial & 0xFFFF_FFFFL;
        for (int i = 0; i < length; i += 2) {
            final int hi = b[offset + i] & 0xFF;
            final int lo = i + 1 < length ? b[offset + i + 1] & 0xFF : 0;
            acc += hi << 8 | lo;
        }
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) acc;
    }

    @Test
    void computesTheChecksumsWiresharkCalledCorrect() {
        final UnsafeBuffer syn = Frames.buffer(Frames.TCP_SYN);
        assertEquals(0x26e9, Checksum.ipv4Header(syn, 14));
        assertEquals(0xda7e, Checksum.l4Checksum4(syn, 34, 40, 0xc0a8010a, 0x5db8d822, IpProtocol.TCP));
        final UnsafeBuffer udp = Frames.buffer(Frames.UDP_VLAN);
        assertEquals(0xa1b4, Checksum.ipv4Header(udp, 18));
        assertEquals(0x887d, Checksum.l4Checksum4(udp, 38, 37, 0x0a000001, 0x08080808, IpProtocol.UDP));
        assertEquals(0xad8a, Checksum.l4Checksum4(Frames.buffer(Frames.ICMP_ECHO), 34, 24, 0, 0, IpProtocol.ICMP));
        assertEquals(0x53cc, Checksum.l4Checksum6(Frames.buffer(Frames.TCP6_SYN_ACK), 54, 20,
                Frames.DOC_HI, 1, Frames.DOC_HI, 2, IpProtocol.TCP));
        assertEquals(0xdb56, Checksum.l4Checksum6(Frames.buffer(Frames.ICMP6_PACKET_TOO_BIG), 54, 48,
                Frames.DOC_HI, 2, Frames.DOC_HI, 1, IpProtocol.ICMPV6));
    }

    @Test
    void validatesStoredChecksumsOfCaptures() {
        final UnsafeBuffer syn = Frames.buffer(Frames.TCP_SYN);
        assertTrue(Checksum.isIpv4HeaderValid(syn, 14, 20));
        assertTrue(Checksum.isL4Valid4(syn, 34, 40, 0xc0a8010a, 0x5db8d822, IpProtocol.TCP));
        assertFalse(Checksum.isL4Valid4(syn, 34, 40, 0xc0a8010b, 0x5db8d822, IpProtocol.TCP));
        syn.putByte(22, (byte) 63);
        assertFalse(Checksum.isIpv4HeaderValid(syn, 14, 20));
    }

    @Test
    void pseudoHeadersSumTheirWords() {
        assertEquals(0xc0a8 + 0x010a + 0x5db8 + 0xd822 + 6 + 40, Checksum.pseudoHeader4(0xc0a8010a, 0x5db8d822, 6, 40));
        final int v6 = Checksum.pseudoHeader6(0x0001_0002_0003_0004L, 0x0005_0006_0007_0008L,
                0xFFFF_0000_0000_0000L, 0x1L, IpProtocol.UDP, 0x0001_0000);
        assertEquals(Checksum.fold(1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 0xFFFF + 1 + 17 + 1), Checksum.fold(v6));
    }

    @Test
    void rfc1624EquationThreeGivesZeroWhereEquationTwoGaveFfff() {
        // RFC 1624 section 4: other octets sum to 0xCD7A, m = 0x5555 becomes 0x3285.
        assertEquals(0xDD2F, 0xFFFF & ~Checksum.fold(0xCD7A + 0x5555));
        assertEquals(0x0000, Checksum.update16(0xDD2F, 0x5555, 0x3285));
    }

    @Test
    void allZeroIcmpMessageChecksumIsFfffNotZero() {
        final UnsafeBuffer icmp = new UnsafeBuffer(new byte[8]);
        assertEquals(0xFFFF, Checksum.l4Checksum4(icmp, 0, 8, 0, 0, IpProtocol.ICMP));
        assertFalse(Checksum.isL4Valid4(icmp, 0, 8, 0, 0, IpProtocol.ICMP));
        IcmpFlyweight.checksum(icmp, 0, 0xFFFF);
        assertTrue(Checksum.isL4Valid4(icmp, 0, 8, 0, 0, IpProtocol.ICMP));
    }

    @Test
    void computedZeroUdpChecksumIsSentAsFfffAndVerifies() {
        final UnsafeBuffer udp = new UnsafeBuffer(new byte[10]);
        UdpFlyweight.srcPort(udp, 0, 1234);
        UdpFlyweight.dstPort(udp, 0, 53);
        udp.putShort(UdpFlyweight.LENGTH_OFFSET, (short) 10, java.nio.ByteOrder.BIG_ENDIAN);
        // A data word equal to the checksum without it brings the sum to 0xFFFF, so the checksum is 0.
        final int withoutData = Checksum.l4Checksum4(udp, 0, 10, Frames.IP_A, Frames.IP_B, IpProtocol.UDP);
        udp.putShort(8, (short) withoutData, java.nio.ByteOrder.BIG_ENDIAN);
        assertEquals(0xFFFF, Checksum.l4Checksum4(udp, 0, 10, Frames.IP_A, Frames.IP_B, IpProtocol.UDP));
        UdpFlyweight.checksum(udp, 0, 0xFFFF);
        assertTrue(Checksum.isL4Valid4(udp, 0, 10, Frames.IP_A, Frames.IP_B, IpProtocol.UDP));
    }

    @Test
    void storedZeroUdpChecksumMeansNoneOverIpv4AndIsInvalidOverIpv6() {
        final UnsafeBuffer udp = new UnsafeBuffer(Frames.payload(20, 3));
        UdpFlyweight.checksum(udp, 0, 0);
        assertTrue(Checksum.isL4Valid4(udp, 0, 20, Frames.IP_A, Frames.IP_B, IpProtocol.UDP));
        assertFalse(Checksum.isL4Valid6(udp, 0, 20, Frames.DOC_HI, 1, Frames.DOC_HI, 2, IpProtocol.UDP));
        assertEquals(0, Checksum.updateUdp16(0, 1234, 4321));
        assertEquals(0, Checksum.updateUdp32(0, Frames.IP_A, Frames.IP_B));
        assertEquals(0, Checksum.updateUdp128(0, 1, 2, 3, 4));
    }

    @Test
    void udpUpdateSendsAComputedZeroAsFfff() {
        // ~(~0x0000 + ~0x0000 + 0xFFFF) folds to ~0xFFFF: a TCP field would hold 0, a UDP field must hold 0xFFFF.
        assertEquals(0, Checksum.update16(0x0000, 0x0000, 0xFFFF));
        assertEquals(0xFFFF, Checksum.updateUdp16(0xFFFF, 0x0000, 0xFFFF));
    }

    @Test
    void sixteenBitUpdatesEqualFullRecomputation() {
        final Random random = new Random(16);
        for (int i = 0; i < FRAMES; i++) {
            final int length = buildRandomFrame(random);
            for (int step = 0; step < 3; step++) {
                final int field = parsed.l4Offset + (parsed.protocol == IpProtocol.TCP || parsed.protocol == IpProtocol.UDP
                        ? TcpFlyweight.SRC_PORT_OFFSET : IcmpFlyweight.ID_OFFSET);
                final int oldValue = Wire.u16(frame, field);
                final int newValue = edgyValue(random) & 0xFFFF;
                Wire.putU16(frame, field, newValue);
                final int stored = storedL4Checksum();
                storeL4Checksum(parsed.protocol == IpProtocol.UDP
                        ? Checksum.updateUdp16(stored, oldValue, newValue) : Checksum.update16(stored, oldValue, newValue));
                assertL4ChecksumIsFull(length);
            }
        }
    }

    @Test
    void thirtyTwoBitUpdatesOfIpv4AddressesEqualFullRecomputation() {
        final Random random = new Random(32);
        int frames = 0;
        while (frames < FRAMES) {
            final int length = buildRandomFrame(random);
            if (parsed.ipVersion != 4) {
                continue;
            }
            frames++;
            for (int step = 0; step < 3; step++) {
                final int l3 = parsed.l3Offset;
                final int oldAddress = Ipv4Flyweight.dst(frame, l3);
                final int newAddress = edgyValue(random);
                Ipv4Flyweight.dst(frame, l3, newAddress);
                Ipv4Flyweight.checksum(frame, l3, Checksum.update32(Ipv4Flyweight.checksum(frame, l3), oldAddress, newAddress));
                assertEquals(Checksum.ipv4Header(frame, l3), Ipv4Flyweight.checksum(frame, l3));
                if (parsed.protocol != IpProtocol.ICMP) {
                    final int stored = storedL4Checksum();
                    storeL4Checksum(parsed.protocol == IpProtocol.UDP
                            ? Checksum.updateUdp32(stored, oldAddress, newAddress)
                            : Checksum.update32(stored, oldAddress, newAddress));
                }
                assertL4ChecksumIsFull(length);
            }
        }
    }

    @Test
    void thirtyTwoBitUpdatesOfTcpSequenceNumbersEqualFullRecomputation() {
        final Random random = new Random(33);
        int frames = 0;
        while (frames < FRAMES) {
            final int length = buildRandomFrame(random);
            if (parsed.protocol != IpProtocol.TCP) {
                continue;
            }
            frames++;
            final int oldSeq = TcpFlyweight.seq(frame, parsed.l4Offset);
            final int newSeq = oldSeq + edgyValue(random);
            TcpFlyweight.seq(frame, parsed.l4Offset, newSeq);
            storeL4Checksum(Checksum.update32(storedL4Checksum(), oldSeq, newSeq));
            assertL4ChecksumIsFull(length);
        }
    }

    @Test
    void oneHundredTwentyEightBitUpdatesOfIpv6AddressesEqualFullRecomputation() {
        final Random random = new Random(128);
        int frames = 0;
        while (frames < FRAMES) {
            final int length = buildRandomFrame(random);
            if (parsed.ipVersion != 6) {
                continue;
            }
            frames++;
            for (int step = 0; step < 3; step++) {
                final int l3 = parsed.l3Offset;
                final long oldHi = Ipv6Flyweight.srcHi(frame, l3);
                final long oldLo = Ipv6Flyweight.srcLo(frame, l3);
                final long newHi = random.nextBoolean() ? oldHi : random.nextLong();
                final long newLo = random.nextInt(4) == 0 ? -1L : random.nextLong();
                Ipv6Flyweight.src(frame, l3, newHi, newLo);
                final int stored = storedL4Checksum();
                storeL4Checksum(parsed.protocol == IpProtocol.UDP
                        ? Checksum.updateUdp128(stored, oldHi, oldLo, newHi, newLo)
                        : Checksum.update128(stored, oldHi, oldLo, newHi, newLo));
                assertL4ChecksumIsFull(length);
            }
        }
    }

    /** A valid TCP, UDP or ICMP frame over IPv4 or IPv6 with random addresses and payload, parsed into {@link #parsed}. */
    private int buildRandomFrame(Random random) {
        final int protocol = L4_PROTOCOLS[random.nextInt(L4_PROTOCOLS.length)];
        final boolean v6 = random.nextBoolean();
        final byte[] payload = new byte[random.nextInt(120)];
        if (random.nextInt(8) == 0) {
            java.util.Arrays.fill(payload, (byte) (random.nextBoolean() ? 0 : 0xFF));
        } else {
            random.nextBytes(payload);
        }
        final FrameBuilder builder = new FrameBuilder().ethernet(Frames.MAC_A, Frames.MAC_B).payload(payload);
        if (v6) {
            builder.ipv6(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(),
                    protocol == IpProtocol.ICMP ? IpProtocol.ICMPV6 : protocol, 64);
        } else {
            builder.ipv4(edgyValue(random), edgyValue(random), protocol, 64, random.nextInt(0x10000), true);
        }
        if (protocol == IpProtocol.TCP) {
            builder.tcp(random.nextInt(0x10000), random.nextInt(0x10000), random.nextInt(), random.nextInt(),
                    TcpFlyweight.ACK, random.nextInt(0x10000));
        } else if (protocol == IpProtocol.UDP) {
            builder.udp(random.nextInt(0x10000), random.nextInt(0x10000));
        } else {
            builder.icmp(v6 ? IcmpFlyweight.V6_ECHO_REQUEST : IcmpFlyweight.V4_ECHO_REQUEST, 0, edgyValue(random));
        }
        final int length = builder.build(frame, 0);
        assertEquals(0, parser.parse(frame, 0, length, parsed), "built frame must parse");
        return length;
    }

    /** Values that push one's-complement sums onto their 0x0000 / 0xFFFF edges now and then. */
    private static int edgyValue(Random random) {
        switch (random.nextInt(6)) {
            case 0:
                return 0;
            case 1:
                return -1;
            case 2:
                return 0xFFFF;
            default:
                return random.nextInt();
        }
    }

    private int storedL4Checksum() {
        return Wire.u16(frame, parsed.l4Offset + Checksum.checksumFieldOffset(parsed.protocol));
    }

    private void storeL4Checksum(int checksum) {
        Wire.putU16(frame, parsed.l4Offset + Checksum.checksumFieldOffset(parsed.protocol), checksum);
    }

    private void assertL4ChecksumIsFull(int length) {
        final int l3 = parsed.l3Offset;
        final int l4 = parsed.l4Offset;
        final int l4Length = parsed.l4Length;
        final int full = parsed.ipVersion == 4
                ? Checksum.l4Checksum4(frame, l4, l4Length, Ipv4Flyweight.src(frame, l3), Ipv4Flyweight.dst(frame, l3), parsed.protocol)
                : Checksum.l4Checksum6(frame, l4, l4Length, Ipv6Flyweight.srcHi(frame, l3), Ipv6Flyweight.srcLo(frame, l3),
                        Ipv6Flyweight.dstHi(frame, l3), Ipv6Flyweight.dstLo(frame, l3), parsed.protocol);
        assertEquals(full, storedL4Checksum());
        final ParsedFrame reparsed = new ParsedFrame();
        assertEquals(0, parser.parse(frame, 0, length, reparsed), "updated frame must still verify");
    }
}
