package org.actorvs.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.actorvs.sync.BulkConfig;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncConfigReaderTest {
    private static DirectorConfig parse(String sync) throws ConfigError {
        return DirectorConfigLoader.parse("actorvs { node-name = d1, interfaces = [ { name = eth0, ipv4 = \"10.0.0.1/24\" } ]\n"
                + sync + " }", "test.conf");
    }

    @Test
    void withoutASyncSectionNoDaemonRunsAndTheSysctlsAreTheKernels() throws ConfigError {
        SyncConfig sync = parse("").sync();
        assertTrue(sync.master().isEmpty());
        assertTrue(sync.backup().isEmpty());
        SyncSettings s = sync.settings();
        assertEquals(3, s.threshold());
        assertEquals(50, s.period());
        assertEquals(0, s.refreshPeriodSeconds());
    }

    @Test
    void aMasterTakesTheKernelDefaultsForWhatItLeavesOut() throws ConfigError {
        SyncDaemon m = parse("sync { master { interface = eth1, syncid = 7 } }").sync().master().orElseThrow();
        assertEquals(SyncDaemon.defaults("eth1", 7), m);
        assertEquals(1472, m.masterMaxLength());
    }

    @Test
    void masterAndBackupMayBothBeGiven() throws ConfigError {
        SyncConfig sync = parse("sync { sync_period = 0, master { interface = eth0 }, backup { interface = eth0,"
                + " group = \"239.1.1.1\", port = 9000 } }").sync();
        assertEquals(0, sync.settings().period());
        assertEquals(9000, sync.backup().orElseThrow().port());
        assertEquals("239.1.1.1", sync.backup().orElseThrow().group().getHostAddress());
    }

    @Test
    void aThresholdNotBelowThePeriodIsRefusedWithItsKey() {
        ConfigError e = assertThrows(ConfigError.class, () -> parse("sync { sync_threshold = 50, sync_period = 50 }"));
        assertTrue(e.getMessage().contains("sync_threshold"), e.getMessage());
    }

    @Test
    void aUnicastGroupIsRefused() {
        ConfigError e = assertThrows(ConfigError.class,
                () -> parse("sync { backup { interface = eth0, group = \"10.0.0.9\" } }"));
        assertTrue(e.getMessage().contains("not a multicast address"), e.getMessage());
    }

    @Test
    void aBackupHasNoTtl() {
        ConfigError e = assertThrows(ConfigError.class, () -> parse("sync { backup { interface = eth0, ttl = 2 } }"));
        assertTrue(e.getMessage().contains("ttl"), e.getMessage());
    }

    @Test
    void withoutABulkSectionNothingIsServedOrPulled() throws ConfigError {
        BulkConfig bulk = parse("sync { }").sync().bulk();
        assertEquals(BulkConfig.none(), bulk);
        assertFalse(bulk.pulls());
    }

    @Test
    void bulkReadsListenPeersKeyAndTimeout() throws ConfigError {
        BulkConfig b = parse("sync { bulk { listen = \"10.0.0.1:8849\", peers = [\"10.0.0.2:8849\", \"[fd00::2]:9000\"],"
                + " key = \"0123456789abcdef\", timeout = 5s } }").sync().bulk();
        assertEquals(Optional.of(new InetSocketAddress("10.0.0.1", 8849)), b.listen());
        assertEquals(List.of(new InetSocketAddress("10.0.0.2", 8849), new InetSocketAddress("fd00::2", 9000)), b.peers());
        assertArrayEquals("0123456789abcdef".getBytes(StandardCharsets.UTF_8), b.key());
        assertEquals(Duration.ofSeconds(5), b.timeout());
        assertTrue(b.pulls());
    }

    @Test
    void bulkReadsTheKeyFromAFileWithoutItsNewline(@TempDir Path dir) throws IOException, ConfigError {
        Path file = dir.resolve("bulk.key");
        Files.writeString(file, "a-secret-from-a-file\n");
        BulkConfig b = parse("sync { bulk { peers = [\"10.0.0.2:8849\"], key-file = \"" + file + "\" } }").sync().bulk();
        assertArrayEquals("a-secret-from-a-file".getBytes(StandardCharsets.UTF_8), b.key());
    }

    @Test
    void bulkReadsARelativeKeyFileBesideTheConfigurationFile(@TempDir Path dir) throws IOException, ConfigError {
        Files.writeString(dir.resolve("bulk.key"), "a-secret-beside-the-config\n");
        BulkConfig b = DirectorConfigLoader.parse("actorvs { node-name = d1, interfaces = [ { name = eth0, ipv4 = \"10.0.0.1/24\" } ]\n"
                + "sync { bulk { peers = [\"10.0.0.2:8849\"], key-file = bulk.key } } }", dir.resolve("d1.conf").toString())
                .sync().bulk();
        assertArrayEquals("a-secret-beside-the-config".getBytes(StandardCharsets.UTF_8), b.key());
    }

    @Test
    void bulkWithoutAKeyBeyondLoopbackIsRefusedUnlessInsecure() throws ConfigError {
        ConfigError e = assertThrows(ConfigError.class, () -> parse("sync { bulk { peers = [\"10.0.0.2:8849\"] } }"));
        assertTrue(e.getMessage().contains("peers[0]") && e.getMessage().contains("key"), e.getMessage());
        assertFalse(parse("sync { bulk { listen = \"127.0.0.1:8849\" } }").sync().bulk().keyed());
        assertTrue(parse("sync { bulk { listen = \"10.0.0.1:8849\", insecure = on } }").sync().bulk().insecure());
    }

    @Test
    void bulkRefusesAShortKeyABadEndpointAndAnEmptySection() {
        assertTrue(assertThrows(ConfigError.class, () -> parse("sync { bulk { listen = \"127.0.0.1:8849\", key = short } }"))
                .getMessage().contains("16 bytes"));
        assertTrue(assertThrows(ConfigError.class, () -> parse("sync { bulk { listen = \"fd00::1:8849\" } }"))
                .getMessage().contains("ADDRESS:PORT"));
        assertTrue(assertThrows(ConfigError.class, () -> parse("sync { bulk { listen = \"127.0.0.1:70000\" } }"))
                .getMessage().contains("ADDRESS:PORT"));
        assertTrue(assertThrows(ConfigError.class, () -> parse("sync { bulk { timeout = 5s } }"))
                .getMessage().contains("listen"));
        assertTrue(assertThrows(ConfigError.class, () -> parse("sync { bulk { listen = \"127.0.0.1:1\", keyfile = x } }"))
                .getMessage().contains("key-file"));
    }
}
