package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class TcpFlyweightTest {
    private final TcpFlyweight tcp = new TcpFlyweight();

    @Test
    void readsEveryFieldOfACapturedSyn() {
        tcp.wrap(Frames.buffer(Frames.TCP_SYN), 34);
        assertEquals(54321, tcp.srcPort());
        assertEquals(80, tcp.dstPort());
        assertEquals(0x2a3b4c5d, tcp.seq());
        assertEquals(0, tcp.ack());
        assertEquals(40, tcp.dataOffset());
        assertEquals(TcpFlyweight.SYN, tcp.flags());
        assertEquals(64240, tcp.window());
        assertEquals(0xda7e, tcp.checksum());
        assertEquals(0, tcp.urgent());
    }

    @Test
    void readsSequenceNumbersAboveTwoToThe31AsTheirBits() {
        tcp.wrap(Frames.buffer(Frames.TCP6_SYN_ACK), 54);
        assertEquals(0x11223344, tcp.seq());
        assertEquals(0x2a3b4c5e, tcp.ack());
        assertEquals(TcpFlyweight.SYN | TcpFlyweight.ACK, tcp.flags());
        final UnsafeBuffer out = new UnsafeBuffer(new byte[20]);
        tcp.wrap(out, 0).seq(0xFFFF_FFF0);
        assertEquals(0xFFFF_FFF0L, Integer.toUnsignedLong(TcpFlyweight.seq(out, 0)));
    }

    @Test
    void writesEveryFieldAsCaptured() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[20]);
        tcp.wrap(out, 0).srcPort(80).dstPort(54321).seq(0x11223344).ack(0x2a3b4c5e).dataOffset(20)
                .flags(TcpFlyweight.SYN | TcpFlyweight.ACK).window(28944).checksum(0x53cc).urgent(0);
        assertArrayEquals(Arrays.copyOfRange(Frames.bytes(Frames.TCP6_SYN_ACK), 54, 74), out.byteArray());
    }

    @Test
    void dataOffsetKeepsTheLowNibble() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[20]);
        out.putByte(TcpFlyweight.DATA_OFFSET_OFFSET, (byte) 0x01);
        tcp.wrap(out, 0).dataOffset(60);
        assertEquals(0xf1, out.getByte(TcpFlyweight.DATA_OFFSET_OFFSET) & 0xFF);
        assertEquals(60, tcp.dataOffset());
    }

    @Test
    void flagConstantsAreTheWireBits() {
        assertEquals(0xFF, TcpFlyweight.FIN | TcpFlyweight.SYN | TcpFlyweight.RST | TcpFlyweight.PSH
                | TcpFlyweight.ACK | TcpFlyweight.URG | TcpFlyweight.ECE | TcpFlyweight.CWR);
        assertEquals(1, TcpFlyweight.FIN);
        assertEquals(32, TcpFlyweight.URG);
        assertEquals(128, TcpFlyweight.CWR);
    }
}
