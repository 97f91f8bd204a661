package org.actorvs.packet;

/** Why {@link FrameParser} refused a frame; {@link #OK} when it did not. Codes are stable and dense. */
public enum DropReason {
    OK(0),
    /** The frame ends before a header, or before the length an IP header claims. */
    TRUNCATED(1),
    /** An L2 payload other than IPv4, IPv6 or ARP (including a second VLAN tag, or an 802.3 length). */
    BAD_ETHERTYPE(2),
    /** The IP version nibble does not match the EtherType. */
    BAD_IP_VERSION(3),
    /** IPv4 IHL below 5 words. */
    BAD_IP_HEADER_LENGTH(4),
    /** IPv4 total length shorter than its header. */
    BAD_IP_TOTAL_LENGTH(5),
    BAD_IPV4_CHECKSUM(6),
    /** The L4 header does not fit the datagram, or its own length fields lie. */
    BAD_L4_HEADER(7),
    BAD_L4_CHECKSUM(8),
    /** An IPv6 extension header runs past the payload, repeats where it may not, or hop-by-hop is not first. */
    BAD_EXTENSION_HEADER(9),
    TOO_MANY_EXTENSION_HEADERS(10),
    /** ICMP of the other IP family, or ARP for anything but IPv4 over Ethernet. */
    UNSUPPORTED_PROTOCOL(11),
    /**
     * A fragment that would reassemble past 65535 bytes ("ping of death"), or an IPv4 TCP
     * fragment at offset 8 that could rewrite the first fragment's flags (RFC 1858).
     */
    BAD_FRAGMENT(12),
    /** Ethernet/IPv4 ARP whose address lengths are not 6 and 4. */
    BAD_ARP(13),
    /** IPv4 options whose lengths run past the header, as ip_options_compile() rejects. */
    BAD_IP_OPTIONS(14);

    private static final DropReason[] BY_CODE = values();
    public static final int COUNT = BY_CODE.length;

    private final int code;

    DropReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static DropReason of(int code) {
        if (code < 0 || code >= COUNT) {
            throw new IllegalArgumentException("no drop reason has code " + code);
        }
        return BY_CODE[code];
    }
}
