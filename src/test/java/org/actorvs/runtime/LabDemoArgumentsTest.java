package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code actorvs lab}'s arguments are checked before anything is built, with the argument named. */
class LabDemoArgumentsTest {
    private static void run(String... args) throws Exception {
        LabDemo.run(Arguments.parse("lab", List.of(args), List.of("--topology", "--requests", "--name", "--config")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void aLabNameThatLabShCannotUseIsRefusedNamingTheArgument() {
        Arguments.UsageException e = assertThrows(Arguments.UsageException.class, () -> run("--name", "Demo-1"));
        assertTrue(e.getMessage().contains("--name 'Demo-1'") && e.getMessage().contains("lower-case"), e.getMessage());
        assertThrows(Arguments.UsageException.class, () -> run("--name", "toolongname"));
    }

    @Test
    void anUnknownTopologyIsRefusedNamingTheChoices() {
        Arguments.UsageException e = assertThrows(Arguments.UsageException.class, () -> run("--topology", "mesh"));
        assertTrue(e.getMessage().contains("--topology") && e.getMessage().contains("pair"), e.getMessage());
    }
}
