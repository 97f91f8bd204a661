package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Direct routing end to end: the DR lab (deploy/lab/lab.sh, real kernels and nginx), a director
 * process in its namespace with conf/examples/dr.conf, and curl from the client namespace. The
 * real servers answer the client directly, so every answer proves the director passed the frame
 * on to the real server's MAC with the VIP left in place.
 */
class DirectRoutingEndToEndTest {
    static final String VIP_URL = "http://10.77.0.100/";

    private final String name = "avtdr" + ThreadLocalRandom.current().nextInt(10);
    private final Path repo = LabHost.repository();
    private LabProcess director;
    private Path tempConfig;

    @BeforeEach
    void labUp() {
        LabHost.requireNamespaces();
        upLab(name, "dr");
    }

    @AfterEach
    void labDown() throws IOException {
        if (director != null) {
            director.close();
        }
        downLab(name);
        if (tempConfig != null) {
            Files.deleteIfExists(tempConfig);
        }
    }

    @Test
    void roundRobinSplitsThreeHundredCurlRequestsEquallyOverTheThreeRealServers() {
        director = startDirector(name, repo.resolve("conf/examples/dr.conf"));

        List<String> answers = LabProcess.curlSequence(name + "c1", VIP_URL, 300);

        Map<String, Integer> split = LabProcess.tally(answers);
        assertEquals(List.of("r1", "r2", "r3"), List.copyOf(split.keySet()), "every request answered by a real server: " + split);
        for (int n : split.values()) {
            assertEquals(100, n, 1, "rr gives each real server a third of 300 connections: " + split);
        }
    }

    @Test
    void weightedRoundRobinThreeTwoOneGivesExactlyThreeTwoOneInEveryCycleOfSix() throws IOException {
        String drConf = Files.readString(repo.resolve("conf/examples/dr.conf"));
        String wrrConf = drConf.replace("scheduler = rr", "scheduler = wrr")
                .replace("\"10.77.0.21\", forward = route", "\"10.77.0.21\", forward = route, weight = 3")
                .replace("\"10.77.0.22\", forward = route", "\"10.77.0.22\", forward = route, weight = 2")
                .replace("\"10.77.0.23\", forward = route", "\"10.77.0.23\", forward = route, weight = 1");
        assertNotEquals(drConf, wrrConf);
        assertEquals(3, wrrConf.split("weight = ").length - 1, "all three weights were set in\n" + wrrConf);
        tempConfig = Files.createTempFile("actorvs-dr-wrr", ".conf");
        Files.writeString(tempConfig, wrrConf);
        director = startDirector(name, tempConfig);

        List<String> answers = LabProcess.curlSequence(name + "c1", VIP_URL, 60);

        assertEquals(60, answers.size(), "no request failed: " + answers);
        // wrr's sequence has period 6 (sum of weights / gcd), so every run of six consecutive
        // new connections holds each server exactly weight times, wherever the cycle starts.
        for (int block = 0; block < 10; block++) {
            List<String> six = answers.subList(6 * block, 6 * block + 6);
            assertEquals(Map.of("r1", 3, "r2", 2, "r3", 1), LabProcess.tally(six),
                    "block " + block + " of six: " + six + " (all answers " + answers + ")");
        }
    }

    static LabProcess startDirector(String lab, Path config) {
        return LabProcess.director(lab + "d1", config);
    }

    static void upLab(String lab, String topology) {
        String script = LabHost.repository().resolve("deploy/lab/lab.sh").toString();
        LabHost.run(List.of(script, "down", "--name", lab), 60);
        LabHost.Result up = LabHost.run(List.of(script, "up", "--topology", topology, "--name", lab), 120);
        assertEquals(0, up.exitCode(), up.output());
    }

    static void downLab(String lab) {
        LabHost.run(List.of(LabHost.repository().resolve("deploy/lab/lab.sh").toString(), "down", "--name", lab), 60);
    }
}
