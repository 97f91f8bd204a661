package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class Ipv4FlyweightTest {
    private final Ipv4Flyweight ip = new Ipv4Flyweight();

    @Test
    void readsEveryFieldOfACapturedHeader() {
        ip.wrap(Frames.buffer(Frames.TCP_SYN), 14);
        assertEquals(4, ip.version());
        assertEquals(20, ip.ihl());
        assertEquals(0, ip.tos());
        assertEquals(60, ip.totalLength());
        assertEquals(0x1c46, ip.id());
        assertTrue(ip.dontFragment());
        assertFalse(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertFalse(ip.isFragment());
        assertEquals(64, ip.ttl());
        assertEquals(IpProtocol.TCP, ip.protocol());
        assertEquals(0x26e9, ip.checksum());
        assertEquals(0xc0a8010a, ip.src());
        assertEquals(0x5db8d822, ip.dst());
    }

    @Test
    void writesEveryFieldAsCaptured() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[20]);
        ip.wrap(out, 0).version(4).ihl(20).tos(0).totalLength(60).id(0x1c46).dontFragment(true).moreFragments(false)
                .fragmentOffset(0).ttl(64).protocol(6).checksum(0x26e9).src(0xc0a8010a).dst(0x5db8d822);
        assertArrayEquals(Arrays.copyOfRange(Frames.bytes(Frames.TCP_SYN), 14, 34), out.byteArray());
    }

    @Test
    void fragmentOffsetIsInBytesAndKeepsTheFlags() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[20]);
        ip.wrap(out, 0).moreFragments(true).dontFragment(true).fragmentOffset(1480);
        assertEquals(0x6000 | 185, Ipv4Flyweight.flagsAndFragmentOffset(out, 0));
        assertEquals(1480, ip.fragmentOffset());
        assertTrue(ip.moreFragments());
        assertTrue(ip.isFragment());
        ip.moreFragments(false).dontFragment(false);
        assertEquals(185, Ipv4Flyweight.flagsAndFragmentOffset(out, 0));
    }

    @Test
    void ihlIsInBytesAndKeepsTheVersion() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[60]);
        ip.wrap(out, 0).version(4).ihl(60);
        assertEquals(0x4f, out.getByte(0) & 0xFF);
        assertEquals(60, ip.ihl());
        assertEquals(4, ip.version());
    }

    @Test
    void updateChecksumWritesTheCapturedValue() {
        final UnsafeBuffer frame = Frames.buffer(Frames.TCP_SYN);
        ip.wrap(frame, 14).checksum(0).updateChecksum();
        assertEquals(0x26e9, ip.checksum());
    }

    @Test
    void decrementTtlKeepsTheHeaderChecksumValid() {
        final UnsafeBuffer frame = Frames.buffer(Frames.TCP_SYN);
        for (int hop = 0; hop < 63; hop++) {
            Ipv4Flyweight.decrementTtl(frame, 14);
            assertEquals(Checksum.ipv4Header(frame, 14), Ipv4Flyweight.checksum(frame, 14));
        }
        assertEquals(1, Ipv4Flyweight.ttl(frame, 14));
    }
}
