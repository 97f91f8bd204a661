package org.actorvs.sync;

import org.actorvs.conn.ConnFlags;

/**
 * A firewall-mark service's persistence template has protocol IPPROTO_IP and the mark in its
 * virtual address. The kernel writes it as the first four bytes of that address (union
 * nf_inet_addr { .ip = htonl(fwmark) }), so an IPv6 template carries it in the top of the 16
 * bytes; the connection table keeps it as (hi 0, lo mark) whatever the family. These convert.
 */
final class FwmarkTemplates {
    private FwmarkTemplates() {
    }

    static boolean is(int af, int protocol, int flags) {
        return af == 6 && protocol == 0 && (flags & ConnFlags.TEMPLATE) != 0;
    }

    /** The wire's high half of an IPv6 template's virtual address holding {@code mark}. */
    static long wireHi(long tableLo) {
        return (tableLo & 0xFFFF_FFFFL) << 32;
    }

    /** The table's low half (the mark) from the wire's high half. */
    static long tableLo(long wireHi) {
        return wireHi >>> 32;
    }
}
