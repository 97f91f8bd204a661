package org.actorvs.app;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The FTP text the helper reads and writes (ip_vs_ftp_get_addrport() and the reply formats of
 * ip_vs_ftp_out()), over payload bytes in place, without allocating. Matching of keywords is
 * ASCII-case-insensitive, as strncasecmp().
 */
final class FtpText {
    /** The text matched and was parsed into the {@link Address}. */
    static final int MATCH = 1;
    /** The text is something else. */
    static final int NO_MATCH = 0;
    /** The keyword matched (or the segment ends inside it) but what follows is malformed or cut off. */
    static final int MALFORMED = -1;

    static final byte[] PORT = ascii("PORT");
    static final byte[] EPRT = ascii("EPRT");
    static final byte[] EPSV = ascii("EPSV");
    static final byte[] PASV_LINE = ascii("PASV\r\n");
    static final byte[] REPLY_227 = ascii("227 ");
    static final byte[] REPLY_229 = ascii("229 ");

    private static final int MAX_BYTE = 255;
    private static final int MAX_PORT = 0xFFFF;
    private static final int IPV6_GROUPS = 8;

    private FtpText() {
    }

    /** Where an address and port were found: the (af, hi, lo) convention, and the text's [start, end). */
    static final class Address {
        int af;
        long hi;
        long lo;
        int port;
        int start;
        int end;
        final int[] groups = new int[IPV6_GROUPS];

        void set(int af, long hi, long lo) {
            this.af = af;
            this.hi = hi;
            this.lo = lo;
        }
    }

    /**
     * ip_vs_ftp_get_addrport(): {@code pattern} at {@code data}, then (with {@code skip}) a run of
     * {@code skip} characters after the first one — or, in the old format, the first digit — then
     * either the old "a,b,c,d,p1,p2" (six decimal bytes, ending at any other character) or the
     * extended "&lt;d&gt;family&lt;d&gt;address&lt;d&gt;port&lt;d&gt;" (RFC 2428) whose family must
     * be {@code af}; {@code epsvReply} allows the address part empty ("|||port|"), leaving {@code out}'s
     * address as the caller preset it. Numbers out of range are malformed here (the kernel lets a
     * byte wrap).
     */
    static int addressAndPort(DirectBuffer b, int data, int limit, byte[] pattern, int skip, boolean extended,
            boolean epsvReply, int af, Address out) {
        int available = limit - data;
        if (available < pattern.length) {
            return available > 0 && startsWith(b, data, available, pattern) ? MALFORMED : NO_MATCH;
        }
        if (!startsWith(b, data, pattern.length, pattern)) {
            return NO_MATCH;
        }
        int s = data + pattern.length;
        if (skip != 0) {
            boolean found = false;
            for (;; s++) {
                if (s == limit) {
                    return MALFORMED;
                }
                int c = b.getByte(s);
                if (!found) {
                    if (!extended && isDigit(c)) {
                        break;
                    }
                    found = c == skip;
                } else if (c != skip) {
                    break;
                }
            }
        }
        out.start = s;
        return extended ? extendedAddress(b, s, limit, epsvReply, af, out) : commaAddress(b, s, limit, out);
    }

    private static int commaAddress(DirectBuffer b, int s, int limit, Address out) {
        long addr = 0;
        int field = 0;
        int value = 0;
        int digits = 0;
        int port = 0;
        int at = s;
        for (;; at++) {
            if (at == limit) {
                return MALFORMED;
            }
            int c = b.getByte(at);
            if (isDigit(c)) {
                value = value * 10 + c - '0';
                digits++;
                if (value > MAX_BYTE) {
                    return MALFORMED;
                }
            } else if (c == ',' && field < 5) {
                if (digits == 0) {
                    return MALFORMED;
                }
                if (field < 4) {
                    addr = addr << 8 | value;
                } else {
                    port = value;
                }
                field++;
                value = 0;
                digits = 0;
            } else {
                break;
            }
        }
        if (field != 5 || digits == 0) {
            return MALFORMED;
        }
        out.set(4, 0, addr);
        out.port = port << 8 | value;
        out.end = at;
        return MATCH;
    }

    private static int extendedAddress(DirectBuffer b, int s, int limit, boolean epsvReply, int af, Address out) {
        if (s == limit) {
            return MALFORMED;
        }
        int delim = b.getByte(s++);
        if (delim < 33 || delim > 126 || s == limit) {
            return MALFORMED;
        }
        if (b.getByte(s) == delim) {
            // Only an EPSV reply may leave family and address out.
            if (!epsvReply || ++s == limit || b.getByte(s) != delim) {
                return MALFORMED;
            }
            s++;
        } else {
            int family = b.getByte(s);
            if (family != (af == 6 ? '2' : '1') || ++s == limit || b.getByte(s) != delim || ++s == limit) {
                return MALFORMED;
            }
            s = af == 6 ? ipv6(b, s, limit, delim, out) : ipv4(b, s, limit, delim, out);
            if (s < 0 || s == limit || b.getByte(s) != delim) {
                return MALFORMED;
            }
            s++;
        }
        int port = 0;
        int c;
        for (;; s++) {
            if (s == limit) {
                return MALFORMED;
            }
            c = b.getByte(s);
            if (!isDigit(c)) {
                break;
            }
            port = port * 10 + c - '0';
            if (port > MAX_PORT) {
                return MALFORMED;
            }
        }
        if (port == 0 || c != delim) {
            return MALFORMED;
        }
        out.port = port;
        out.end = s + 1;
        return MATCH;
    }

    /** in4_pton(): dotted quad up to {@code delim}; returns the delimiter's index or -1. */
    private static int ipv4(DirectBuffer b, int s, int limit, int delim, Address out) {
        long addr = 0;
        int octets = 0;
        int value = 0;
        int digits = 0;
        int at = s;
        for (; at < limit; at++) {
            int c = b.getByte(at);
            if (c == delim) {
                break;
            }
            if (isDigit(c)) {
                value = value * 10 + c - '0';
                if (++digits > 3 || value > MAX_BYTE) {
                    return -1;
                }
            } else if (c == '.' && digits > 0 && octets < 3) {
                addr = addr << 8 | value;
                octets++;
                value = 0;
                digits = 0;
            } else {
                return -1;
            }
        }
        if (octets != 3 || digits == 0) {
            return -1;
        }
        out.set(4, 0, addr << 8 | value);
        return at;
    }

    /**
     * in6_pton() for hexadecimal groups with at most one "::" up to {@code delim}; returns the
     * delimiter's index or -1. (A dotted IPv4 tail is not accepted.)
     */
    private static int ipv6(DirectBuffer b, int s, int limit, int delim, Address out) {
        int[] groups = out.groups;
        int count = 0;
        int gap = -1;
        int at = s;
        if (at + 1 < limit && b.getByte(at) == ':' && b.getByte(at + 1) == ':') {
            gap = 0;
            at += 2;
        }
        while (at < limit && b.getByte(at) != delim) {
            int value = 0;
            int digits = 0;
            while (at < limit && digits < 5) {
                int h = hexValue(b.getByte(at));
                if (h < 0) {
                    break;
                }
                value = value << 4 | h;
                digits++;
                at++;
            }
            if (digits == 0 || digits > 4 || count == IPV6_GROUPS) {
                return -1;
            }
            groups[count++] = value;
            if (at == limit || b.getByte(at) == delim) {
                break;
            }
            if (b.getByte(at) != ':') {
                return -1;
            }
            at++;
            if (at < limit && b.getByte(at) == ':') {
                if (gap >= 0) {
                    return -1;
                }
                gap = count;
                at++;
            }
        }
        if (gap < 0 ? count != IPV6_GROUPS : count >= IPV6_GROUPS) {
            return -1;
        }
        long hi = 0;
        long lo = 0;
        int zeros = IPV6_GROUPS - count;
        int g = 0;
        for (int i = 0; i < IPV6_GROUPS; i++) {
            int word = gap >= 0 && i >= gap && i < gap + zeros ? 0 : groups[g++];
            if (i < 4) {
                hi = hi << 16 | word;
            } else {
                lo = lo << 16 | word;
            }
        }
        out.set(6, hi, lo);
        return at;
    }

    /** Writes "a,b,c,d,p1,p2" (the 227 reply's address) at {@code at}; returns its length. */
    static int putCommaAddress(MutableDirectBuffer dst, int at, int ipv4, int port) {
        int i = at;
        for (int shift = 24; shift >= 0; shift -= 8) {
            i = putDecimal(dst, i, ipv4 >>> shift & 0xFF);
            dst.putByte(i++, (byte) ',');
        }
        i = putDecimal(dst, i, port >>> 8 & 0xFF);
        dst.putByte(i++, (byte) ',');
        i = putDecimal(dst, i, port & 0xFF);
        return i - at;
    }

    /** Writes "|||port|" (the 229 reply without address) at {@code at}; returns its length. */
    static int putExtendedPort(MutableDirectBuffer dst, int at, int port) {
        int i = at;
        for (int k = 0; k < 3; k++) {
            dst.putByte(i++, (byte) '|');
        }
        i = putDecimal(dst, i, port);
        dst.putByte(i++, (byte) '|');
        return i - at;
    }

    /** Case-insensitive ASCII match of {@code length} bytes of {@code pattern} at {@code at}. */
    static boolean startsWith(DirectBuffer b, int at, int length, byte[] pattern) {
        for (int i = 0; i < length; i++) {
            if (upper(b.getByte(at + i)) != pattern[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean sameBytes(DirectBuffer a, int aAt, DirectBuffer b, int bAt, int length) {
        for (int i = 0; i < length; i++) {
            if (a.getByte(aAt + i) != b.getByte(bAt + i)) {
                return false;
            }
        }
        return true;
    }

    private static int putDecimal(MutableDirectBuffer dst, int at, int value) {
        int digits = value >= 10_000 ? 5 : value >= 1000 ? 4 : value >= 100 ? 3 : value >= 10 ? 2 : 1;
        int v = value;
        for (int i = digits - 1; i >= 0; i--) {
            dst.putByte(at + i, (byte) ('0' + v % 10));
            v /= 10;
        }
        return at + digits;
    }

    private static int upper(int c) {
        return c >= 'a' && c <= 'z' ? c - 32 : c;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int u = upper(c);
        return u >= 'A' && u <= 'F' ? u - 'A' + 10 : -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
