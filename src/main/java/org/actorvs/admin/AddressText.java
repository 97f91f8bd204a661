package org.actorvs.admin;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Numeric IP address text as ipvsadm reads and prints it, without ever touching DNS
 * (InetAddress.getByName would resolve anything that is not a literal).
 *
 * <p>Reading is stricter than inet_aton(): IPv4 must be a dotted quad of decimal octets without
 * leading zeros, so that "010" is never silently read as octal 8. IPv6 follows inet_pton(AF_INET6).
 * Printing follows glibc inet_ntop(), which ipvsadm uses for {@code -S -n}.
 */
public final class AddressText {

    private AddressText() {
    }

    /** A strict dotted-quad IPv4 address, or null. */
    public static Inet4Address parseIpv4(String s) {
        byte[] b = new byte[4];
        return parseDottedQuad(s, b, 0) ? (Inet4Address) fromBytes(b) : null;
    }

    /** An IPv6 literal (no brackets, no zone), or null. IPv4-mapped addresses stay IPv6. */
    public static Inet6Address parseIpv6(String s) {
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        int[] words = new int[8];
        int[] tail = new int[8];
        int head = dbl < 0 ? groups(s, words, true) : groups(s.substring(0, dbl), words, false);
        int rest = dbl < 0 ? 0 : groups(s.substring(dbl + 2), tail, true);
        // "::" must stand for at least one group, and without it there must be exactly eight
        if (head < 0 || rest < 0 || (dbl < 0 ? head != 8 : head + rest > 7)) {
            return null;
        }
        System.arraycopy(tail, 0, words, 8 - rest, rest);
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[2 * i] = (byte) (words[i] >>> 8);
            b[2 * i + 1] = (byte) words[i];
        }
        return (Inet6Address) fromBytes(b);
    }

    /** IPv4 dotted quad or IPv6 literal, or null. */
    public static InetAddress parse(String s) {
        InetAddress a = parseIpv4(s);
        return a != null ? a : parseIpv6(s);
    }

    /** The address as glibc inet_ntop() prints it. */
    public static String format(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return dottedQuad(b, 0);
        }
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = (b[2 * i] & 0xFF) << 8 | (b[2 * i + 1] & 0xFF);
        }
        // longest run of zero words, first one on a tie; a single zero word is not compressed
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            // glibc prints IPv4-compatible and IPv4-mapped addresses with a dotted tail
            if (i == 6 && bestBase == 0
                    && (bestLen == 6 || bestLen == 5 && w[5] == 0xFFFF)) {
                sb.append(dottedQuad(b, 12));
                return sb.toString();
            }
            sb.append(Integer.toHexString(w[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        return sb.toString();
    }

    /** {@code a.b.c.d:port} or {@code [v6]:port}, as ipvsadm's addrport_to_anyname() with -n. */
    public static String formatWithPort(InetAddress a, int port) {
        return (a instanceof Inet6Address ? "[" + format(a) + "]" : format(a)) + ":" + port;
    }

    /** An IPv4 mask kept as an unsigned 32-bit value, printed as inet_ntoa() does. */
    public static String formatIpv4Mask(int mask) {
        return (mask >>> 24) + "." + (mask >>> 16 & 0xFF) + "." + (mask >>> 8 & 0xFF) + "." + (mask & 0xFF);
    }

    /** A dotted-quad IPv4 mask as an unsigned 32-bit value; null when not a dotted quad. */
    public static Integer parseIpv4Mask(String s) {
        byte[] b = new byte[4];
        if (!parseDottedQuad(s, b, 0)) {
            return null;
        }
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    /** Words of a colon-separated part into {@code out}; the count, or -1 when malformed. */
    private static int groups(String part, int[] out, boolean ipv4TailAllowed) {
        if (part.isEmpty()) {
            return 0;
        }
        String[] g = part.split(":", -1);
        int n = 0;
        for (int i = 0; i < g.length; i++) {
            String s = g[i];
            if (ipv4TailAllowed && i == g.length - 1 && s.indexOf('.') >= 0) {
                byte[] b = new byte[4];
                if (n + 2 > 8 || !parseDottedQuad(s, b, 0)) {
                    return -1;
                }
                out[n++] = (b[0] & 0xFF) << 8 | (b[1] & 0xFF);
                out[n++] = (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
                return n;
            }
            if (s.isEmpty() || s.length() > 4 || n == 8) {
                return -1;
            }
            int v = 0;
            for (int k = 0; k < s.length(); k++) {
                int d = Character.digit(s.charAt(k), 16);
                if (d < 0) {
                    return -1;
                }
                v = v << 4 | d;
            }
            out[n++] = v;
        }
        return n;
    }

    private static boolean parseDottedQuad(String s, byte[] out, int off) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || p.length() > 1 && p.charAt(0) == '0') {
                return false;
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                char c = p.charAt(k);
                if (c < '0' || c > '9') {
                    return false;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return false;
            }
            out[off + i] = (byte) v;
        }
        return true;
    }

    private static String dottedQuad(byte[] b, int off) {
        return (b[off] & 0xFF) + "." + (b[off + 1] & 0xFF) + "." + (b[off + 2] & 0xFF) + "." + (b[off + 3] & 0xFF);
    }

    private static InetAddress fromBytes(byte[] b) {
        try {
            return b.length == 4 ? InetAddress.getByAddress(b) : Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // unreachable: length is 4 or 16
        }
    }
}
