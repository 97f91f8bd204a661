package org.actorvs.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.slf4j.LoggerFactory;

/**
 * {@code actorvs lab}: the guided demo. By default the active/backup pair losing its active and
 * getting it back ({@link PairDemo}); with {@code --topology nat|dr|tun} one director. For the
 * latter, as root it builds the namespace lab (deploy/lab/lab.sh),
 * runs this same command again inside the director's namespace (where the director's interfaces
 * are), sends real HTTP requests from the client namespace with curl, prints how they were split
 * over the real servers and the director's connection table, and tears the lab down, also after a
 * failure. Without root it says so and runs the demo on the in-process simulated network.
 */
final class LabDemo {
    static final String LAB_NAME = "avsdemo";
    /** lab.sh's rule: the prefix of every namespace and device, so at most 8 (interface names <= 15). */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]{1,8}");
    private static final int COMMAND_TIMEOUT_SECONDS = 120;
    /** Connection entries the demo prints. */
    static final int CONNECTIONS_SHOWN = 50;

    private LabDemo() {
    }

    static int run(Arguments a, PrintStream out) throws Arguments.UsageException, ConfigError, IOException {
        String topology = a.choice("--topology", "pair", List.of("pair", "nat", "dr", "tun"));
        int requests = a.integer("--requests", 30, 1, 100_000);
        String name = a.optional("--name").orElse(LAB_NAME);
        if (!NAME.matcher(name).matches()) {
            throw new Arguments.UsageException("actorvs lab: --name '" + name
                    + "' must be 1 to 8 lower-case letters and digits (the lab's namespace prefix)");
        }
        Path home = home();
        if (a.optional("--config").isPresent()) {
            // Inside the director's namespace: the lab exists, the director runs here.
            return inside(Path.of(a.optional("--config").get()), name, topology, requests, out);
        }
        if (!isRoot()) {
            out.println("actorvs lab: not running as root, so no network namespaces can be built.");
            out.println("Running the same demo on the in-process simulated network instead (sudo bin/actorvs lab"
                    + " for the namespace lab).");
            quietDirectors(out);
            return SimulatedLab.run(topology, requests, out);
        }
        if (topology.equals("pair")) {
            return PairDemo.run(home, name, requests, out);
        }
        Path lab = home.resolve("deploy/lab/lab.sh");
        Path config = home.resolve("conf/examples/" + topology + ".conf");
        out.println("== building the " + topology + " lab (" + lab + " up --topology " + topology + " --name " + name + ")");
        try {
            exec(List.of(lab.toString(), "up", "--topology", topology, "--name", name));
            if (topology.equals("tun")) {
                startDecapsulators(name, out);
            }
            out.println("== starting the director in namespace " + name + "d1 with " + config);
            List<String> inner = new ArrayList<>(List.of("ip", "netns", "exec", name + "d1",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dlogback.configurationFile=" + home.resolve("conf/logback.xml"),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "lab", "--topology", topology, "--requests", Integer.toString(requests), "--name", name,
                    "--config", config.toString()));
            Process p = new ProcessBuilder(inner).inheritIO().start();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS + requests, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                out.println("actorvs lab: the demo did not finish in time");
                return 1;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            out.println("== tearing the lab down");
            exec(List.of(lab.toString(), "down", "--name", name));
        }
    }

    /**
     * This kernel may lack the ipip module: each real server gets a user-space decapsulator that
     * hands the inner packets to the VIP's device (see lab.sh). lab.sh down ends them with the lab.
     */
    private static void startDecapsulators(String name, PrintStream out) throws IOException {
        for (int r = 1; r <= 3; r++) {
            String ns = name + "r" + r;
            out.println("== IP-in-IP decapsulator on " + ns);
            new ProcessBuilder("ip", "netns", "exec", ns, Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Dlogback.configurationFile=" + home().resolve("conf/logback.xml"),
                    "-cp", System.getProperty("java.class.path"), "org.actorvs.io.IpipDecapsulator",
                    "--in", "eth0", "--out", "vipd")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        }
    }

    private static int inside(Path configFile, String name, String topology, int requests, PrintStream out)
            throws ConfigError, IOException {
        DirectorConfig config = DirectorConfigLoader.load(configFile);
        String vip = config.ownedAddresses().get(0).address().getHostAddress();
        try (Director director = Main.startLive(config)) {
            out.println("== director up; " + requests + " HTTP requests from " + name + "c1 to http://" + vip + "/");
            Map<String, Integer> split = new TreeMap<>();
            int failed = 0;
            for (int i = 0; i < requests; i++) {
                String body = capture(List.of("ip", "netns", "exec", name + "c1", "curl", "-s", "--max-time", "5",
                        "http://" + vip + "/"));
                if (body == null || body.isBlank()) {
                    failed++;
                } else {
                    split.merge(body.strip(), 1, Integer::sum);
                }
            }
            printSplit(config, split, failed, out);
            printConnections(director.connections(CONNECTIONS_SHOWN).toCompletableFuture().join(), out);
            return failed == 0 ? 0 : 1;
        }
    }

    /** How the answers were split over the real servers, as both the lab and the simulated lab print it. */
    static void printSplit(DirectorConfig config, Map<String, Integer> split, int failed, PrintStream out) {
        out.println("== answers per real server (scheduler: "
                + config.services().services().get(0).spec().scheduler() + ")");
        split.forEach((server, n) -> out.printf("  %-6s %4d  %s%n", server, n, "#".repeat(Math.min(n, 60))));
        if (failed > 0) {
            out.println("  failed: " + failed);
        }
    }

    /** The director's connection table in ipvsadm -L -c -n's layout. */
    static void printConnections(List<ConnectionView> connections, PrintStream out) {
        out.println("== connection table (ipvsadm -L -c -n)");
        out.println("IPVS connection entries");
        out.println("pro expire state       source             virtual            destination");
        for (ConnectionView c : connections) {
            out.println(c.ipvsadmRow());
        }
    }

    static void exec(List<String> command) throws IOException {
        String output = capture(command);
        if (output == null) {
            throw new IOException(String.join(" ", command) + " failed");
        }
    }

    /** Runs a command with a time bound; its output, or null when it failed. */
    static String capture(List<String> command) throws IOException {
        Path log = Files.createTempFile("actorvs-lab", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                System.err.print(text);
                return null;
            }
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * The simulated directors log into this console: at INFO their start-up and role lines would
     * bury the demo's own account of the same events, so only their errors are shown.
     */
    private static void quietDirectors(PrintStream out) {
        if (LoggerFactory.getLogger("org.actorvs") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.ERROR);
            out.println("(the directors log only errors here; the lines below are the demo's account)");
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The installation directory: ACTORVS_HOME, else the working directory. */
    static Path home() {
        String h = System.getenv("ACTORVS_HOME");
        return Path.of(h != null ? h : ".").toAbsolutePath().normalize();
    }
}
