package org.actorvs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.MacAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class IpipDecapsulatorTest {
    private static final long VIP0_MAC = MacAddress.parse("02:00:00:00:00:a0");
    private static final long VIPD_MAC = MacAddress.parse("02:00:00:00:00:d0");
    private static final long RS_MAC = MacAddress.parse("02:00:00:00:00:21");
    private static final long DIRECTOR_MAC = MacAddress.parse("02:00:00:00:00:11");
    private static final int CLIENT = 0x0A4D0002;
    private static final int VIP = 0x0A4D0064;
    private static final int DIRECTOR = 0x0A4D000B;
    private static final int RS = 0x0A4D0015;

    private final IpipDecapsulator decapsulator = new IpipDecapsulator(VIP0_MAC, VIPD_MAC);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[2048]);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[2048]);

    @Test
    void theInnerPacketLeavesUnchangedInAFrameToTheVipDevice() {
        byte[] inner = innerSyn();
        int length = new FrameBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .ipv4(DIRECTOR, RS, IpProtocol.IPIP, 64, 7, true).payload(inner).build(frame, 0);

        int n = decapsulator.decapsulate(frame, 0, length, out);

        assertEquals(EthernetFlyweight.HEADER_LENGTH + inner.length, n);
        assertEquals(VIP0_MAC, EthernetFlyweight.dstMac(out, 0));
        assertEquals(VIPD_MAC, EthernetFlyweight.srcMac(out, 0));
        assertEquals(EthernetFlyweight.ETHER_TYPE_IPV4, EthernetFlyweight.etherType(out, 0));
        byte[] carried = new byte[inner.length];
        out.getBytes(EthernetFlyweight.HEADER_LENGTH, carried);
        assertArrayEquals(inner, carried);
    }

    @Test
    void ethernetPaddingAfterTheOuterPacketIsNotCarried() {
        byte[] inner = innerSyn();
        int length = new FrameBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .ipv4(DIRECTOR, RS, IpProtocol.IPIP, 64, 7, true).payload(inner).padTo(200).build(frame, 0);

        assertEquals(EthernetFlyweight.HEADER_LENGTH + inner.length, decapsulator.decapsulate(frame, 0, length, out));
    }

    @Test
    void aPlainTcpPacketIsNotDecapsulated() {
        int length = new FrameBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .ipv4(CLIENT, RS, IpProtocol.TCP, 64, 1, true).tcp(40000, 80, 1, 0, 0x02, 65535).build(frame, 0);

        assertEquals(IpipDecapsulator.NOT_IPIP, decapsulator.decapsulate(frame, 0, length, out));
    }

    @Test
    void aFragmentOfAnOuterPacketIsRefused() {
        int length = new FrameBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .ipv4(DIRECTOR, RS, IpProtocol.IPIP, 64, 7, false).ipv4Fragment(0, true).payload(innerSyn())
                .build(frame, 0);

        assertEquals(IpipDecapsulator.MALFORMED, decapsulator.decapsulate(frame, 0, length, out));
    }

    @Test
    void anOuterPacketLongerThanTheFrameIsRefused() {
        int length = new FrameBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .ipv4(DIRECTOR, RS, IpProtocol.IPIP, 64, 7, true).payload(innerSyn()).build(frame, 0);

        assertEquals(IpipDecapsulator.MALFORMED, decapsulator.decapsulate(frame, 0, length - 1, out));
    }

    private static byte[] innerSyn() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[128]);
        int n = new FrameBuilder().ipv4(CLIENT, VIP, IpProtocol.TCP, 64, 1, true).tcp(40000, 80, 12345, 0, 0x02, 65535)
                .build(b, 0);
        byte[] bytes = new byte[n];
        b.getBytes(0, bytes);
        return bytes;
    }
}
