package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A long-running Java program of this project (a director, a decapsulator) started inside one of
 * the lab's namespaces, on the test's own class path, with its output in a log file. Tests close it
 * in @AfterEach, so a failed test never leaves it running.
 */
public final class LabProcess implements AutoCloseable {
    /** A director reads its configuration, starts its actors and opens its interfaces in this time. */
    static final int DIRECTOR_START_SECONDS = 60;

    private final String what;
    private final Process process;
    private final Path log;

    private LabProcess(String what, Process process, Path log) {
        this.what = what;
        this.process = process;
        this.log = log;
    }

    /**
     * Runs {@code mainClass args} in namespace {@code ns} and waits (at most {@code timeoutSeconds})
     * for a line of its output containing {@code readyText}; fails the test with the output if it
     * exits or stays silent instead.
     */
    public static LabProcess start(String ns, String mainClass, List<String> args, String readyText, int timeoutSeconds) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        String what = ns + " " + mainClass + " " + String.join(" ", args);
        LabProcess p;
        try {
            Path log = Files.createTempFile("actorvs-lab-process", ".log");
            p = new LabProcess(what, new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start(), log);
        } catch (IOException e) {
            throw new AssertionError("cannot start " + what, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!p.output().contains(readyText)) {
            boolean alive = p.process.isAlive();
            if (!alive || System.nanoTime() > deadline) {
                String output = p.output();
                p.close();
                fail(what + (alive ? " did not report '" : " exited before reporting '") + readyText + "' in "
                        + timeoutSeconds + " s:\n" + output);
            }
            sleep(100);
        }
        return p;
    }

    /** A director daemon ({@code Main run}) in namespace {@code ns}, once it says its services are up. */
    public static LabProcess director(String ns, Path config) {
        return start(ns, "org.actorvs.runtime.Main", List.of("run", "--config", config.toString()),
                "virtual services on", DIRECTOR_START_SECONDS);
    }

    /** SIGKILL, as a director that dies: nothing of its own shutdown (no priority-0 advert) runs. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What the process printed so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The log is a temporary file; leaving it behind harms nothing.
        }
    }

    @Override
    public String toString() {
        return what;
    }

    /**
     * Sends {@code requests} HTTP requests one after another from namespace {@code clientNs}, each
     * a new curl and so a new TCP connection; the answers in order. Stops early after three
     * failures, so a director that does not forward fails the test in seconds, not minutes.
     */
    static List<String> curlSequence(String clientNs, String url, int requests) {
        List<String> answers = new ArrayList<>(requests);
        int failures = 0;
        for (int i = 0; i < requests && failures < 3; i++) {
            LabHost.Result r = LabHost.run(List.of("ip", "netns", "exec", clientNs,
                    "curl", "-s", "--max-time", "5", url), 15);
            String body = r.exitCode() == 0 ? r.output().strip() : "";
            if (body.isEmpty()) {
                failures++;
                answers.add("failed(" + r.exitCode() + ")");
            } else {
                answers.add(body);
            }
        }
        return answers;
    }

    /** How often each answer occurs. */
    static Map<String, Integer> tally(List<String> answers) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String a : answers) {
            counts.merge(a, 1, Integer::sum);
        }
        return counts;
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
