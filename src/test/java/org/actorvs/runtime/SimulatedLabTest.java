package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The no-root demo: the real director on the simulated NAT lab. One run serves every assertion. */
@Timeout(120)
class SimulatedLabTest {
    private static final int REQUESTS = 12;
    private static SimulatedLab.Outcome outcome;

    @BeforeAll
    static void runTheDemo() throws Exception {
        outcome = SimulatedLab.simulate(Path.of("conf/examples/nat.conf"), REQUESTS,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void everyRequestIsAnsweredByARealServer() {
        assertEquals(0, outcome.failed());
        assertEquals(REQUESTS, outcome.split().values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(Set.of("r1", "r2", "r3"), outcome.split().keySet());
    }

    @Test
    void roundRobinSplitsTheRequestsEqually() {
        int min = outcome.split().values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        int max = outcome.split().values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(max - min <= 1, "split " + outcome.split());
    }

    @Test
    void connectionTableListsEveryConnectionFromTheClient() {
        List<ConnectionView> fromClient = outcome.connections().stream()
                .filter(c -> c.client().equals(SimulatedLab.CLIENT) && c.virtual().equals("10.77.0.100")
                        && c.virtualPort() == 80)
                .toList();
        assertEquals(REQUESTS, fromClient.size());
        Map<String, Long> perServer = fromClient.stream()
                .collect(Collectors.groupingBy(ConnectionView::destination, Collectors.counting()));
        assertEquals(Set.of("10.78.0.21", "10.78.0.22", "10.78.0.23"), perServer.keySet());
    }

    @Test
    void hostsReceiveOnlyFramesWithCorrectChecksums() {
        assertEquals(0, outcome.badFrames());
        assertEquals(0, outcome.unclaimedFrames());
    }

    @Test
    void demoSaysItIsSimulatedAndPrintsSplitAndTable() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = SimulatedLab.run("nat", 3, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text);
        assertTrue(text.startsWith("== SIMULATED NETWORK"), text);
        assertTrue(text.contains("== answers per real server (scheduler: rr)"), text);
        assertTrue(text.contains("10.77.0.2:32768"), text);
    }
}
