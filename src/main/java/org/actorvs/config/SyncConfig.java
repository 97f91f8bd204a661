package org.actorvs.config;

import java.util.Objects;
import java.util.Optional;

import org.actorvs.sync.BulkConfig;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncSettings;

/**
 * The {@code sync} section: the sync sysctls, and the master and/or backup daemon to start with
 * the director (none by default; both may run), and the bulk transfer of the whole table to a
 * starting peer (none by default).
 */
public record SyncConfig(SyncSettings settings, Optional<SyncDaemon> master, Optional<SyncDaemon> backup,
        BulkConfig bulk) {
    public SyncConfig {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(bulk, "bulk");
    }

    /** Without a bulk transfer. */
    public SyncConfig(SyncSettings settings, Optional<SyncDaemon> master, Optional<SyncDaemon> backup) {
        this(settings, master, backup, BulkConfig.none());
    }

    /** No daemons, the kernel's sysctl defaults. */
    public static SyncConfig none() {
        return new SyncConfig(SyncSettings.kernelDefaults(), Optional.empty(), Optional.empty());
    }
}
