package org.actorvs.config;

import java.net.InetAddress;
import java.util.Optional;

import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncLimits;
import org.actorvs.sync.SyncSettings;

/**
 * Reads the optional {@code actorvs.sync} section (see conf/actorvs.conf): the sysctls with the
 * kernel's names and defaults, and {@code master { ... }} / {@code backup { ... }} with the
 * parameters of {@code ipvsadm --start-daemon}.
 */
final class SyncConfigReader {
    static final String KEY = "sync";

    private SyncConfigReader() {
    }

    static SyncConfig read(Section parent) throws ConfigError {
        if (!parent.has(KEY)) {
            return SyncConfig.none();
        }
        Section s = parent.section(KEY, "sync_threshold", "sync_period", "sync_refresh_period", "sync_retries",
                "sync_persist_mode", "sync_qlen_max", "master", "backup");
        SyncSettings d = SyncSettings.kernelDefaults();
        int threshold = (int) s.integer("sync_threshold", 0, Integer.MAX_VALUE, d.threshold());
        int period = (int) s.integer("sync_period", 0, Integer.MAX_VALUE, d.period());
        if (period != 0 && threshold >= period) {
            throw s.error("sync_threshold", threshold + " must be below sync_period " + period
                    + " (or sync_period 0), as the kernel's sync_threshold sysctl requires");
        }
        SyncSettings settings = new SyncSettings(threshold, period,
                (int) s.integer("sync_refresh_period", 0, Integer.MAX_VALUE / 1000, d.refreshPeriodSeconds()),
                (int) s.integer("sync_retries", 0, SyncSettings.MAX_RETRIES, d.retries()),
                s.bool("sync_persist_mode", d.persistMode()),
                (int) s.integer("sync_qlen_max", 1, Integer.MAX_VALUE, d.qlenMax()),
                SyncSettings.FLUSH_NANOS);
        Optional<SyncDaemon> master = s.has("master") ? Optional.of(daemon(s, "master", true)) : Optional.empty();
        Optional<SyncDaemon> backup = s.has("backup") ? Optional.of(daemon(s, "backup", false)) : Optional.empty();
        return new SyncConfig(settings, master, backup);
    }

    private static SyncDaemon daemon(Section parent, String key, boolean master) throws ConfigError {
        Section d = master
                ? parent.section(key, "interface", "syncid", "version", "maxlen", "group", "port", "ttl")
                : parent.section(key, "interface", "syncid", "maxlen", "group", "port");
        String itf = d.string("interface", "the interface the sync traffic uses, e.g. eth0");
        if (itf.length() > 15) {
            throw d.error("interface", "'" + itf + "' is longer than 15 characters");
        }
        int syncId = (int) d.integer("syncid", 0, 255, 0);
        int version = master ? (int) d.integer("version", 0, 1, SyncDaemon.DEFAULT_VERSION) : SyncDaemon.DEFAULT_VERSION;
        InetAddress group = d.has("group") ? DirectorConfigLoader.address(d, "group", 0) : SyncDaemon.DEFAULT_GROUP;
        if (!group.isMulticastAddress()) {
            throw d.error("group", group.getHostAddress() + " is not a multicast address");
        }
        int headers = group.getAddress().length == 16 ? SyncLimits.IPV6_UDP_HEADERS : SyncLimits.IPV4_UDP_HEADERS;
        int maxlen = (int) d.integer("maxlen", 0, SyncLimits.MAX_DATAGRAM - headers, 0);
        int port = (int) d.integer("port", 1, 65535, SyncDaemon.DEFAULT_PORT);
        int ttl = master ? (int) d.integer("ttl", 1, 255, SyncDaemon.DEFAULT_TTL) : SyncDaemon.DEFAULT_TTL;
        return new SyncDaemon(itf, syncId, version, maxlen, group, port, ttl);
    }
}
