package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * deploy/bench/sync-bench.sh --smoke: the active/backup pair comes up (d1 master, d2 backup), carries
 * wrk traffic in both modes, and every sync message d1 sends reaches d2 and is applied. It proves the
 * benchmark works; speed is not judged here.
 */
class SyncBenchSmokeTest {
    /**
     * A row of the per-run table: "| run | mode | load | req/s | requests | d1 msgs sent | wire packets |
     * d2 msgs received | d1 entries sent | d2 entries applied | d2 rejects | role changes | wrk errors |".
     */
    private static final Pattern ROW = Pattern.compile("^\\| \\d+ \\| (keep-alive|new connections) \\| [0-9.]+ \\| (\\d+) \\| "
            + "\\d+ \\| (\\d+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\| \\d+ \\| \\d+ \\|$",
            Pattern.MULTILINE);
    /**
     * Multicast over the lab's bridge is not lossless when the machine is loaded (a datagram can
     * find the backup's socket buffer full), so up to 5 % (at least one message's worth) may be missing.
     */
    private static final double TOLERANCE = 0.05;

    @Test
    void smokeRunSyncsEveryMessageOfBothModesFromMasterToBackup() throws IOException, InterruptedException {
        LabHost.requireNamespaces();
        Path out = Files.createTempFile("sync-bench", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(
                    LabHost.repository().resolve("deploy/bench/sync-bench.sh").toString(), "--smoke")
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            // The directors run from this test's own classes, not a jar that may be stale.
            pb.environment().put("ACTORVS_CLASSPATH", System.getProperty("java.class.path"));
            Process p = pb.start();
            // The script bounds itself (watchdog, EXIT trap); this bound is only a backstop.
            if (!p.waitFor(12, TimeUnit.MINUTES)) {
                p.destroy();
                p.waitFor(60, TimeUnit.SECONDS);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), output);
            Matcher m = ROW.matcher(output);
            Set<String> modes = new HashSet<>();
            while (m.find()) {
                String mode = m.group(1);
                modes.add(mode);
                long messagesSent = Long.parseLong(m.group(3));
                long entriesSent = Long.parseLong(m.group(6));
                assertTrue(Long.parseLong(m.group(2)) > 0, mode + " requests/s:\n" + output);
                assertTrue(messagesSent > 0 && entriesSent > 0, mode + " sync messages and entries sent:\n" + output);
                assertWithin(messagesSent, Long.parseLong(m.group(4)), mode + " datagrams on the wire", output);
                assertWithin(messagesSent, Long.parseLong(m.group(5)), mode + " messages d2 received", output);
                assertWithin(entriesSent, Long.parseLong(m.group(7)), mode + " entries d2 applied", output);
                assertEquals(0, Long.parseLong(m.group(8)), mode + " datagrams d2 rejected:\n" + output);
            }
            assertEquals(Set.copyOf(List.of("keep-alive", "new connections")), modes, "one row per mode:\n" + output);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** {@code seen} is at most {@code sent} and misses at most the tolerance of it. */
    private static void assertWithin(long sent, long seen, String what, String output) {
        long allowed = Math.max(1, Math.round(sent * TOLERANCE));
        assertTrue(seen <= sent && sent - seen <= allowed,
                what + ": " + seen + " of " + sent + " sent (at most " + allowed + " missing):\n" + output);
    }
}
