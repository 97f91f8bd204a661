package org.actorvs.ha;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.actorvs.forward.FrameSink;
import org.actorvs.forward.Port;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.Ipv4Flyweight;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One virtual router on one port: received frames go through {@link VrrpValidator} into
 * {@link VrrpRouter}, and the adverts the router asks for are written and sent here, so that a
 * rejected frame can never touch the router. What is left to the caller are the role changes
 * ({@link VrrpRouter#BECOME_MASTER} and friends in the returned bits). Single-threaded.
 */
public final class VrrpInstance {
    /** keepalived's adverts: IPTOS_PREC_INTERNETCONTROL (vrrp_build_ip4()). */
    public static final int TOS = 0xC0;
    private static final int MAX_FRAME = EthernetFlyweight.VLAN_HEADER_LENGTH + Ipv4Flyweight.HEADER_LENGTH
            + VrrpFlyweight.length(VrrpFlyweight.VERSION_2, 255);

    private final Port port;
    private final VrrpConfig config;
    private final VrrpValidator validator;
    private final VrrpRouter router;
    private final FrameSink out;
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[MAX_FRAME]);
    private final int[] vips;
    private final byte[] authData;
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private int ipId;
    private long advertsSent;

    public VrrpInstance(Port port, VrrpConfig config, FrameSink out) {
        if ((int) port.ipv4() != config.primaryAddress()) {
            throw new IllegalArgumentException("port " + port.name() + " does not have the primary address of " + config);
        }
        this.port = port;
        this.config = config;
        this.validator = new VrrpValidator(config);
        this.router = new VrrpRouter(config);
        this.out = out;
        this.vips = config.vips();
        this.authData = config.authData();
    }

    public VrrpRouter router() {
        return router;
    }

    public VrrpValidator validator() {
        return validator;
    }

    public Port port() {
        return port;
    }

    public long advertsSent() {
        return advertsSent;
    }

    public int startup(long nowNanos) {
        return send(router.startup(nowNanos));
    }

    public int shutdown(long nowNanos) {
        return send(router.shutdown(nowNanos));
    }

    public int onTimer(long nowNanos) {
        return send(router.onTimer(nowNanos));
    }

    /** A received frame: validated, then (if an advert for us) given to the router. */
    public int onFrame(DirectBuffer buffer, int offset, int length, long nowNanos) {
        if (validator.check(buffer, offset, length) != VrrpValidator.OK) {
            return VrrpRouter.NONE;
        }
        return send(router.onAdvert(validator.priority(), validator.intervalCentis(), validator.source(), nowNanos));
    }

    /**
     * Writes our advert with {@code priority} as an Ethernet frame to 01:00:5e:00:00:12 from the
     * port's own MAC (keepalived uses the interface MAC unless use_vmac is set), IPv4 from the
     * port's address to 224.0.0.18, TTL 255; returns its length, padded to the Ethernet minimum.
     */
    public int writeAdvert(MutableDirectBuffer b, int offset, int priority) {
        int ip = offset + EthernetFlyweight.HEADER_LENGTH;
        EthernetFlyweight.dstMac(b, offset, VrrpFlyweight.MULTICAST_MAC);
        EthernetFlyweight.srcMac(b, offset, port.mac());
        if (port.vlanId() >= 0) {
            b.putShort(offset + EthernetFlyweight.ETHER_TYPE_OFFSET, (short) EthernetFlyweight.VLAN_TPID, BIG_ENDIAN);
            b.putShort(offset + EthernetFlyweight.VLAN_TCI_OFFSET, (short) port.vlanId(), BIG_ENDIAN);
            b.putShort(offset + EthernetFlyweight.VLAN_ETHER_TYPE_OFFSET, (short) EthernetFlyweight.ETHER_TYPE_IPV4, BIG_ENDIAN);
            ip = offset + EthernetFlyweight.VLAN_HEADER_LENGTH;
        } else {
            b.putShort(offset + EthernetFlyweight.ETHER_TYPE_OFFSET, (short) EthernetFlyweight.ETHER_TYPE_IPV4, BIG_ENDIAN);
        }
        final int vrrp = ip + Ipv4Flyweight.HEADER_LENGTH;
        final int vrrpLength = VrrpFlyweight.write(b, vrrp, config.version(), config.vrid(), priority,
                config.intervalCentis(), config.authType(), authData, vips, config.primaryAddress(),
                VrrpFlyweight.MULTICAST_GROUP);
        ipv4.wrap(b, ip).version(Ipv4Flyweight.VERSION).ihl(Ipv4Flyweight.HEADER_LENGTH).tos(TOS)
                .totalLength(Ipv4Flyweight.HEADER_LENGTH + vrrpLength).id(ipId++ & 0xFFFF).checksum(0);
        b.putShort(ip + Ipv4Flyweight.FLAGS_FRAGMENT_OFFSET, (short) 0, BIG_ENDIAN);
        ipv4.ttl(VrrpFlyweight.TTL).protocol(VrrpFlyweight.IP_PROTOCOL).src(config.primaryAddress())
                .dst(VrrpFlyweight.MULTICAST_GROUP).updateChecksum();
        int end = vrrp + vrrpLength;
        while (end - offset < EthernetFlyweight.MIN_FRAME_LENGTH) {
            b.putByte(end++, (byte) 0);
        }
        return end - offset;
    }

    private int send(int actions) {
        if ((actions & VrrpRouter.SEND_ADVERT) != 0) {
            final int length = writeAdvert(frame, 0, router.advertPriority());
            out.send(port.index(), frame, 0, length);
            advertsSent++;
        }
        return actions;
    }
}
