package org.actorvs.sync;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * The parameters of one sync daemon, master or backup, as {@code ipvsadm --start-daemon} takes
 * them (IPVS_DAEMON_ATTR_*): the interface, syncid, sync_version (master), sync_maxlen (0 =
 * default), the multicast group, its port and TTL. The kernel's defaults are 224.0.0.81, port
 * 8848, TTL 1, version 1.
 */
public record SyncDaemon(String interfaceName, int syncId, int version, int maxLength, InetAddress group, int port,
        int ttl) {
    public static final InetAddress DEFAULT_GROUP = ipv4(224, 0, 0, 81);
    public static final int DEFAULT_PORT = 8848;
    public static final int DEFAULT_TTL = 1;
    public static final int DEFAULT_VERSION = 1;

    public SyncDaemon {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(group, "group");
        if (interfaceName.isEmpty() || interfaceName.length() > 15) {
            throw new IllegalArgumentException("interface name must be 1..15 characters: '" + interfaceName + "'");
        }
        if (syncId < 0 || syncId > 255) {
            throw new IllegalArgumentException("syncid must be 0..255: " + syncId);
        }
        if (version != 0 && version != 1) {
            throw new IllegalArgumentException("sync version must be 0 or 1: " + version);
        }
        if (maxLength < 0 || maxLength > SyncLimits.MAX_DATAGRAM) {
            throw new IllegalArgumentException("maxlen must be 0..65535: " + maxLength);
        }
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException("group " + group.getHostAddress() + " is not a multicast address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("ttl must be 1..255: " + ttl);
        }
    }

    /** The kernel's defaults on {@code interfaceName} with {@code syncId}. */
    public static SyncDaemon defaults(String interfaceName, int syncId) {
        return new SyncDaemon(interfaceName, syncId, DEFAULT_VERSION, 0, DEFAULT_GROUP, DEFAULT_PORT, DEFAULT_TTL);
    }

    public boolean ipv6() {
        return group instanceof Inet6Address;
    }

    /** sync_maxlen of a master: 1472 / 1452 by default, else the given value clamped. */
    public int masterMaxLength() {
        return SyncLimits.masterMaxLength(maxLength, ipv6());
    }

    /** sync_maxlen of a backup on an interface of {@code mtu}. */
    public int backupMaxLength(int mtu) {
        return SyncLimits.backupMaxLength(maxLength, mtu, ipv6());
    }

    private static InetAddress ipv4(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
