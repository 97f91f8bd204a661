package org.actorvs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncSettings;
import org.junit.jupiter.api.Test;

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
}
