package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ArpFlyweightTest {
    private final ArpFlyweight arp = new ArpFlyweight();

    @Test
    void readsEveryFieldOfACapturedRequest() {
        arp.wrap(Frames.buffer(Frames.ARP_REQUEST), 14);
        assertEquals(ArpFlyweight.HTYPE_ETHERNET, arp.htype());
        assertEquals(ArpFlyweight.PTYPE_IPV4, arp.ptype());
        assertEquals(6, arp.hlen());
        assertEquals(4, arp.plen());
        assertEquals(ArpFlyweight.OP_REQUEST, arp.op());
        assertEquals(Frames.MAC_B, arp.senderMac());
        assertEquals(Frames.IP_A, arp.senderIp());
        assertEquals(0L, arp.targetMac());
        assertEquals(Frames.IP_B, arp.targetIp());
    }

    @Test
    void writesEveryFieldAsCaptured() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[28]);
        arp.wrap(out, 0).htype(1).ptype(0x0800).hlen(6).plen(4).op(ArpFlyweight.OP_REQUEST)
                .senderMac(Frames.MAC_B).senderIp(Frames.IP_A).targetMac(0).targetIp(Frames.IP_B);
        assertArrayEquals(Arrays.copyOfRange(Frames.bytes(Frames.ARP_REQUEST), 14, 42), out.byteArray());
    }

    @Test
    void ethernetIpv4WritesTheFourFixedFields() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[28]);
        arp.wrap(out, 0).ethernetIpv4();
        assertArrayEquals(Frames.bytes("0001080006040000"), Arrays.copyOf(out.byteArray(), 8));
    }
}
