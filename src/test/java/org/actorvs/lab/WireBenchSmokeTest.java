package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * deploy/bench/wire-bench.sh --smoke: each peer (ActorVS, the kernel's nftables DNAT, HAProxy) is
 * set up as the NAT lab's director, carries wrk traffic in both modes, and appears in the table.
 * It proves the benchmark works; speed is not judged here.
 */
class WireBenchSmokeTest {
    /** A peer's row: "| peer | keep-alive req/s | spread | new conn/s | ...". */
    private static final Pattern ROW = Pattern.compile("^\\| (actorvs|kernel|haproxy) \\| (\\d+) \\| [^|]+\\| (\\d+) \\|",
            Pattern.MULTILINE);

    @Test
    void smokeRunPrintsNonZeroRatesInBothModesForAllThreePeers() throws IOException, InterruptedException {
        LabHost.requireNamespaces();
        Path out = Files.createTempFile("wire-bench", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(
                    LabHost.repository().resolve("deploy/bench/wire-bench.sh").toString(), "--smoke")
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            // The director runs from this test's own classes, not a jar that may be stale.
            pb.environment().put("ACTORVS_CLASSPATH", System.getProperty("java.class.path"));
            Process p = pb.start();
            // The script bounds itself (watchdog, EXIT trap); this bound is only a backstop.
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroy();
                p.waitFor(60, TimeUnit.SECONDS);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), output);
            Matcher m = ROW.matcher(output);
            int rows = 0;
            while (m.find()) {
                rows++;
                assertTrue(Long.parseLong(m.group(2)) > 0, m.group(1) + " keep-alive requests/s:\n" + output);
                assertTrue(Long.parseLong(m.group(3)) > 0, m.group(1) + " new connections/s:\n" + output);
            }
            assertEquals(3, rows, "one row per peer:\n" + output);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
