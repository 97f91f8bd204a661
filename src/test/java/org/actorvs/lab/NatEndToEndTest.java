package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The NAT director end to end: the lab's client namespace talks HTTP through the VIP with curl, a
 * director process captures and injects on its two interfaces, nginx real servers answer. Nothing
 * here is simulated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NatEndToEndTest {
    private static final String VIP_URL = NatLab.VIP_URL;
    private NatLab lab;

    @BeforeAll
    void lab() throws IOException {
        lab = NatLab.up("avtn");
    }

    @AfterAll
    void down() throws IOException {
        if (lab != null) {
            lab.close();
        }
    }

    private LabProcess director(String rules) throws IOException {
        return lab.director(lab.config("svc-" + Integer.toHexString(rules.hashCode()), rules, ""));
    }

    private LabHost.Result curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.namespace("c1"), "curl", "-s"));
        cmd.addAll(List.of(args));
        return LabHost.run(cmd, 120);
    }

    /** The real servers' answers ("r1".."r3") to n sequential requests, each on a connection of its own. */
    private List<String> answers(int n) {
        LabHost.Result r = LabHost.run(List.of("ip", "netns", "exec", lab.namespace("c1"), "sh", "-c",
                "for i in $(seq " + n + "); do curl -s --max-time 5 " + VIP_URL + " || echo failed; done"), 300);
        assertEquals(0, r.exitCode(), r.output());
        return r.output().lines().filter(l -> !l.isBlank()).toList();
    }

    private static Map<String, Integer> split(List<String> answers) {
        Map<String, Integer> m = new TreeMap<>();
        answers.forEach(a -> m.merge(a, 1, Integer::sum));
        return m;
    }

    @Test
    void roundRobinSplitsThreeHundredRequestsEquallyWithinOne() throws IOException {
        try (LabProcess d = director(NatLab.service("rr", 1, 1, 1))) {
            List<String> answers = answers(300);
            assertEquals(300, answers.size(), "every request was answered: " + answers);
            Map<String, Integer> split = split(answers);
            assertEquals(List.of("r1", "r2", "r3"), List.copyOf(split.keySet()), split.toString());
            int max = split.values().stream().max(Integer::compare).orElseThrow();
            int min = split.values().stream().min(Integer::compare).orElseThrow();
            assertTrue(max - min <= 1, "equal within one: " + split);
        }
    }

    @Test
    void weightedRoundRobinThreeTwoOneIsExactInEveryCycleOfSix() throws IOException {
        try (LabProcess d = director(NatLab.service("wrr", 3, 2, 1))) {
            List<String> answers = answers(60);
            assertEquals(60, answers.size(), answers.toString());
            for (int cycle = 0; cycle < 10; cycle++) {
                Map<String, Integer> s = split(answers.subList(cycle * 6, cycle * 6 + 6));
                assertEquals(Map.of("r1", 3, "r2", 2, "r3", 1), s, "cycle " + cycle + " of " + answers);
            }
        }
    }

    @Test
    void aFiftyMegabyteDownloadArrivesByteIdentical() throws IOException {
        try (LabProcess d = director(NatLab.service("rr", 1, 1, 1))) {
            Path out = lab.work().resolve("blob");
            LabHost.Result r = curl("--max-time", "100", "-o", out.toString(), VIP_URL + "blob");
            assertEquals(0, r.exitCode(), r.output());
            Path original = Path.of("/run/actorvs-lab", lab.name(), "blob");
            assertEquals(Files.size(original), Files.size(out));
            assertEquals(-1L, Files.mismatch(original, out), "first differing byte");
            Files.delete(out);
        }
    }

    @Test
    void aRealServerThatDiesMidTransferLeavesTheClientWithATimeoutAndTheDirectorServing() throws Exception {
        try (LabProcess d = director(NatLab.service("rr", 1, 0, 0))) {
            // Only r1 takes connections (weight 0 is quiescent): a slow download from it, then r1
            // drops everything it receives, as a machine that died. No RST can come; the client must
            // give up on its own, and the director must go on serving once r1 is back.
            Process slow = new ProcessBuilder("ip", "netns", "exec", lab.namespace("c1"), "curl", "-s", "-o", "/dev/null",
                    "--limit-rate", "200k", "--speed-limit", "1000", "--speed-time", "3", "--max-time", "60",
                    VIP_URL + "blob").start();
            LabProcess.sleep(1500);
            assertTrue(slow.isAlive(), "the download is under way");
            LabHost.Result dead = LabHost.run(List.of("ip", "netns", "exec", lab.namespace("r1"), "nft",
                    "add table inet dead; add chain inet dead in { type filter hook input priority 0; policy drop; }"),
                    10);
            assertEquals(0, dead.exitCode(), dead.output());
            try {
                assertTrue(slow.waitFor(30, TimeUnit.SECONDS), "the client gave up within 30 s");
                assertNotEquals(0, slow.exitValue(), "the transfer failed rather than completed");
            } finally {
                slow.destroyForcibly();
                LabHost.run(List.of("ip", "netns", "exec", lab.namespace("r1"), "nft", "delete table inet dead"), 10);
            }
            assertTrue(d.isAlive(), "director still running:\n" + d.output());
            LabHost.Result again = LabHost.run(List.of("ip", "netns", "exec", lab.namespace("c1"), "curl", "-s",
                    "--retry", "5", "--retry-all-errors", "--retry-delay", "1", "--max-time", "5", VIP_URL), 60);
            assertEquals("r1\n", again.output(), "served again once r1 is back");
        }
    }
}
