package org.actorvs.io;

import org.actorvs.forward.FrameSink;
import org.actorvs.forward.Port;
import org.actorvs.packet.IcmpFlyweight;
import org.actorvs.packet.NdpFlyweight;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * IPv6's gratuitous ARP: an unsolicited neighbour advertisement announcing that an address now
 * lives behind a port's MAC, sent when this director takes over an IPv6 VIP. The frame is
 * keepalived's (ndisc_send_unsolicited_na_immediate() in vrrp_ndisc.c): from the address itself to
 * all nodes (ff02::1, MAC 33:33:00:00:00:01), override set and solicited clear (RFC 4861 7.2.6),
 * with the port's MAC in the target link-layer option, so that neighbours replace their entries.
 * Not thread-safe: one instance per sending thread.
 */
public final class UnsolicitedAdvertisement {
    private final NdpFrames frames = new NdpFrames();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[NdpFrames.MAX_LENGTH]);

    /** Writes one announcement of (hi, lo) on {@code port} at {@code offset}; returns its length. */
    public int write(MutableDirectBuffer out, int offset, Port port, long hi, long lo) {
        return frames.write(out, offset, port, NdpFlyweight.multicastMac(NdpFlyweight.ALL_NODES_LO), hi, lo,
                NdpFlyweight.ALL_NODES_HI, NdpFlyweight.ALL_NODES_LO, IcmpFlyweight.V6_NEIGHBOR_ADVERTISEMENT,
                NdpFlyweight.FLAG_OVERRIDE, hi, lo, NdpFlyweight.OPTION_TARGET_LINK_LAYER);
    }

    /**
     * Sends {@code count} identical announcements back to back; keepalived sends as many as
     * gratuitous ARPs ({@link GratuitousArp#KEEPALIVED_REPEAT}).
     */
    public void announce(Port port, long hi, long lo, int count, FrameSink out) {
        final int length = write(frame, 0, port, hi, lo);
        for (int i = 0; i < count; i++) {
            out.send(port.index(), frame, 0, length);
        }
    }
}
