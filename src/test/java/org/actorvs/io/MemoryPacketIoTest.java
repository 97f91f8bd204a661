package org.actorvs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.actorvs.forward.Port;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class MemoryPacketIoTest {
    static final Port A = NeighbourTableTest.LAN;
    static final Port B = new Port(1, "lan1", 0x0200_0000_0101L, 0, 0, 0, 1500, -1);

    private final AtomicLong clock = new AtomicLong(1000);
    private final MemoryPacketIo io = new MemoryPacketIo(List.of(A, B), 1, clock::get, 4);

    @Test
    void deliveredFramesAreReceivedOnTheirPortInOrderWithTheClocksTime() {
        io.deliver(1, new byte[] {1, 2, 3});
        io.deliver(1, new byte[] {4, 5});
        final SentFrames got = new SentFrames();
        final long[] stamp = new long[1];
        assertEquals(0, io.receive(0, (p, b, o, l, t) -> got.send(p, b, o, l)));
        assertEquals(2, io.receive(1, (p, b, o, l, t) -> {
            got.send(p, b, o, l);
            stamp[0] = t;
        }));
        assertEquals(2, got.size());
        assertEquals(1, got.all().get(0).port());
        assertEquals(4, got.all().get(1).frame().getByte(0));
        assertEquals(1000, stamp[0]);
    }

    @Test
    void framesInjectedFromSeveralThreadsAllReachThePortListener() throws Exception {
        final SentFrames wire = new SentFrames();
        io.onInjected(0, wire);
        final Thread[] shards = new Thread[3];
        for (int s = 0; s < shards.length; s++) {
            shards[s] = new Thread(() -> {
                try (Injector injector = io.openInjector()) {
                    final UnsafeBuffer frame = new UnsafeBuffer(new byte[60]);
                    for (int i = 0; i < 1000; i++) {
                        injector.send(0, frame, 0, 60);
                    }
                }
            });
            shards[s].start();
        }
        for (Thread t : shards) {
            t.join(10_000);
        }
        assertEquals(3000, wire.size());
        assertEquals(3000, io.injected(0));
        assertEquals(0, io.injected(1));
    }

    @Test
    void aFullReceiveQueueDropsAndCounts() {
        for (int i = 0; i < 4; i++) {
            assertTrue(io.deliver(0, new byte[14]));
        }
        assertFalse(io.deliver(0, new byte[14]));
        assertEquals(1, io.dropped(0));
    }

    @Test
    void receiveReturnsEndAfterCloseAndInjectionFails() {
        io.deliver(0, new byte[14]);
        final Injector injector = io.openInjector();
        io.close();
        assertEquals(PacketIo.END, io.receive(0, (p, b, o, l, t) -> { }));
        injector.send(0, new UnsafeBuffer(new byte[14]), 0, 14);
        assertEquals(1, injector.failures());
    }
}
