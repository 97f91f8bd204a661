package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An ActorVS director daemon ({@code Main run}) running as its own process inside a lab namespace,
 * where its interfaces are: started from the test's own classpath, ready once it says so, stopped with
 * SIGTERM (then SIGKILL) when the test is done.
 */
public final class LabDirector implements AutoCloseable {
    private static final String READY = "virtual services on";
    private final Process process;
    private final Path log;

    private LabDirector(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static LabDirector start(String namespace, Path config, Duration readyWithin) throws IOException {
        Path log = Files.createTempFile("actorvs-director", ".log");
        Process p = new ProcessBuilder(List.of("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "org.actorvs.runtime.Main", "run",
                "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LabDirector d = new LabDirector(p, log);
        long deadline = System.nanoTime() + readyWithin.toNanos();
        while (!d.log().contains(READY)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String why = p.isAlive() ? "not ready within " + readyWithin : "exited with " + p.exitValue();
                d.close();
                fail("director in " + namespace + " " + why + ":\n" + d.log());
            }
            sleep(100);
        }
        return d;
    }

    /** What the director printed so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
