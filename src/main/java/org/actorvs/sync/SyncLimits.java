package org.actorvs.sync;

/**
 * sync_maxlen, the largest sync message (UDP payload) a daemon sends or reads, as
 * start_sync_thread() derives it: the master assumes a 1500-byte MTU whatever its interface,
 * the backup uses its interface MTU (at least 1500), both minus the IP and UDP headers.
 */
public final class SyncLimits {
    public static final int IPV4_UDP_HEADERS = 20 + 8;
    public static final int IPV6_UDP_HEADERS = 40 + 8;
    public static final int DEFAULT_MTU = 1500;
    public static final int MAX_DATAGRAM = 65535;
    /** The smallest sync_maxlen a backup accepts from the user. */
    public static final int BACKUP_MIN = 1024;
    /** nr_conns is one byte; the kernel never caps it, a large sync_maxlen would wrap it. */
    public static final int MAX_ENTRIES = 255;

    private SyncLimits() {
    }

    /**
     * @param configured the sync_maxlen the user gave, 0 for the default
     * @param ipv6 whether the sync group is IPv6
     * @return 1472 (IPv4) or 1452 (IPv6) by default, else the value clamped to [1, 65535 - headers]
     */
    public static int masterMaxLength(int configured, boolean ipv6) {
        final int headers = headers(ipv6);
        return configured != 0 ? clamp(configured, 1, MAX_DATAGRAM - headers) : DEFAULT_MTU - headers;
    }

    /** As {@link #masterMaxLength} for a backup on an interface of {@code interfaceMtu}; user values from 1024. */
    public static int backupMaxLength(int configured, int interfaceMtu, boolean ipv6) {
        final int headers = headers(ipv6);
        return configured != 0 ? clamp(configured, BACKUP_MIN, MAX_DATAGRAM - headers)
                : clamp(interfaceMtu, DEFAULT_MTU, MAX_DATAGRAM) - headers;
    }

    private static int headers(boolean ipv6) {
        return ipv6 ? IPV6_UDP_HEADERS : IPV4_UDP_HEADERS;
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
