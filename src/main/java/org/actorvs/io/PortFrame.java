package org.actorvs.io;

import java.nio.ByteOrder;

import org.actorvs.forward.Port;
import org.actorvs.packet.EthernetFlyweight;
import org.agrona.DirectBuffer;

/**
 * What the ARP and neighbour discovery responders check first about a received frame: that it
 * holds an Ethernet header (802.1Q-tagged or not) and a body, and that it came on the port's VLAN.
 */
final class PortFrame {
    static final int TOO_SHORT = -1;
    /** A tag other than the port's VLAN, or a tag on an untagged port. */
    static final int FOREIGN_VLAN = -2;

    private PortFrame() {
    }

    /**
     * The frame's Ethernet header length, or {@link #TOO_SHORT} when the frame cannot also hold
     * {@code bodyLength} bytes, or {@link #FOREIGN_VLAN}.
     */
    static int headerLength(Port port, DirectBuffer buffer, int offset, int length, int bodyLength) {
        if (length < EthernetFlyweight.HEADER_LENGTH) {
            return TOO_SHORT;
        }
        final boolean tagged = EthernetFlyweight.etherType(buffer, offset) == EthernetFlyweight.VLAN_TPID;
        final int l2 = tagged ? EthernetFlyweight.VLAN_HEADER_LENGTH : EthernetFlyweight.HEADER_LENGTH;
        if (length < l2 + bodyLength) {
            return TOO_SHORT;
        }
        if (tagged != port.vlanId() >= 0 || tagged
                && (buffer.getShort(offset + EthernetFlyweight.VLAN_TCI_OFFSET, ByteOrder.BIG_ENDIAN)
                        & EthernetFlyweight.VLAN_ID_MASK) != port.vlanId()) {
            return FOREIGN_VLAN;
        }
        return l2;
    }
}
