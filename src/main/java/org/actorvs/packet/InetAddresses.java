package org.actorvs.packet;

/**
 * IPv4 and IPv6 text to and from the (hi, lo) convention; strict, and never a DNS lookup.
 * Cold path: configuration, logs and the admin API.
 */
public final class InetAddresses {
    private static final int IPV6_GROUPS = 8;

    private InetAddresses() {
    }

    /** Either family; IPv6 when the text holds a colon. */
    public static IpAddress parse(String text) {
        if (text.indexOf(':') >= 0) {
            final long[] words = parseIpv6(text);
            return new IpAddress(6, words[0], words[1]);
        }
        return IpAddress.ofIpv4(parseIpv4(text));
    }

    /** Dotted quad; leading zeros are refused, as inet_pton() refuses them (they read as octal elsewhere). */
    public static int parseIpv4(String text) {
        final long address = parseIpv4OrMinus(text, 0, text.length());
        if (address < 0) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        return (int) address;
    }

    public static String formatIpv4(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." + (address & 0xFF);
    }

    /** RFC 4291 section 2.2 text, including "::" and a trailing dotted quad; returns {hi, lo}. */
    public static long[] parseIpv6(String text) {
        final int[] groups = new int[IPV6_GROUPS];
        final int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw new IllegalArgumentException("more than one '::' in " + text);
        }
        final int head;
        if (gap < 0) {
            head = parseGroups(text, 0, text.length(), groups);
            if (head != IPV6_GROUPS) {
                throw new IllegalArgumentException("not 8 groups in " + text);
            }
        } else {
            head = gap == 0 ? 0 : parseGroups(text, 0, gap, groups);
            final int[] tail = new int[IPV6_GROUPS];
            final int tailCount = gap + 2 == text.length() ? 0 : parseGroups(text, gap + 2, text.length(), tail);
            if (head + tailCount > IPV6_GROUPS - 1) {
                throw new IllegalArgumentException("'::' stands for no group in " + text);
            }
            System.arraycopy(tail, 0, groups, IPV6_GROUPS - tailCount, tailCount);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = (hi << 16) | groups[i];
            lo = (lo << 16) | groups[i + 4];
        }
        return new long[] {hi, lo};
    }

    /** RFC 5952 canonical text: lower case, the longest run of two or more zero groups as "::", IPv4-mapped as ::ffff:a.b.c.d. */
    public static String formatIpv6(long hi, long lo) {
        if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
            return "::ffff:" + formatIpv4((int) lo);
        }
        final int[] groups = new int[IPV6_GROUPS];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < IPV6_GROUPS; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < IPV6_GROUPS && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        final StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < IPV6_GROUPS; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** @param af 4 or 6 */
    public static String format(int af, long hi, long lo) {
        return af == 6 ? formatIpv6(hi, lo) : formatIpv4((int) lo);
    }

    /** Parses colon-separated groups in [from, to) into groups; a final dotted quad counts as two. */
    private static int parseGroups(String text, int from, int to, int[] groups) {
        int count = 0;
        int start = from;
        while (true) {
            int colon = text.indexOf(':', start);
            if (colon < 0 || colon > to) {
                colon = to;
            }
            if (colon == start) {
                throw new IllegalArgumentException("empty group in " + text);
            }
            if (colon == to && text.lastIndexOf('.', to - 1) >= start) {
                final long v4 = parseIpv4OrMinus(text, start, to);
                if (v4 < 0 || count > IPV6_GROUPS - 2) {
                    throw new IllegalArgumentException("bad embedded IPv4 address in " + text);
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xFFFF);
                return count;
            }
            if (count == IPV6_GROUPS || colon - start > 4) {
                throw new IllegalArgumentException("not an IPv6 address: " + text);
            }
            int value = 0;
            for (int i = start; i < colon; i++) {
                final int digit = Character.digit(text.charAt(i), 16);
                if (digit < 0) {
                    throw new IllegalArgumentException("not a hex digit in " + text);
                }
                value = (value << 4) | digit;
            }
            groups[count++] = value;
            if (colon == to) {
                return count;
            }
            start = colon + 1;
            if (start == to) {
                throw new IllegalArgumentException("trailing ':' in " + text);
            }
        }
    }

    /** The dotted quad in [from, to) as an unsigned value, or -1 when malformed. */
    private static long parseIpv4OrMinus(String text, int from, int to) {
        long address = 0;
        int octets = 0;
        int i = from;
        while (octets < 4) {
            final int start = i;
            int value = 0;
            while (i < to && i - start < 3 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            final int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return -1;
            }
            address = (address << 8) | value;
            octets++;
            if (octets < 4) {
                if (i >= to || text.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i == to ? address : -1;
    }
}
