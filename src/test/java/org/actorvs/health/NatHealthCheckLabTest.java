package org.actorvs.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.actorvs.lab.LabProcess;
import org.actorvs.lab.NatLab;
import org.actorvs.lab.LabHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The NAT lab with an HTTP health check (interval 1 s, retry 1): a real server whose nginx stops gets
 * no new connections within interval x (retries + 1) plus a margin, and gets them again once nginx is
 * back. Real director process, real nginx, real curl.
 */
class NatHealthCheckLabTest {
    private static final String VIP_URL = NatLab.VIP_URL;
    /** Two checks one second apart take r2 down; the first may start up to a second after the stop. */
    private static final Duration DOWN_WITHIN = Duration.ofSeconds(2 * 1 + 3);
    private static final Duration UP_WITHIN = Duration.ofSeconds(1 + 3);

    private NatLab lab;

    @BeforeEach
    void lab() throws IOException {
        lab = NatLab.up("avth");
    }

    @AfterEach
    void down() throws IOException {
        if (lab != null) {
            lab.close();
        }
    }

    private Path config() throws IOException {
        return lab.config("nat-health", NatLab.service("rr", 1, 1, 1), String.join("\n",
                "  health-checks = [",
                "    { service = \"tcp/10.77.0.100:80\", type = http, path = \"/\", status = 200, interval = 1s,",
                "      timeout = 1s, retries = 1, delay-before-retry = 1s, on-failure = inhibit }",
                "  ]"));
    }

    private LabHost.Result nginx(String... args) {
        Path dir = Path.of("/run/actorvs-lab", lab.name(), "nginx-r2");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.namespace("r2"), "nginx",
                "-c", dir.resolve("nginx.conf").toString(), "-p", dir.toString()));
        cmd.addAll(List.of(args));
        return LabHost.run(cmd, 30);
    }

    /** The answers to n sequential requests, each on a connection of its own. */
    private List<String> answers(int n) {
        LabHost.Result r = LabHost.run(List.of("ip", "netns", "exec", lab.namespace("c1"), "sh", "-c",
                "for i in $(seq " + n + "); do curl -s --max-time 3 " + VIP_URL + " || echo failed; done"), 120);
        assertEquals(0, r.exitCode(), r.output());
        return r.output().lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void aRealServerWhoseNginxStopsGetsNoNewConnectionsUntilItIsBack() throws IOException, InterruptedException {
        try (LabProcess d = lab.director(config())) {
            assertTrue(answers(12).contains("r2"), "r2 serves while healthy");
            LabHost.Result stop = nginx("-s", "stop");
            assertEquals(0, stop.exitCode(), stop.output());
            Thread.sleep(DOWN_WITHIN.toMillis());
            List<String> without = answers(12);
            assertEquals(12, without.size(), without.toString());
            assertTrue(without.stream().allMatch(a -> a.equals("r1") || a.equals("r3")),
                    "only r1 and r3 answer once r2 is down: " + without + "\n" + d.output());
            LabHost.Result start = nginx();
            assertEquals(0, start.exitCode(), start.output());
            Thread.sleep(UP_WITHIN.toMillis());
            List<String> with = answers(12);
            assertTrue(with.contains("r2"), "r2 serves again: " + with + "\n" + d.output());
            assertTrue(d.output().contains("10.78.0.22:80: DOWN") && d.output().contains("10.78.0.22:80: UP"),
                    "both transitions logged:\n" + d.output());
        }
    }
}
