package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The NAT topology of deploy/lab/lab.sh under a name of its own (client c1, director d1 — and d2
 * for an active/backup pair — real servers r1..r3 behind it), with a scratch folder for the director configurations a test writes.
 * Closing it takes the lab down and removes the folder, also after a failed test.
 */
public final class NatLab implements AutoCloseable {
    public static final String VIP_URL = "http://10.77.0.100/";
    private static final Path SCRIPT = LabHost.repository().resolve("deploy/lab/lab.sh");

    private final String name;
    private final Path work;

    private NatLab(String name, Path work) {
        this.name = name;
        this.work = work;
    }

    /** Builds the lab (skipping, or under CI failing, without namespaces); {@code prefix} is 4 letters at most. */
    public static NatLab up(String prefix) throws IOException {
        return up(prefix, 1);
    }

    /** The lab with {@code directors} (1 or 2) directors, d1 and d2, on both LANs. */
    public static NatLab up(String prefix, int directors) throws IOException {
        LabHost.requireNamespaces();
        String name = prefix + ThreadLocalRandom.current().nextInt(1000, 10000);
        LabHost.Result up = LabHost.run(List.of(SCRIPT.toString(), "up", "--topology", "nat", "--name", name,
                "--directors", Integer.toString(directors)), 180);
        if (up.exitCode() != 0) {
            LabHost.run(List.of(SCRIPT.toString(), "down", "--name", name), 120);
        }
        assertEquals(0, up.exitCode(), up.output());
        return new NatLab(name, Files.createTempDirectory("actorvs-" + name));
    }

    public String name() {
        return name;
    }

    /** The namespace of one of the lab's hosts: "c1", "d1", "r2", ... */
    public String namespace(String host) {
        return name + host;
    }

    /** The scratch folder, removed with the lab. */
    public Path work() {
        return work;
    }

    /**
     * The lab's director configuration (conf/examples/nat.conf) with these ipvsadm rules instead of
     * lab-nat.rules, and {@code extra} (HOCON keys) added to its actorvs block.
     */
    public Path config(String fileName, String rules, String extra) throws IOException {
        Path rulesFile = Files.writeString(work.resolve(fileName + ".rules"), rules);
        String conf = Files.readString(LabHost.repository().resolve("conf/examples/nat.conf"), StandardCharsets.UTF_8)
                .replace("rules-file = \"lab-nat.rules\"", "rules-file = \"" + rulesFile + "\"");
        int end = conf.lastIndexOf('}');
        conf = conf.substring(0, end) + extra + (extra.isEmpty() ? "" : "\n") + "}\n";
        return Files.writeString(work.resolve(fileName + ".conf"), conf);
    }

    /**
     * The pair example of {@code host} (conf/examples/nat-pair-d1.conf or -d2.conf) with these
     * ipvsadm rules instead of lab-nat.rules, its bulk key found from the scratch folder, and
     * {@code edit} applied to the rest of its text; written to the scratch folder.
     */
    public Path pairConfig(String host, String rules, UnaryOperator<String> edit) throws IOException {
        Path rulesFile = Files.writeString(work.resolve("pair-" + host + ".rules"), rules);
        String conf = Files.readString(LabHost.repository().resolve("conf/examples/nat-pair-" + host + ".conf"),
                StandardCharsets.UTF_8)
                .replace("rules-file = \"lab-nat.rules\"", "rules-file = \"" + rulesFile + "\"")
                .replace("key-file = \"lab-pair-bulk.key\"", "key-file = \""
                        + LabHost.repository().resolve("conf/examples/lab-pair-bulk.key") + "\"");
        if (!conf.contains(rulesFile.toString()) || conf.contains("\"lab-pair-bulk.key\"")) {
            throw new AssertionError("conf/examples/nat-pair-" + host + ".conf changed shape:\n" + conf);
        }
        return Files.writeString(work.resolve("nat-pair-" + host + ".conf"), edit.apply(conf));
    }

    /** A virtual service on the VIP's port 80 over the three real servers with these weights. */
    public static String service(String scheduler, int w1, int w2, int w3) {
        return String.join("\n", "-A -t 10.77.0.100:80 -s " + scheduler,
                "-a -t 10.77.0.100:80 -r 10.78.0.21:80 -m -w " + w1,
                "-a -t 10.77.0.100:80 -r 10.78.0.22:80 -m -w " + w2,
                "-a -t 10.77.0.100:80 -r 10.78.0.23:80 -m -w " + w3, "");
    }

    /** A director daemon in d1 with this configuration, once it says its services are up. */
    public LabProcess director(Path config) {
        return LabProcess.director(namespace("d1"), config);
    }

    @Override
    public void close() throws IOException {
        LabHost.run(List.of(SCRIPT.toString(), "down", "--name", name), 120);
        try (Stream<Path> files = Files.walk(work)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
