package org.actorvs.io;

import org.actorvs.forward.Port;
import org.actorvs.packet.ArpFlyweight;
import org.actorvs.packet.EthernetFlyweight;
import org.agrona.MutableDirectBuffer;

/**
 * Writes the ARP frames the director originates (requests, replies, gratuitous announcements) the
 * way arp_create() lays them out: Ethernet header from the port (802.1Q-tagged on a VLAN port),
 * then the 28-byte Ethernet/IPv4 ARP body. No padding: the NIC pads to 60 bytes, as for the kernel.
 */
final class ArpFrames {
    /** The longest frame written here: a tagged header and the ARP body. */
    static final int MAX_LENGTH = EthernetFlyweight.VLAN_HEADER_LENGTH + ArpFlyweight.HEADER_LENGTH;

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();

    /** @return the frame length */
    int write(MutableDirectBuffer out, int offset, Port port, long dstMac, int op, int senderIp, long targetMac,
            int targetIp) {
        ethernet.wrap(out, offset).dstMac(dstMac).srcMac(port.mac());
        if (port.vlanId() >= 0) {
            ethernet.vlanTag(port.vlanId());
        }
        ethernet.payloadEtherType(EthernetFlyweight.ETHER_TYPE_ARP);
        final int arpOffset = offset + port.l2HeaderLength();
        arp.wrap(out, arpOffset).ethernetIpv4().op(op).senderMac(port.mac()).senderIp(senderIp)
                .targetMac(targetMac).targetIp(targetIp);
        return port.l2HeaderLength() + ArpFlyweight.HEADER_LENGTH;
    }
}
