package org.actorvs.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.actorvs.lab.LabHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/systemd/actorvs.service is a unit systemd accepts, starting the daemon with SIGTERM to stop. */
class SystemdUnitTest {
    private static final Path UNIT = LabHost.repository().resolve("deploy/systemd/actorvs.service");

    @TempDir
    Path dir;

    @Test
    void systemdAcceptsTheUnitWhenTheInstallationExists() throws IOException {
        LabHost.requireTool("/usr/bin/systemd-analyze");
        // Point the unit at this checkout, where bin/actorvs exists, instead of /opt/actorvs.
        String text = Files.readString(UNIT, StandardCharsets.UTF_8)
                .replace("/opt/actorvs", LabHost.repository().toString());
        Path unit = Files.writeString(dir.resolve("actorvs.service"), text);
        LabHost.Result r = LabHost.run(List.of("systemd-analyze", "verify", unit.toString()), 60);
        assertEquals(0, r.exitCode(), r.output());
        assertFalse(r.output().contains("actorvs.service:"), "no complaint about the unit: " + r.output());
    }

    @Test
    void theDaemonIsRunWithItsConfigAndStoppedWithSigterm() throws IOException {
        String text = Files.readString(UNIT, StandardCharsets.UTF_8);
        assertTrue(text.contains("ExecStart=/opt/actorvs/bin/actorvs run --config /etc/actorvs/actorvs.conf"), text);
        assertTrue(text.contains("KillSignal=SIGTERM"), text);
        assertTrue(text.contains("AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN"), text);
    }
}
