package org.actorvs.forward;

import org.agrona.DirectBuffer;

/**
 * Finds the Call-ID of a SIP message, the persistence data of {@code --pe sip}: the kernel's
 * get_callid() in ip_vs_pe_sip.c over nf_conntrack_sip.c's ct_sip_get_header() with the
 * SIP_HDR_CALL_ID description ("Call-Id", compact "i", callid_len). Reading those rules:
 *
 * <ul>
 * <li>a header starts a line (after CR, LF or CRLF), so the request or status line is never one, and
 *     a line starting with a space or tab is a continuation line;</li>
 * <li>the name matches case-insensitively; the compact "i" only when the next byte is not a letter;
 *     then optional spaces (and continuation lines), a colon, optional spaces again — a header whose
 *     name is not followed by a colon ends the search with no result;</li>
 * <li>the value is a word, optionally "@" and a second word (callid_len / iswordc); an empty value
 *     makes the search go on after it;</li>
 * <li>a value longer than 255 bytes (IP_VS_PEDATA_MAXLEN), or one not followed by CR or LF, counts
 *     as no Call-ID.</li>
 * </ul>
 *
 * <p>Stateless, allocation-free; bytes are read from the buffer in place.
 */
final class SipCallId {
    /** IP_VS_PEDATA_MAXLEN. */
    static final int MAX_LENGTH = 255;
    /** No Call-ID found. */
    static final long NONE = -1;

    private static final byte[] NAME = {'c', 'a', 'l', 'l', '-', 'i', 'd'};
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private SipCallId() {
    }

    /** Offset of a {@link #find} result. */
    static int offset(long found) {
        return (int) (found >>> 32);
    }

    /** Length of a {@link #find} result. */
    static int length(long found) {
        return (int) found;
    }

    /**
     * The Call-ID value in the SIP message {@code b[start, start+length)}: its buffer offset and
     * length packed as {@code offset << 32 | length}, or {@link #NONE}.
     */
    static long find(DirectBuffer b, int start, int length) {
        int limit = start + length;
        int dataoff = 0;
        int value;
        int len;
        while (true) {
            value = headerValue(b, start + dataoff, limit);
            if (value < 0) {
                return NONE;
            }
            len = callIdLength(b, value, limit);
            if (len > 0) {
                break;
            }
            // As get_callid(): an unparsable value moves the search on by its offset.
            dataoff += value - start;
        }
        if (len > MAX_LENGTH || value + len == limit) {
            return NONE;
        }
        byte after = b.getByte(value + len);
        if (after != CR && after != LF) {
            return NONE;
        }
        return (long) value << 32 | len;
    }

    /** Where the next Call-ID header's value starts at or after {@code from}, or -1 (ct_sip_get_header). */
    private static int headerValue(DirectBuffer b, int from, int limit) {
        for (int p = from; p < limit; p++) {
            byte c = b.getByte(p);
            if (c != CR && c != LF) {
                continue;
            }
            if (++p >= limit) {
                return -1;
            }
            if (c == CR && b.getByte(p) == LF && ++p >= limit) {
                return -1;
            }
            byte first = b.getByte(p);
            if (first == ' ' || first == '\t') {
                continue;
            }
            if (limit - p >= NAME.length && nameMatches(b, p)) {
                p += NAME.length;
            } else if (limit - p >= 2 && (first | 0x20) == 'i' && !isAlpha(b.getByte(p + 1))) {
                p += 1;
            } else {
                continue;
            }
            p = skipWhitespace(b, p, limit);
            if (p < 0 || p >= limit || b.getByte(p) != ':' || ++p >= limit) {
                return -1;
            }
            return skipWhitespace(b, p, limit);
        }
        return -1;
    }

    private static boolean nameMatches(DirectBuffer b, int p) {
        for (int i = 0; i < NAME.length; i++) {
            byte c = b.getByte(p + i);
            if ((c >= 'A' && c <= 'Z' ? c | 0x20 : c) != NAME[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * sip_skip_whitespace(): spaces and continuation lines; -1 when a line ends without continuing.
     * Like the kernel's loop, the first byte after a continuation's indentation is stepped over.
     */
    private static int skipWhitespace(DirectBuffer b, int p, int limit) {
        for (; p < limit; p++) {
            byte c = b.getByte(p);
            if (c == ' ') {
                continue;
            }
            if (c != CR && c != LF) {
                break;
            }
            p = followContinuation(b, p, limit);
            if (p < 0) {
                return -1;
            }
        }
        return p;
    }

    /** sip_follow_continuation(): past the line end and the next line's indentation, or -1. */
    private static int followContinuation(DirectBuffer b, int p, int limit) {
        if (++p >= limit) {
            return -1;
        }
        if (b.getByte(p - 1) == CR && b.getByte(p) == LF && ++p >= limit) {
            return -1;
        }
        byte c = b.getByte(p);
        if (c != ' ' && c != '\t') {
            return -1;
        }
        while (p < limit && (b.getByte(p) == ' ' || b.getByte(p) == '\t')) {
            p++;
        }
        return p;
    }

    /** callid_len(): word, or word "@" word; 0 when there is no word (or "@" without a second one). */
    private static int callIdLength(DirectBuffer b, int p, int limit) {
        int len = wordLength(b, p, limit);
        int q = p + len;
        if (len == 0 || q == limit || b.getByte(q) != '@') {
            return len;
        }
        int domain = wordLength(b, q + 1, limit);
        return domain == 0 ? 0 : len + 1 + domain;
    }

    private static int wordLength(DirectBuffer b, int p, int limit) {
        int len = 0;
        while (p + len < limit && isWordChar(b.getByte(p + len))) {
            len++;
        }
        return len;
    }

    /** iswordc(): letters, digits and the token punctuation SIP allows in a Call-ID. */
    private static boolean isWordChar(byte c) {
        return isAlpha(c) || (c >= '0' && c <= '9') || c == '!' || c == '"' || c == '%'
                || (c >= '(' && c <= '/') || c == ':' || c == '<' || c == '>' || c == '?'
                || (c >= '[' && c <= ']') || c == '_' || c == '`' || c == '{' || c == '}' || c == '~';
    }

    /** The kernel's isalpha(): ASCII letters and the Latin-1 letters 0xC0-0xFF but for 0xD7 and 0xF7. */
    private static boolean isAlpha(byte c) {
        int u = c & 0xFF;
        return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= 0xC0 && u != 0xD7 && u != 0xF7);
    }
}
