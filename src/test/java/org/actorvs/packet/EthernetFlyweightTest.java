package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class EthernetFlyweightTest {
    private final EthernetFlyweight ethernet = new EthernetFlyweight();

    @Test
    void readsMacsAndEtherTypeOfAnUntaggedCapture() {
        ethernet.wrap(Frames.buffer(Frames.TCP_SYN), 0);
        assertEquals(0x5254_0012_3456L, ethernet.dstMac());
        assertEquals(0x0242_ac11_0002L, ethernet.srcMac());
        assertEquals(EthernetFlyweight.ETHER_TYPE_IPV4, ethernet.etherType());
        assertFalse(ethernet.isVlanTagged());
        assertEquals(EthernetFlyweight.ETHER_TYPE_IPV4, ethernet.payloadEtherType());
        assertEquals(14, ethernet.headerLength());
    }

    @Test
    void readsTheVlanTagOfATaggedCapture() {
        final UnsafeBuffer frame = Frames.buffer(Frames.UDP_VLAN);
        ethernet.wrap(frame, 0);
        assertTrue(ethernet.isVlanTagged());
        assertEquals(0x6064, ethernet.vlanTci());
        assertEquals(100, ethernet.vlanId());
        assertEquals(3, ethernet.vlanPriority());
        assertEquals(EthernetFlyweight.ETHER_TYPE_IPV4, ethernet.payloadEtherType());
        assertEquals(18, ethernet.headerLength());
        assertEquals(EthernetFlyweight.VLAN_TPID, EthernetFlyweight.etherType(frame, 0));
        assertEquals(EthernetFlyweight.ETHER_TYPE_IPV4, EthernetFlyweight.payloadEtherType(frame, 0));
    }

    @Test
    void writesEveryFieldOfATaggedHeaderAsCaptured() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[18]);
        ethernet.wrap(out, 0).dstMac(Frames.MAC_A).srcMac(Frames.MAC_B).vlanTag(0x6064).payloadEtherType(0x0800);
        assertArrayEquals(Arrays.copyOf(Frames.bytes(Frames.UDP_VLAN), 18), out.byteArray());
    }

    @Test
    void writesMacsThroughStaticAccessorsAtAnOffset() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[20]);
        EthernetFlyweight.dstMac(out, 3, EthernetFlyweight.BROADCAST_MAC);
        EthernetFlyweight.srcMac(out, 3, Frames.MAC_B);
        assertEquals(EthernetFlyweight.BROADCAST_MAC, EthernetFlyweight.dstMac(out, 3));
        assertEquals(Frames.MAC_B, EthernetFlyweight.srcMac(out, 3));
        assertEquals(0, out.getByte(2));
        assertEquals(0, out.getByte(15));
    }

    @Test
    void copiesMacsToAndFromByteArrays() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[14]);
        final byte[] dst = {1, 2, 3, 4, 5, 6};
        final byte[] src = {(byte) 0xaa, (byte) 0xbb, (byte) 0xcc, (byte) 0xdd, (byte) 0xee, (byte) 0xff};
        ethernet.wrap(out, 0).dstMac(dst).srcMac(src);
        assertEquals(0x0102_0304_0506L, ethernet.dstMac());
        assertEquals(0xaabb_ccdd_eeffL, ethernet.srcMac());
        final byte[] copy = new byte[6];
        ethernet.copySrcMac(copy);
        assertArrayEquals(src, copy);
        ethernet.copyDstMac(copy);
        assertArrayEquals(dst, copy);
    }
}
