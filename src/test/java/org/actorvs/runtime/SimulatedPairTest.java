package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.actorvs.ha.VrrpActor.Role;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The no-root pair demo: the real directors of conf/examples/nat-pair-d1.conf and -d2.conf on the
 * simulated LANs, through d1's death and its return. One run serves every assertion; every wait in
 * it is bounded in time.
 */
@Timeout(180)
class SimulatedPairTest {
    private static final int REQUESTS = 6;
    private static SimulatedPair.Result result;
    private static String printed;

    @BeforeAll
    static void runThePairThroughAFailoverAndBack() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        result = SimulatedPair.simulate(Path.of("conf/examples/nat-pair-d1.conf"),
                Path.of("conf/examples/nat-pair-d2.conf"), REQUESTS,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        printed = bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theBackupHoldsEveryLongLivedConnectionBySyncBeforeTheKill() {
        assertEquals(SimulatedPair.LONG_LIVED, result.syncedBeforeKill(), printed);
        assertEquals(0, result.forwardedByBackup(), "the backup's entries came by sync, not by traffic");
    }

    @Test
    void theBackupTakesOverWhenTheMasterIsKilled() {
        assertTrue(result.takeoverMillis() >= 0, printed);
    }

    @Test
    void everyLongLivedConnectionCarriesOnThroughTheBackupAfterTheKill() {
        assertEquals(SimulatedPair.LONG_LIVED, result.carriedOnAfterKill(), printed);
    }

    @Test
    void theReturningDirectorPullsTheConnectionsOpenedWhileItWasDown() {
        assertTrue(result.pull().synced(), printed);
        assertTrue(result.pull().entries() >= SimulatedPair.LONG_LIVED + SimulatedPair.OPENED_WHILE_DOWN, printed);
        assertEquals(SimulatedPair.OPENED_WHILE_DOWN, result.openedWhileDown().size());
        assertTrue(result.pulledPorts().containsAll(result.openedWhileDown()), printed);
    }

    @Test
    void theReturningDirectorBecomesMasterOnlyAfterItsPull() {
        assertNotEquals(Role.MASTER, result.roleAtPull(), printed);
        List<Role> roles = result.returnedRoles();
        assertTrue(roles.contains(Role.MASTER), "d1's roles after its return: " + roles + "\n" + printed);
    }

    @Test
    void everyLongLivedConnectionCarriesOnThroughTheReturnedDirector() {
        assertEquals(SimulatedPair.LONG_LIVED + SimulatedPair.OPENED_WHILE_DOWN, result.carriedOnThroughD1(), printed);
    }

    @Test
    void everyShortRequestIsAnswered() {
        assertEquals(0, result.failed(), printed);
        assertEquals(REQUESTS, result.split().values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void hostsReceiveOnlyFramesWithCorrectChecksums() {
        assertEquals(0, result.badFrames(), printed);
    }

    @Test
    void theDemoPrintsEachStepAndPasses() {
        assertTrue(result.passed(), printed);
        assertTrue(printed.contains("KILL d1"), printed);
        assertTrue(printed.contains("d2 is MASTER"), printed);
        assertTrue(printed.contains("== connection table (ipvsadm -L -c -n)"), printed);
    }
}
