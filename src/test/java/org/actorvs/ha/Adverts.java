package org.actorvs.ha;

import org.actorvs.forward.Port;
import org.actorvs.packet.Checksum;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.Ipv4Flyweight;
import org.agrona.concurrent.UnsafeBuffer;

/** A LAN of two routers for the tests: ours at .1, a peer at .2, one VIP; adverts as frames. */
final class Adverts {
    static final int OURS = InetAddresses.parseIpv4("10.0.0.1");
    static final int PEER = InetAddresses.parseIpv4("10.0.0.2");
    static final int LOWER_PEER = InetAddresses.parseIpv4("9.0.0.9");
    static final int VIP = InetAddresses.parseIpv4("10.0.0.100");
    static final int VRID = 51;
    static final long OUR_MAC = 0x02_00_00_00_00_01L;
    static final long PEER_MAC = 0x02_00_00_00_00_02L;
    static final int L2 = EthernetFlyweight.HEADER_LENGTH;
    static final int VRRP = L2 + Ipv4Flyweight.HEADER_LENGTH;

    private Adverts() {
    }

    static VrrpConfig ours() {
        return VrrpConfig.keepalivedDefaults(VRID, OURS, VIP);
    }

    static Port port(int index, int ip, long mac) {
        return new Port(index, "eth" + index, mac, ip & 0xFFFF_FFFFL, 0, 0, 1500, -1);
    }

    /** The advert a peer configured like {@code config} (its primary address its source) sends with {@code priority}. */
    static byte[] from(VrrpConfig config, int priority) {
        final VrrpInstance peer = new VrrpInstance(port(0, config.primaryAddress(), PEER_MAC), config, (p, b, o, l) -> { });
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[128]);
        final int length = peer.writeAdvert(frame, 0, priority);
        final byte[] bytes = new byte[length];
        frame.getBytes(0, bytes);
        return bytes;
    }

    /** A peer's advert: our configuration but its own address and {@code priority}. */
    static byte[] peer(int priority) {
        return from(peerConfig(ours()), priority);
    }

    static VrrpConfig peerConfig(VrrpConfig ours) {
        return new VrrpConfig(ours.version(), ours.vrid(), ours.priority(), ours.intervalCentis(), ours.preempt(),
                ours.preemptDelayNanos(), ours.authType(), ours.authData(), ours.vips(), PEER);
    }

    /** Recomputes the IP header and VRRP checksums after a test edited the frame. */
    static byte[] reseal(byte[] frame) {
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        Ipv4Flyweight.checksum(b, L2, Checksum.ipv4Header(b, L2));
        final int vrrpLength = Ipv4Flyweight.totalLength(b, L2) - Ipv4Flyweight.HEADER_LENGTH;
        b.putShort(VRRP + VrrpFlyweight.CHECKSUM_OFFSET, (short) 0);
        b.putShort(VRRP + VrrpFlyweight.CHECKSUM_OFFSET, (short) VrrpFlyweight.computeChecksum(b, VRRP, vrrpLength,
                Ipv4Flyweight.src(b, L2), Ipv4Flyweight.dst(b, L2)), java.nio.ByteOrder.BIG_ENDIAN);
        return frame;
    }
}
