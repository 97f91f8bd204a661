package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The README's first command, {@code actorvs lab} as root, with its defaults (but a lab name of its
 * own, so that it never meets a demo a person runs): the pair demo builds
 * its lab, loses its active director and gets it back, every download arriving whole, and tears
 * the lab down.
 */
class LabDemoEndToEndTest {
    private static final Pattern WHOLE = Pattern.compile("(\\d+) of (\\d+) downloads arrived whole and byte-identical");

    @Test
    void theDefaultDemoShowsThePairLosingItsActiveAndEveryDownloadArrivingWhole() throws IOException, InterruptedException {
        LabHost.requireNamespaces();
        String name = "avtd" + ThreadLocalRandom.current().nextInt(1000, 10000);
        Path out = Files.createTempFile("lab-demo", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "org.actorvs.runtime.Main", "lab", "--requests", "6",
                    "--name", name)
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("ACTORVS_HOME", LabHost.repository().toString());
            Process p = pb.start();
            // The demo bounds each of its steps; this bound is only a backstop.
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroy();
                p.waitFor(60, TimeUnit.SECONDS);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), text);
            assertTrue(text.contains("d2 is master"), text);
            assertTrue(text.contains("then preempted: it is master again"), text);
            Matcher whole = WHOLE.matcher(text);
            assertTrue(whole.find() && whole.group(1).equals(whole.group(2)), text);
            assertTrue(text.contains("== tearing the lab down"), text);
            LabHost.Result left = LabHost.run(List.of("ip", "netns", "list"), 10);
            assertTrue(!left.output().contains(name), "the demo left namespaces behind: " + left.output());
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
