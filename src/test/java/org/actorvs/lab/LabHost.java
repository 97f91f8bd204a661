package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What lab tests need from the machine: root, network namespaces, and the repository's scripts.
 * Without them a test skips on a developer's machine; with CI=true it fails instead, because CI
 * must run every test.
 */
public final class LabHost {
    private LabHost() {
    }

    /** Skips (or, under CI, fails) unless this process may create network namespaces. */
    public static void requireNamespaces() {
        String why = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            why = "lab tests need root (network namespaces); running as " + System.getProperty("user.name");
        } else {
            Result r = run(List.of("ip", "netns", "list"), 10);
            if (r.exitCode() != 0) {
                why = "ip netns is not usable here: " + r.output();
            }
        }
        if (why != null) {
            unavailable(why);
        }
    }

    /** Skips (or, under CI, fails) unless the kernel has IPv6 (lab.sh then builds the NAT lab with it). */
    public static void requireIpv6() {
        requireNamespaces();
        if (!Files.isDirectory(Path.of("/proc/sys/net/ipv6"))) {
            unavailable("this kernel has no IPv6 (booted with ipv6.disable=1?): the lab is IPv4 only");
        }
    }

    /** Skips (or, under CI, fails) unless the program at {@code path} is installed. */
    public static void requireTool(String path) {
        if (!Files.isExecutable(Path.of(path))) {
            unavailable(path + " is not installed (deploy/install-deps.sh installs it)");
        }
    }

    /** Skips on a developer's machine; fails under CI, where every test must run. */
    public static void unavailable(String why) {
        if ("true".equals(System.getenv("CI"))) {
            fail(why + " — and CI=true, where every test must run");
        }
        assumeTrue(false, why);
    }

    /** The repository root (the Maven project directory). */
    public static Path repository() {
        return Path.of(System.getProperty("user.dir"));
    }

    public record Result(int exitCode, String output) {
    }

    /** Runs a command with a time bound; output is stdout and stderr together. */
    public static Result run(List<String> command, int timeoutSeconds) {
        try {
            Path log = Files.createTempFile("actorvs-lab", ".log");
            try {
                Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", command)
                            + "\n" + Files.readString(log, StandardCharsets.UTF_8));
                }
                return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
