package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class UdpFlyweightTest {
    private final UdpFlyweight udp = new UdpFlyweight();

    @Test
    void readsEveryFieldOfACapturedQuery() {
        udp.wrap(Frames.buffer(Frames.UDP_VLAN), 38);
        assertEquals(57765, udp.srcPort());
        assertEquals(53, udp.dstPort());
        assertEquals(37, udp.length());
        assertEquals(0x887d, udp.checksum());
    }

    @Test
    void writesEveryFieldAsCaptured() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[8]);
        udp.wrap(out, 0).srcPort(57765).dstPort(53).length(37).checksum(0x887d);
        assertArrayEquals(Arrays.copyOfRange(Frames.bytes(Frames.UDP_VLAN), 38, 46), out.byteArray());
    }
}
