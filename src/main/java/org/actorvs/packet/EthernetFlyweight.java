package org.actorvs.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Ethernet II header with at most one 802.1Q tag:
 * {@code dst MAC(6) src MAC(6) [TPID 0x8100(2) TCI(2)] EtherType(2)}.
 * MAC addresses are the low 48 bits of a long, first octet most significant.
 */
public final class EthernetFlyweight extends Flyweight<EthernetFlyweight> {
    public static final int DST_MAC_OFFSET = 0;
    public static final int SRC_MAC_OFFSET = 6;
    public static final int ETHER_TYPE_OFFSET = 12;
    public static final int HEADER_LENGTH = 14;
    public static final int MAC_LENGTH = 6;

    /** 802.1Q: the TPID takes the EtherType's place and the real EtherType follows the TCI. */
    public static final int VLAN_TPID = 0x8100;
    public static final int VLAN_TCI_OFFSET = 14;
    public static final int VLAN_ETHER_TYPE_OFFSET = 16;
    public static final int VLAN_TAG_LENGTH = 4;
    public static final int VLAN_HEADER_LENGTH = HEADER_LENGTH + VLAN_TAG_LENGTH;
    public static final int VLAN_ID_MASK = 0x0FFF;
    public static final int VLAN_PCP_SHIFT = 13;

    public static final int ETHER_TYPE_IPV4 = 0x0800;
    public static final int ETHER_TYPE_ARP = 0x0806;
    public static final int ETHER_TYPE_IPV6 = 0x86DD;
    /** Values below this are an IEEE 802.3 length, not an EtherType. */
    public static final int MIN_ETHER_TYPE = 0x0600;

    /** The shortest frame on the wire, FCS excluded; shorter payloads are padded. */
    public static final int MIN_FRAME_LENGTH = 60;
    public static final long BROADCAST_MAC = 0xFFFF_FFFF_FFFFL;

    public long dstMac() {
        return dstMac(buffer, offset);
    }

    public EthernetFlyweight dstMac(long mac) {
        Wire.putMac(buffer, offset + DST_MAC_OFFSET, mac);
        return this;
    }

    public EthernetFlyweight dstMac(byte[] mac) {
        buffer.putBytes(offset + DST_MAC_OFFSET, mac, 0, MAC_LENGTH);
        return this;
    }

    public void copyDstMac(byte[] mac) {
        buffer.getBytes(offset + DST_MAC_OFFSET, mac, 0, MAC_LENGTH);
    }

    public long srcMac() {
        return srcMac(buffer, offset);
    }

    public EthernetFlyweight srcMac(long mac) {
        Wire.putMac(buffer, offset + SRC_MAC_OFFSET, mac);
        return this;
    }

    public EthernetFlyweight srcMac(byte[] mac) {
        buffer.putBytes(offset + SRC_MAC_OFFSET, mac, 0, MAC_LENGTH);
        return this;
    }

    public void copySrcMac(byte[] mac) {
        buffer.getBytes(offset + SRC_MAC_OFFSET, mac, 0, MAC_LENGTH);
    }

    /** The EtherType field at offset 12: {@link #VLAN_TPID} on a tagged frame. */
    public int etherType() {
        return etherType(buffer, offset);
    }

    public EthernetFlyweight etherType(int etherType) {
        Wire.putU16(buffer, offset + ETHER_TYPE_OFFSET, etherType);
        return this;
    }

    public boolean isVlanTagged() {
        return etherType() == VLAN_TPID;
    }

    /** Tag Control Information (PCP, DEI, VID); meaningful only on a tagged frame. */
    public int vlanTci() {
        return Wire.u16(buffer, offset + VLAN_TCI_OFFSET);
    }

    /** Marks the frame tagged and writes the TCI; the payload EtherType goes at {@link #VLAN_ETHER_TYPE_OFFSET}. */
    public EthernetFlyweight vlanTag(int tci) {
        Wire.putU16(buffer, offset + ETHER_TYPE_OFFSET, VLAN_TPID);
        Wire.putU16(buffer, offset + VLAN_TCI_OFFSET, tci);
        return this;
    }

    public int vlanId() {
        return vlanTci() & VLAN_ID_MASK;
    }

    public int vlanPriority() {
        return vlanTci() >>> VLAN_PCP_SHIFT;
    }

    /** The EtherType of the payload, after the tag if there is one. */
    public int payloadEtherType() {
        return payloadEtherType(buffer, offset);
    }

    public EthernetFlyweight payloadEtherType(int etherType) {
        Wire.putU16(buffer, offset + (isVlanTagged() ? VLAN_ETHER_TYPE_OFFSET : ETHER_TYPE_OFFSET), etherType);
        return this;
    }

    /** 14, or 18 with a tag: where the L3 header starts. */
    public int headerLength() {
        return headerLength(buffer, offset);
    }

    public static long dstMac(DirectBuffer b, int frameOffset) {
        return Wire.mac(b, frameOffset + DST_MAC_OFFSET);
    }

    public static void dstMac(MutableDirectBuffer b, int frameOffset, long mac) {
        Wire.putMac(b, frameOffset + DST_MAC_OFFSET, mac);
    }

    public static long srcMac(DirectBuffer b, int frameOffset) {
        return Wire.mac(b, frameOffset + SRC_MAC_OFFSET);
    }

    public static void srcMac(MutableDirectBuffer b, int frameOffset, long mac) {
        Wire.putMac(b, frameOffset + SRC_MAC_OFFSET, mac);
    }

    public static int etherType(DirectBuffer b, int frameOffset) {
        return Wire.u16(b, frameOffset + ETHER_TYPE_OFFSET);
    }

    public static int payloadEtherType(DirectBuffer b, int frameOffset) {
        final int etherType = etherType(b, frameOffset);
        return etherType == VLAN_TPID ? Wire.u16(b, frameOffset + VLAN_ETHER_TYPE_OFFSET) : etherType;
    }

    public static int headerLength(DirectBuffer b, int frameOffset) {
        return etherType(b, frameOffset) == VLAN_TPID ? VLAN_HEADER_LENGTH : HEADER_LENGTH;
    }
}
