package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class IcmpFlyweightTest {
    private final IcmpFlyweight icmp = new IcmpFlyweight();

    @Test
    void readsEveryFieldOfACapturedEcho() {
        icmp.wrap(Frames.buffer(Frames.ICMP_ECHO), 34);
        assertEquals(IcmpFlyweight.V4_ECHO_REQUEST, icmp.type());
        assertEquals(0, icmp.code());
        assertEquals(0xad8a, icmp.checksum());
        assertEquals(0x12340001, icmp.restOfHeader());
        assertEquals(0x1234, icmp.id());
        assertEquals(1, icmp.sequence());
    }

    @Test
    void readsThe32BitMtuOfACapturedPacketTooBig() {
        icmp.wrap(Frames.buffer(Frames.ICMP6_PACKET_TOO_BIG), 54);
        assertEquals(IcmpFlyweight.V6_PACKET_TOO_BIG, icmp.type());
        assertEquals(0xdb56, icmp.checksum());
        assertEquals(1280L, icmp.packetTooBigMtu());
        icmp.packetTooBigMtu(0xFFFF_FFFFL);
        assertEquals(0xFFFF_FFFFL, icmp.packetTooBigMtu());
    }

    @Test
    void writesEveryFieldAsCaptured() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[8]);
        icmp.wrap(out, 0).type(8).code(0).checksum(0xad8a).id(0x1234).sequence(1);
        assertArrayEquals(Arrays.copyOfRange(Frames.bytes(Frames.ICMP_ECHO), 34, 42), out.byteArray());
        icmp.restOfHeader(0x00000500).type(2);
        assertArrayEquals(Arrays.copyOfRange(Frames.bytes(Frames.ICMP6_PACKET_TOO_BIG), 58, 62),
                Arrays.copyOfRange(out.byteArray(), 4, 8));
    }

    @Test
    void nextHopMtuIsTheLow16BitsOfTheRestOfHeader() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[8]);
        icmp.wrap(out, 0).type(IcmpFlyweight.V4_DEST_UNREACHABLE).code(IcmpFlyweight.V4_CODE_FRAGMENTATION_NEEDED)
                .nextHopMtu(1400);
        assertEquals(1400, icmp.restOfHeader());
        assertEquals(1400, icmp.nextHopMtu());
    }

    @Test
    void classifiesErrorsAndEchoesPerFamily() {
        assertTrue(IcmpFlyweight.isError(4, IcmpFlyweight.V4_DEST_UNREACHABLE));
        assertTrue(IcmpFlyweight.isError(4, IcmpFlyweight.V4_TIME_EXCEEDED));
        assertFalse(IcmpFlyweight.isError(4, IcmpFlyweight.V4_ECHO_REQUEST));
        assertTrue(IcmpFlyweight.isError(6, IcmpFlyweight.V6_PACKET_TOO_BIG));
        assertFalse(IcmpFlyweight.isError(6, IcmpFlyweight.V6_ECHO_REPLY));
        assertTrue(IcmpFlyweight.isEcho(4, IcmpFlyweight.V4_ECHO_REPLY));
        assertFalse(IcmpFlyweight.isEcho(4, IcmpFlyweight.V6_ECHO_REQUEST));
        assertTrue(IcmpFlyweight.isEcho(6, IcmpFlyweight.V6_ECHO_REQUEST));
    }
}
