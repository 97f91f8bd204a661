package org.actorvs.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.actorvs.admin.AddressText;
import org.actorvs.sync.BulkConfig;
import org.actorvs.sync.BulkTransfer;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncLimits;
import org.actorvs.sync.SyncSettings;

/**
 * Reads the optional {@code actorvs.sync} section (see conf/actorvs.conf): the sysctls with the
 * kernel's names and defaults, and {@code master { ... }} / {@code backup { ... }} with the
 * parameters of {@code ipvsadm --start-daemon}, and {@code bulk { ... }}, the whole-table transfer
 * to a starting director.
 */
final class SyncConfigReader {
    static final String KEY = "sync";

    private SyncConfigReader() {
    }

    /** @param baseDir the configuration file's directory, against which a relative key-file is read */
    static SyncConfig read(Section parent, Path baseDir) throws ConfigError {
        if (!parent.has(KEY)) {
            return SyncConfig.none();
        }
        Section s = parent.section(KEY, "sync_threshold", "sync_period", "sync_refresh_period", "sync_retries",
                "sync_persist_mode", "sync_qlen_max", "master", "backup", "bulk");
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
        BulkConfig bulk = s.has("bulk") ? bulk(s, baseDir) : BulkConfig.none();
        return new SyncConfig(settings, master, backup, bulk);
    }

    /**
     * {@code bulk { listen, peers, key | key-file, timeout, insecure }}: without a key every address
     * must be loopback unless {@code insecure = on} (see {@link BulkTransfer}).
     */
    private static BulkConfig bulk(Section parent, Path baseDir) throws ConfigError {
        Section b = parent.section("bulk", "listen", "peers", "key", "key-file", "timeout", "insecure");
        Optional<InetSocketAddress> listen = b.has("listen") ? Optional.of(endpoint(b, "listen",
                b.string("listen", ENDPOINT), -1)) : Optional.empty();
        List<String> texts = b.strings("peers", ENDPOINT);
        List<InetSocketAddress> peers = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            peers.add(endpoint(b, "peers", texts.get(i), i));
        }
        if (listen.isEmpty() && peers.isEmpty()) {
            throw b.error("give listen (to serve the table), peers (to pull one at start), or both");
        }
        if (b.has("key") && b.has("key-file")) {
            throw b.error("key-file", "give key or key-file, not both");
        }
        byte[] key = b.has("key") ? b.string("key", "the shared secret").getBytes(StandardCharsets.UTF_8)
                : b.has("key-file") ? keyFile(b, baseDir) : null;
        String keyName = b.has("key-file") ? "key-file" : "key";
        if (key != null && key.length < BulkTransfer.MIN_KEY_LENGTH) {
            throw b.error(keyName, "the key must be at least " + BulkTransfer.MIN_KEY_LENGTH + " bytes");
        }
        Duration timeout = b.duration("timeout", Duration.ofSeconds(1), Duration.ofHours(1), BulkConfig.DEFAULT_TIMEOUT);
        boolean insecure = b.bool("insecure", false);
        if (key == null && !insecure) {
            if (listen.isPresent() && !listen.get().getAddress().isLoopbackAddress()) {
                throw b.error("listen", "serving the table beyond loopback needs key or key-file (or insecure = on)");
            }
            for (int i = 0; i < peers.size(); i++) {
                if (!peers.get(i).getAddress().isLoopbackAddress()) {
                    throw b.elementError("peers", i, "pulling a table over the network needs key or key-file"
                            + " (or insecure = on)");
                }
            }
        }
        return new BulkConfig(listen, peers, key, timeout, insecure);
    }

    private static final String ENDPOINT = "ADDRESS:PORT, like \"10.0.0.1:8849\" or \"[fd00::1]:8849\"";

    /** ADDRESS:PORT with a numeric address (IPv6 in brackets); {@code index} -1 for a plain key. */
    private static InetSocketAddress endpoint(Section s, String key, String text, int index) throws ConfigError {
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            host = "";
        }
        InetAddress a = host.isEmpty() ? null : AddressText.parse(host);
        int port = -1;
        if (a != null) {
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (a == null || port < 1 || port > 65535) {
            String problem = "'" + text + "' is not " + ENDPOINT;
            throw index < 0 ? s.error(key, problem) : s.elementError(key, index, problem);
        }
        return new InetSocketAddress(a, port);
    }

    /**
     * The key is the file's text without surrounding white space (echo adds a newline). A relative
     * path is read against the configuration file's directory, as services.rules-file is.
     */
    private static byte[] keyFile(Section b, Path baseDir) throws ConfigError {
        String name = b.string("key-file", "the path of a file holding the shared secret, relative to this file's directory");
        Path file = baseDir.resolve(name);
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.strip().getBytes(StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw b.error("key-file", "cannot read '" + file + "': " + e.getMessage());
        }
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
