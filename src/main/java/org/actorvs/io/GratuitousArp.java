package org.actorvs.io;

import org.actorvs.forward.FrameSink;
import org.actorvs.forward.Port;
import org.actorvs.packet.ArpFlyweight;
import org.actorvs.packet.EthernetFlyweight;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Gratuitous ARP announcing that an address now lives behind a port's MAC, sent when this director
 * takes over a VIP. The frame is keepalived's (send_gratuitous_arp_immediate() in vrrp_arp.c): a
 * broadcast ARP request whose sender and target IP are both the announced address and whose
 * target MAC is all ones, so that hosts and switches on the LAN update their caches. Not
 * thread-safe: one instance per sending thread.
 */
public final class GratuitousArp {
    /** keepalived's vrrp_garp_master_repeat default: announcements sent on becoming master. */
    public static final int KEEPALIVED_REPEAT = 5;

    private final ArpFrames frames = new ArpFrames();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[ArpFrames.MAX_LENGTH]);

    /** Writes one announcement of {@code ipv4} on {@code port} at {@code offset}; returns its length. */
    public int write(MutableDirectBuffer out, int offset, Port port, int ipv4) {
        return frames.write(out, offset, port, EthernetFlyweight.BROADCAST_MAC, ArpFlyweight.OP_REQUEST, ipv4,
                EthernetFlyweight.BROADCAST_MAC, ipv4);
    }

    /**
     * Sends {@code count} identical announcements back to back (keepalived spaces repeats by
     * garp_interval, default 0). Use {@link #KEEPALIVED_REPEAT} for keepalived's count.
     */
    public void announce(Port port, int ipv4, int count, FrameSink out) {
        final int length = write(frame, 0, port, ipv4);
        for (int i = 0; i < count; i++) {
            out.send(port.index(), frame, 0, length);
        }
    }
}
