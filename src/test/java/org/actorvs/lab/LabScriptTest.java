package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** deploy/lab/lab.sh builds each topology with working real servers and removes all of it again. */
class LabScriptTest {
    private static final String NAME = "avslt";
    private final String script = LabHost.repository().resolve("deploy/lab/lab.sh").toString();

    @BeforeEach
    void needsNamespaces() {
        LabHost.requireNamespaces();
        LabHost.run(List.of(script, "down", "--name", NAME), 60);
    }

    @AfterEach
    void tearDown() {
        LabHost.run(List.of(script, "down", "--name", NAME), 60);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nat", "dr", "tun"})
    void topologyComesUpWithRealServersAnsweringTheirNamesAndGoesAwayCompletely(String topology) {
        LabHost.Result up = LabHost.run(List.of(script, "up", "--topology", topology, "--name", NAME, "--directors", "2"), 120);
        assertEquals(0, up.exitCode(), up.output());
        Map<String, String> env = env();
        for (int r = 1; r <= 3; r++) {
            LabHost.Result answer = LabHost.run(List.of("ip", "netns", "exec", env.get("LAB_RS" + r + "_NS"),
                    "curl", "-sS", "--max-time", "5", "http://" + env.get("LAB_RS" + r) + "/"), 15);
            assertEquals("r" + r + "\n", answer.output(), "real server " + r + " answers with its own name");
        }
        LabHost.Result down = LabHost.run(List.of(script, "down", "--name", NAME), 60);
        assertEquals(0, down.exitCode(), down.output());
        String namespaces = LabHost.run(List.of("ip", "netns", "list"), 10).output();
        assertFalse(namespaces.contains(NAME), "no namespace of the lab is left: " + namespaces);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mesh", ""})
    void anUnknownTopologyIsRejectedNamingWhatIsExpected(String topology) {
        LabHost.Result up = LabHost.run(List.of(script, "up", "--topology", topology, "--name", NAME), 30);
        assertTrue(up.exitCode() != 0);
        assertTrue(up.output().contains("nat") && up.output().contains("tun"), up.output());
    }

    private Map<String, String> env() {
        LabHost.Result r = LabHost.run(List.of(script, "env", "--name", NAME), 10);
        assertEquals(0, r.exitCode(), r.output());
        Map<String, String> env = new HashMap<>();
        for (String line : r.output().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }
}
