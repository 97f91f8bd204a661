package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.actorvs.packet.EthernetFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated LAN as a bridge. It carries frames in order on one thread, so "nothing arrived"
 * is shown by a later frame arriving first, not by waiting.
 */
class SimulatedSegmentTest {
    private static final long A = 0x0200_0000_000AL;
    private static final long B = 0x0200_0000_000BL;
    private static final long C = 0x0200_0000_000CL;
    /** VRRP's group 224.0.0.18 as a MAC: the group bit set. */
    private static final long VRRP_GROUP = 0x0100_5E00_0012L;

    private final SimulatedSegment lan = new SimulatedSegment("lan");

    @AfterEach
    void close() {
        lan.close();
    }

    private LinkedBlockingQueue<byte[]> station(long mac) {
        LinkedBlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
        lan.attach(mac, inbox::add);
        return inbox;
    }

    private static byte[] frame(long dst, long src, int tag) {
        byte[] f = new byte[EthernetFlyweight.HEADER_LENGTH + 1];
        UnsafeBuffer b = new UnsafeBuffer(f);
        EthernetFlyweight.dstMac(b, 0, dst);
        EthernetFlyweight.srcMac(b, 0, src);
        f[EthernetFlyweight.HEADER_LENGTH] = (byte) tag;
        return f;
    }

    /** The tag of the next frame {@code inbox} receives. */
    private static int next(LinkedBlockingQueue<byte[]> inbox) throws InterruptedException {
        byte[] f = inbox.poll(5, TimeUnit.SECONDS);
        assertNotNull(f, "no frame within 5 s");
        return f[EthernetFlyweight.HEADER_LENGTH];
    }

    @Test
    void aUnicastFrameReachesOnlyTheStationItIsAddressedTo() throws InterruptedException {
        LinkedBlockingQueue<byte[]> a = station(A);
        LinkedBlockingQueue<byte[]> b = station(B);
        LinkedBlockingQueue<byte[]> c = station(C);
        lan.send(frame(B, A, 1));
        lan.send(frame(EthernetFlyweight.BROADCAST_MAC, B, 2));
        assertEquals(1, next(b));
        assertEquals(2, next(a), "A's first frame is the later broadcast");
        assertEquals(2, next(c), "C's first frame is the later broadcast");
    }

    @Test
    void broadcastAndMulticastFramesReachEveryStationButTheirSender() throws InterruptedException {
        LinkedBlockingQueue<byte[]> a = station(A);
        LinkedBlockingQueue<byte[]> b = station(B);
        LinkedBlockingQueue<byte[]> c = station(C);
        lan.send(frame(EthernetFlyweight.BROADCAST_MAC, A, 1));
        lan.send(frame(VRRP_GROUP, A, 2));
        lan.send(frame(A, B, 3));
        assertEquals(1, next(b));
        assertEquals(2, next(b));
        assertEquals(1, next(c));
        assertEquals(2, next(c));
        assertEquals(3, next(a), "A's first frame is B's later one: its own came not back");
    }

    @Test
    void aStationCutOffNeitherSendsNorReceives() throws InterruptedException {
        station(A);
        LinkedBlockingQueue<byte[]> b = station(B);
        LinkedBlockingQueue<byte[]> c = station(C);
        lan.detach(C);
        lan.send(frame(B, C, 1));
        lan.send(frame(EthernetFlyweight.BROADCAST_MAC, C, 2));
        lan.send(frame(C, A, 3));
        lan.send(frame(EthernetFlyweight.BROADCAST_MAC, A, 4));
        assertEquals(4, next(b), "nothing C sent got out");
        assertTrue(c.isEmpty(), "nothing reached C");
        assertEquals(1, lan.unclaimed(), "the frame to C found no station");
    }
}
