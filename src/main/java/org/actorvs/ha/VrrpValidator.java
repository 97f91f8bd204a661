package org.actorvs.ha;

import java.util.Locale;

import org.actorvs.packet.Checksum;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.Ipv4Flyweight;
import org.agrona.DirectBuffer;

/**
 * Checks a received frame against one virtual router's configuration, as keepalived's
 * vrrp_in_chk() does (RFC 5798 section 7.1, RFC 3768 section 7.1), and returns why it is dropped.
 * keepalived trusts the kernel for the IP header; a frame captured with libpcap has not been
 * through it, so the IP header is checked here too. Never throws; counts every outcome. After
 * {@link #OK} the accessors describe the advertisement. One instance per thread.
 */
public final class VrrpValidator {
    public static final int OK = 0;
    /** Shorter than its headers say, or than an IPv4 and VRRP header. */
    public static final int TRUNCATED = 1;
    /** Not IPv4 protocol 112. */
    public static final int NOT_VRRP = 2;
    /** IP version, header length or header checksum wrong. */
    public static final int BAD_IP_HEADER = 3;
    /** A fragment: adverts are small and never fragmented. */
    public static final int FRAGMENT = 4;
    /** "MUST verify that the IPv4 TTL is 255": the advert came from off the LAN. */
    public static final int BAD_TTL = 5;
    public static final int BAD_VERSION = 6;
    public static final int BAD_TYPE = 7;
    /** For another virtual router on the LAN: not an error, just not ours. */
    public static final int OTHER_VRID = 8;
    /** The address count differs from ours (keepalived: "invalid ip number count"). */
    public static final int ADDRESS_COUNT = 9;
    /** The IP payload is not exactly the VRRP message the count implies. */
    public static final int BAD_LENGTH = 10;
    public static final int BAD_CHECKSUM = 11;
    /** v2: an authentication type RFC 3768 does not define. */
    public static final int BAD_AUTH_TYPE = 12;
    /** v2: another authentication type than ours. */
    public static final int AUTH_TYPE_MISMATCH = 13;
    /** v2: simple-text password differs. */
    public static final int AUTH_MISMATCH = 14;
    /**
     * v2: "MUST verify that the Adver Interval in the packet is the same as the locally configured";
     * v3: an interval of 0.
     */
    public static final int INTERVAL_MISMATCH = 15;
    /** One of our virtual addresses is missing from the advert (keepalived: "not present in MASTER advert"). */
    public static final int ADDRESS_MISMATCH = 16;
    /** Sent from our own primary address: our own advert looped back, or an address conflict. */
    public static final int OWN_ADVERT = 17;
    public static final int REASONS = 18;

    private static final String[] NAMES = {"ok", "truncated", "not VRRP", "bad IP header", "fragment", "TTL not 255",
        "bad version", "bad type", "other VRID", "address count mismatch", "bad length", "bad checksum",
        "bad auth type", "auth type mismatch", "auth mismatch", "interval mismatch", "address mismatch",
        "own advert"};

    private final VrrpConfig config;
    private final long[] counts = new long[REASONS];
    private int vrrpOffset;
    private int source;
    private int priority;
    private int intervalCentis;

    public VrrpValidator(VrrpConfig config) {
        this.config = config;
    }

    public static String name(int reason) {
        return reason >= 0 && reason < REASONS ? NAMES[reason] : "reason " + reason;
    }

    /** The reason's name as a label or JSON key: "not_vrrp", "ttl_not_255". */
    public static String key(int reason) {
        return name(reason).toLowerCase(Locale.ROOT).replace(' ', '_');
    }

    /** Checks the Ethernet frame of {@code length} bytes at {@code offset}; returns a reason code. */
    public int check(DirectBuffer frame, int offset, int length) {
        final int reason = validate(frame, offset, length);
        counts[reason]++;
        return reason;
    }

    public long count(int reason) {
        return counts[reason];
    }

    /** Offset of the VRRP message in the last frame found {@link #OK}. */
    public int vrrpOffset() {
        return vrrpOffset;
    }

    /** The IPv4 source of the last advert found {@link #OK}. */
    public int source() {
        return source;
    }

    public int priority() {
        return priority;
    }

    /** The advertised interval in centiseconds (v2: seconds times 100). */
    public int intervalCentis() {
        return intervalCentis;
    }

    private int validate(DirectBuffer b, int offset, int length) {
        if (length < EthernetFlyweight.HEADER_LENGTH || b.capacity() < offset + length) {
            return TRUNCATED;
        }
        final int l2 = EthernetFlyweight.headerLength(b, offset);
        if (length < l2 + Ipv4Flyweight.MIN_HEADER_LENGTH) {
            return length < l2 ? TRUNCATED : notVrrpOrTruncated(b, offset);
        }
        if (EthernetFlyweight.payloadEtherType(b, offset) != EthernetFlyweight.ETHER_TYPE_IPV4) {
            return NOT_VRRP;
        }
        final int ip = offset + l2;
        final int ihl = Ipv4Flyweight.ihl(b, ip);
        if (Ipv4Flyweight.version(b, ip) != Ipv4Flyweight.VERSION || ihl < Ipv4Flyweight.MIN_HEADER_LENGTH) {
            return BAD_IP_HEADER;
        }
        final int total = Ipv4Flyweight.totalLength(b, ip);
        // Ethernet pads short frames, so the IP total length, not the frame, bounds the packet.
        if (total > length - l2 || ihl + VrrpFlyweight.HEADER_LENGTH > total) {
            return total < ihl ? BAD_IP_HEADER : TRUNCATED;
        }
        if (!Checksum.isIpv4HeaderValid(b, ip, ihl)) {
            return BAD_IP_HEADER;
        }
        if (Ipv4Flyweight.protocol(b, ip) != VrrpFlyweight.IP_PROTOCOL) {
            return NOT_VRRP;
        }
        if ((Ipv4Flyweight.flagsAndFragmentOffset(b, ip) & (Ipv4Flyweight.FLAG_MF | Ipv4Flyweight.FRAGMENT_OFFSET_MASK)) != 0) {
            return FRAGMENT;
        }
        if (Ipv4Flyweight.ttl(b, ip) != VrrpFlyweight.TTL) {
            return BAD_TTL;
        }
        final int v = ip + ihl;
        final int version = VrrpFlyweight.version(b, v);
        if (version != config.version()) {
            return BAD_VERSION;
        }
        if (VrrpFlyweight.type(b, v) != VrrpFlyweight.TYPE_ADVERTISEMENT) {
            return BAD_TYPE;
        }
        if (VrrpFlyweight.vrid(b, v) != config.vrid()) {
            return OTHER_VRID;
        }
        final int count = VrrpFlyweight.count(b, v);
        if (count != config.vipCount()) {
            return ADDRESS_COUNT;
        }
        final int vrrpLength = VrrpFlyweight.length(version, count);
        if (total - ihl != vrrpLength) {
            return total - ihl < vrrpLength ? TRUNCATED : BAD_LENGTH;
        }
        final int src = Ipv4Flyweight.src(b, ip);
        if (!VrrpFlyweight.isChecksumValid(b, v, vrrpLength, src, Ipv4Flyweight.dst(b, ip))) {
            return BAD_CHECKSUM;
        }
        if (version == VrrpFlyweight.VERSION_2) {
            final int reason = checkV2(b, v, count);
            if (reason != OK) {
                return reason;
            }
        }
        // v3 has no interval check, but a zero interval would make Master_Down_Interval the bare skew.
        if (version == VrrpFlyweight.VERSION_3 && VrrpFlyweight.intervalCentis(b, v) == 0) {
            return INTERVAL_MISMATCH;
        }
        if (!containsEveryVip(b, v, count)) {
            return ADDRESS_MISMATCH;
        }
        if (src == config.primaryAddress()) {
            return OWN_ADVERT;
        }
        vrrpOffset = v;
        source = src;
        priority = VrrpFlyweight.priority(b, v);
        intervalCentis = VrrpFlyweight.intervalCentis(b, v);
        return OK;
    }

    private int notVrrpOrTruncated(DirectBuffer b, int offset) {
        return EthernetFlyweight.payloadEtherType(b, offset) == EthernetFlyweight.ETHER_TYPE_IPV4 ? TRUNCATED : NOT_VRRP;
    }

    private int checkV2(DirectBuffer b, int v, int count) {
        final int authType = VrrpFlyweight.authType(b, v);
        if (authType > VrrpFlyweight.AUTH_IP_AH) {
            return BAD_AUTH_TYPE;
        }
        if (authType != config.authType()) {
            return AUTH_TYPE_MISMATCH;
        }
        if (authType == VrrpFlyweight.AUTH_SIMPLE_TEXT) {
            final int auth = v + VrrpFlyweight.authDataOffset(count);
            for (int i = 0; i < VrrpFlyweight.AUTH_DATA_LENGTH; i++) {
                if (b.getByte(auth + i) != config.authByte(i)) {
                    return AUTH_MISMATCH;
                }
            }
        }
        // keepalived drops rather than adopt it: two masters would otherwise run one VRID.
        if (VrrpFlyweight.intervalCentis(b, v) != config.intervalCentis()) {
            return INTERVAL_MISMATCH;
        }
        return OK;
    }

    /** Every configured VIP appears among the advert's addresses (count already equal). */
    private boolean containsEveryVip(DirectBuffer b, int v, int count) {
        for (int i = 0; i < count; i++) {
            final int vip = config.vip(i);
            boolean found = false;
            for (int j = 0; j < count && !found; j++) {
                found = VrrpFlyweight.address(b, v, j) == vip;
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
