package org.actorvs.packet;

/** MAC addresses as the low 48 bits of a long, first octet most significant; text is cold path. */
public final class MacAddress {
    private static final int OCTETS = 6;
    private static final long MULTICAST_BIT = 1L << 40;

    private MacAddress() {
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with '-'), two hex digits an octet. */
    public static long parse(String text) {
        if (text.length() != OCTETS * 3 - 1) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        final char separator = text.charAt(2);
        if (separator != ':' && separator != '-') {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        long mac = 0;
        for (int i = 0; i < OCTETS; i++) {
            final int at = i * 3;
            if (i > 0 && text.charAt(at - 1) != separator) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            final int hi = Character.digit(text.charAt(at), 16);
            final int lo = Character.digit(text.charAt(at + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            mac = (mac << 8) | (hi << 4) | lo;
        }
        return mac;
    }

    /** Lower-case, colon-separated, as ip link prints it. */
    public static String format(long mac) {
        final StringBuilder text = new StringBuilder(OCTETS * 3 - 1);
        for (int i = OCTETS - 1; i >= 0; i--) {
            final int octet = (int) (mac >>> (8 * i)) & 0xFF;
            text.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
            if (i > 0) {
                text.append(':');
            }
        }
        return text.toString();
    }

    public static long fromBytes(byte[] bytes, int offset) {
        long mac = 0;
        for (int i = 0; i < OCTETS; i++) {
            mac = (mac << 8) | (bytes[offset + i] & 0xFF);
        }
        return mac;
    }

    public static void toBytes(long mac, byte[] bytes, int offset) {
        for (int i = 0; i < OCTETS; i++) {
            bytes[offset + i] = (byte) (mac >>> (8 * (OCTETS - 1 - i)));
        }
    }

    /** Group bit of the first octet: multicast or broadcast. */
    public static boolean isMulticast(long mac) {
        return (mac & MULTICAST_BIT) != 0;
    }
}
