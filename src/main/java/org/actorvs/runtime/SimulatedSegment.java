package org.actorvs.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.actorvs.packet.EthernetFlyweight;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One Ethernet segment of the simulated lab, as a bridge that has learnt every station: a frame
 * goes to the station whose MAC it is addressed to, a broadcast or multicast frame (group bit set)
 * to every station but its sender. Stations are the hosts and the directors' ports. A frame whose
 * source MAC no attached station has is dropped: its sender was cut off the segment, so nothing it
 * sends gets out and nothing reaches it.
 *
 * <p>Frames are carried one at a time, in order, on the segment's own thread, as a wire carries
 * them: a sender never runs a receiver's code, so hosts that lock themselves while they handle a
 * frame cannot deadlock on each other's broadcasts.
 */
final class SimulatedSegment implements AutoCloseable {
    /** The group bit: the least significant bit of the first octet. */
    private static final long GROUP_BIT = 0x0100_0000_0000L;

    final String name;
    private final Map<Long, Consumer<byte[]>> stations = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<byte[]> wire = new LinkedBlockingQueue<>();
    private final AtomicLong unclaimed = new AtomicLong();
    private final Thread carrier;
    private volatile boolean closed;

    SimulatedSegment(String name) {
        this.name = name;
        this.carrier = new Thread(this::carry, "segment-" + name);
        carrier.setDaemon(true);
        carrier.start();
    }

    /** Plugs a station in: from now on it receives the frames for {@code mac}, and may send. */
    void attach(long mac, Consumer<byte[]> station) {
        stations.put(mac, station);
    }

    /** Unplugs the station of {@code mac}: frames to it, and frames it sends, are lost. */
    void detach(long mac) {
        stations.remove(mac);
    }

    /** Puts a frame on the wire (the array is the segment's from now on). */
    void send(byte[] frame) {
        if (!closed) {
            wire.add(frame);
        }
    }

    /** Unicast frames that reached no station: addressed to a station cut off, or to none. */
    long unclaimed() {
        return unclaimed.get();
    }

    private void carry() {
        UnsafeBuffer view = new UnsafeBuffer(0, 0);
        while (!closed) {
            byte[] frame;
            try {
                frame = wire.take();
            } catch (InterruptedException e) {
                return;
            }
            view.wrap(frame);
            long src = EthernetFlyweight.srcMac(view, 0);
            if (!stations.containsKey(src)) {
                continue;
            }
            long dst = EthernetFlyweight.dstMac(view, 0);
            if ((dst & GROUP_BIT) != 0) {
                stations.forEach((mac, station) -> {
                    if (mac != src) {
                        station.accept(frame);
                    }
                });
            } else {
                Consumer<byte[]> station = stations.get(dst);
                if (station != null) {
                    station.accept(frame);
                } else {
                    unclaimed.incrementAndGet();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        carrier.interrupt();
    }
}
