package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class Ipv6FlyweightTest {
    private final Ipv6Flyweight ip = new Ipv6Flyweight();

    @Test
    void readsEveryFieldOfACapturedHeader() {
        ip.wrap(Frames.buffer(Frames.TCP6_SYN_ACK), 14);
        assertEquals(6, ip.version());
        assertEquals(0x0b, ip.trafficClass());
        assertEquals(0x12345, ip.flowLabel());
        assertEquals(20, ip.payloadLength());
        assertEquals(IpProtocol.TCP, ip.nextHeader());
        assertEquals(64, ip.hopLimit());
        assertEquals(Frames.DOC_HI, ip.srcHi());
        assertEquals(1L, ip.srcLo());
        assertEquals(Frames.DOC_HI, ip.dstHi());
        assertEquals(2L, ip.dstLo());
    }

    @Test
    void writesEveryFieldAsCaptured() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[40]);
        ip.wrap(out, 0).versionClassFlow(6, 0x0b, 0x12345).payloadLength(20).nextHeader(6).hopLimit(64)
                .src(Frames.DOC_HI, 1).dst(Frames.DOC_HI, 2);
        assertArrayEquals(Arrays.copyOfRange(Frames.bytes(Frames.TCP6_SYN_ACK), 14, 54), out.byteArray());
    }

    @Test
    void extensionHeaderLengthsFollowEachHeadersUnit() {
        assertEquals(8, Ipv6Flyweight.extensionHeaderLength(IpProtocol.HOPOPTS, 0));
        assertEquals(24, Ipv6Flyweight.extensionHeaderLength(IpProtocol.ROUTING, 2));
        assertEquals(2048, Ipv6Flyweight.extensionHeaderLength(IpProtocol.DSTOPTS, 255));
        assertEquals(8, Ipv6Flyweight.extensionHeaderLength(IpProtocol.FRAGMENT, 99));
        assertEquals(24, Ipv6Flyweight.extensionHeaderLength(IpProtocol.AH, 4));
    }
}
