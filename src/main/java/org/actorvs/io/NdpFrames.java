package org.actorvs.io;

import org.actorvs.forward.Port;
import org.actorvs.packet.Checksum;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv6Flyweight;
import org.actorvs.packet.NdpFlyweight;
import org.agrona.MutableDirectBuffer;

/**
 * Writes the neighbour discovery frames the director originates (solicitations, solicited and
 * unsolicited advertisements) as ndisc_send_skb() does: Ethernet header from the port (802.1Q-tagged
 * on a VLAN port), an IPv6 header with hop limit 255, the NS or NA with one Ethernet link-layer
 * address option, and the ICMPv6 checksum over the pseudo-header.
 */
final class NdpFrames {
    /** An NS or NA with its one link-layer option. */
    static final int MESSAGE_LENGTH = NdpFlyweight.HEADER_LENGTH + NdpFlyweight.LINK_LAYER_OPTION_LENGTH;
    /** The longest frame written here: a tagged header, the IPv6 header and the message. */
    static final int MAX_LENGTH = EthernetFlyweight.VLAN_HEADER_LENGTH + Ipv6Flyweight.HEADER_LENGTH + MESSAGE_LENGTH;

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final Ipv6Flyweight ip = new Ipv6Flyweight();
    private final NdpFlyweight ndp = new NdpFlyweight();

    /**
     * Writes one message from the port's MAC; {@code optionType} is the link-layer option to carry
     * the port's MAC in (source for an NS, target for an NA).
     *
     * @return the frame length
     */
    int write(MutableDirectBuffer out, int offset, Port port, long dstMac, long srcHi, long srcLo, long dstHi,
            long dstLo, int type, int flags, long targetHi, long targetLo, int optionType) {
        ethernet.wrap(out, offset).dstMac(dstMac).srcMac(port.mac());
        if (port.vlanId() >= 0) {
            ethernet.vlanTag(port.vlanId());
        }
        ethernet.payloadEtherType(EthernetFlyweight.ETHER_TYPE_IPV6);
        final int ipOffset = offset + port.l2HeaderLength();
        ip.wrap(out, ipOffset).versionClassFlow(Ipv6Flyweight.VERSION, 0, 0).payloadLength(MESSAGE_LENGTH)
                .nextHeader(IpProtocol.ICMPV6).hopLimit(NdpFlyweight.HOP_LIMIT).src(srcHi, srcLo).dst(dstHi, dstLo);
        final int l4 = ipOffset + Ipv6Flyweight.HEADER_LENGTH;
        ndp.wrap(out, l4).message(type, flags, targetHi, targetLo).linkLayerOption(optionType, port.mac());
        ndp.checksum(Checksum.l4Checksum6(out, l4, MESSAGE_LENGTH, srcHi, srcLo, dstHi, dstLo, IpProtocol.ICMPV6));
        return port.l2HeaderLength() + Ipv6Flyweight.HEADER_LENGTH + MESSAGE_LENGTH;
    }
}
