package org.actorvs.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** ARP for IPv4 over Ethernet (RFC 826), the only kind a director answers or sends. */
public final class ArpFlyweight extends Flyweight<ArpFlyweight> {
    public static final int HTYPE_OFFSET = 0;
    public static final int PTYPE_OFFSET = 2;
    public static final int HLEN_OFFSET = 4;
    public static final int PLEN_OFFSET = 5;
    public static final int OP_OFFSET = 6;
    public static final int SENDER_MAC_OFFSET = 8;
    public static final int SENDER_IP_OFFSET = 14;
    public static final int TARGET_MAC_OFFSET = 18;
    public static final int TARGET_IP_OFFSET = 24;
    public static final int HEADER_LENGTH = 28;

    public static final int HTYPE_ETHERNET = 1;
    public static final int PTYPE_IPV4 = EthernetFlyweight.ETHER_TYPE_IPV4;
    public static final int HLEN_ETHERNET = 6;
    public static final int PLEN_IPV4 = 4;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    public int htype() {
        return Wire.u16(buffer, offset + HTYPE_OFFSET);
    }

    public ArpFlyweight htype(int htype) {
        Wire.putU16(buffer, offset + HTYPE_OFFSET, htype);
        return this;
    }

    public int ptype() {
        return Wire.u16(buffer, offset + PTYPE_OFFSET);
    }

    public ArpFlyweight ptype(int ptype) {
        Wire.putU16(buffer, offset + PTYPE_OFFSET, ptype);
        return this;
    }

    public int hlen() {
        return Wire.u8(buffer, offset + HLEN_OFFSET);
    }

    public ArpFlyweight hlen(int hlen) {
        Wire.putU8(buffer, offset + HLEN_OFFSET, hlen);
        return this;
    }

    public int plen() {
        return Wire.u8(buffer, offset + PLEN_OFFSET);
    }

    public ArpFlyweight plen(int plen) {
        Wire.putU8(buffer, offset + PLEN_OFFSET, plen);
        return this;
    }

    /** Writes the fixed Ethernet/IPv4 type and length fields. */
    public ArpFlyweight ethernetIpv4() {
        return htype(HTYPE_ETHERNET).ptype(PTYPE_IPV4).hlen(HLEN_ETHERNET).plen(PLEN_IPV4);
    }

    public int op() {
        return op(buffer, offset);
    }

    public ArpFlyweight op(int op) {
        Wire.putU16(buffer, offset + OP_OFFSET, op);
        return this;
    }

    public long senderMac() {
        return Wire.mac(buffer, offset + SENDER_MAC_OFFSET);
    }

    public ArpFlyweight senderMac(long mac) {
        Wire.putMac(buffer, offset + SENDER_MAC_OFFSET, mac);
        return this;
    }

    public int senderIp() {
        return senderIp(buffer, offset);
    }

    public ArpFlyweight senderIp(int ip) {
        Wire.putI32(buffer, offset + SENDER_IP_OFFSET, ip);
        return this;
    }

    public long targetMac() {
        return Wire.mac(buffer, offset + TARGET_MAC_OFFSET);
    }

    public ArpFlyweight targetMac(long mac) {
        Wire.putMac(buffer, offset + TARGET_MAC_OFFSET, mac);
        return this;
    }

    public int targetIp() {
        return targetIp(buffer, offset);
    }

    public ArpFlyweight targetIp(int ip) {
        Wire.putI32(buffer, offset + TARGET_IP_OFFSET, ip);
        return this;
    }

    public static int op(DirectBuffer b, int arpOffset) {
        return Wire.u16(b, arpOffset + OP_OFFSET);
    }

    public static int senderIp(DirectBuffer b, int arpOffset) {
        return Wire.i32(b, arpOffset + SENDER_IP_OFFSET);
    }

    public static int targetIp(DirectBuffer b, int arpOffset) {
        return Wire.i32(b, arpOffset + TARGET_IP_OFFSET);
    }
}
