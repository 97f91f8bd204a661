package org.actorvs.admin;

/** Decimal numbers in ipvsadm arguments. */
final class Numbers {

    private Numbers() {
    }

    /**
     * As ipvsadm's string_to_number(): the value if {@code s} is a decimal number in min..max, else
     * -1. Stricter than strtol(): digits only, no sign or blanks. {@code min} must not be negative.
     */
    static int parse(String s, int min, int max) {
        long v = parseUnsigned(s, max);
        return v >= min && v <= max ? (int) v : -1;
    }

    /** A decimal number up to {@code max}, else -1. */
    static long parseUnsigned(String s, long max) {
        if (s.isEmpty() || s.length() > 19) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
            if (v > max) {
                return -1;
            }
        }
        return v;
    }
}
