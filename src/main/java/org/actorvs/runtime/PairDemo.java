package org.actorvs.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;

/**
 * {@code actorvs lab} (topology pair) as root: the active/backup pair losing its active, on the
 * namespace lab with two directors (deploy/lab/lab.sh --directors 2, conf/examples/nat-pair-d1.conf
 * and -d2.conf). Long downloads run through the VIP with curl while d1, the master, is killed
 * with SIGKILL, d2 takes over with the table sync gave it, more downloads start through d2, and d1
 * returns, pulls d2's table and takes the VIPs back; every download must arrive whole, byte for
 * byte. Everything it starts is stopped and the lab torn down, also after a failure.
 */
final class PairDemo {
    private static final String VIP = "10.77.0.100";
    /** Downloads of the lab's 50 MB file started through d1, and through d2 while d1 is down. */
    private static final int FIRST_DOWNLOADS = 8;
    private static final int DOWN_DOWNLOADS = 4;
    /** Per download, so that each spans the kill and the return (50 MB at 3 MB/s: about 17 s). */
    private static final String RATE = "3M";
    private static final int DOWNLOAD_SECONDS = 120;
    private static final int STEP_SECONDS = 60;
    private static final Pattern TOTAL = Pattern.compile("\"total\"\\s*:\\s*(\\d+)");
    private static final Pattern TOOK = Pattern.compile("bulk sync: took (\\d+) connections");

    private final Path home;
    /** The lab's namespace prefix (lab.sh --name). */
    private final String name;
    private final Path work;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final List<Process> started = new ArrayList<>();
    private final Map<Process, Path> logs = new HashMap<>();

    private PairDemo(Path home, String name, Path work, PrintStream out) {
        this.home = home;
        this.name = name;
        this.work = work;
        this.out = out;
    }

    static int run(Path home, String name, int requests, PrintStream out) throws IOException, ConfigError {
        Path lab = home.resolve("deploy/lab/lab.sh");
        Path work = Files.createTempDirectory("actorvs-pair-demo");
        PairDemo demo = new PairDemo(home, name, work, out);
        out.println("== building the pair lab (" + lab + " up --topology nat --directors 2 --name " + name + ")");
        try {
            LabDemo.exec(List.of(lab.toString(), "up", "--topology", "nat", "--directors", "2", "--name", name));
            return demo.show(requests);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            demo.stopAll();
            out.println("== tearing the lab down");
            LabDemo.exec(List.of(lab.toString(), "down", "--name", name));
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private int show(int requests) throws IOException, ConfigError, InterruptedException {
        Process d1 = director("d1");
        await(d1, "d1", ": MASTER");
        say("d1 is the VRRP master: it holds the VIP " + VIP + " and the real servers' gateway 10.78.0.254");
        Process d2 = director("d2");
        await(d2, "d2", ": BACKUP");
        say("d2 is the backup: it runs the sync backup daemon and answers for no address");

        DirectorConfig config = DirectorConfigLoader.load(config("d1"));
        Map<String, Integer> split = new TreeMap<>();
        int failed = 0;
        for (int i = 0; i < requests; i++) {
            String body = LabDemo.capture(List.of("ip", "netns", "exec", ns("c1"), "curl", "-s", "--max-time", "5",
                    "http://" + VIP + "/"));
            if (body == null || body.isBlank()) {
                failed++;
            } else {
                split.merge(body.strip(), 1, Integer::sum);
            }
        }
        say(requests + " HTTP requests from the client through d1");
        LabDemo.printSplit(config, split, failed, out);

        Path blob = Path.of("/run/actorvs-lab", name, "blob");
        List<Download> downloads = new ArrayList<>();
        for (int i = 0; i < FIRST_DOWNLOADS; i++) {
            downloads.add(download("before-" + i));
        }
        say(FIRST_DOWNLOADS + " downloads of the lab's 50 MB file at " + RATE + "B/s each started through d1");
        Thread.sleep(2_000);
        // A partly filled sync message leaves the master within its flush interval (2 s, as the
        // kernel's): wait, bounded, until d2 holds every connection d1 has.
        long synced = -1;
        long held = 0;
        for (int i = 0; i < 50 && synced < held; i++) {
            held = tableSize("d1");
            synced = tableSize("d2");
            Thread.sleep(synced < held ? 200 : 0);
        }
        say("d2 holds " + synced + " of d1's " + held + " connections, every one from the sync master on d1");

        say("killing d1 (SIGKILL: no goodbye advert, no handover)");
        long killed = System.nanoTime();
        d1.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        await(d2, "d2", ": MASTER", ": BACKUP");
        say(String.format("d2 is master %d ms after the kill (Master_Down_Interval with 100 ms adverts: about 350 ms)",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed)));

        Thread.sleep(1_000);
        for (int i = 0; i < DOWN_DOWNLOADS; i++) {
            downloads.add(download("while-down-" + i));
        }
        say(DOWN_DOWNLOADS + " more downloads started through d2 while d1 is down");
        Thread.sleep(1_000);

        say("d1 comes back: it pulls d2's whole table over the bulk transfer before it joins VRRP");
        Process back = director("d1-back", "d1");
        String log = await(back, "d1", ": MASTER");
        Matcher took = TOOK.matcher(log);
        boolean pulled = took.find() && took.start() < log.indexOf(": MASTER");
        say(pulled ? "d1 took " + took.group(1) + " connections from d2, then preempted: it is master again"
                : "d1 became master WITHOUT d2's table");
        await(d2, "d2", ": BACKUP", ": MASTER");
        say("d2 is the backup again");
        out.println("== d1's services, the downloads now running through it (actorvsadm -L -n)");
        String listing = LabDemo.capture(List.of("ip", "netns", "exec", ns("d1"), java(), "-cp",
                System.getProperty("java.class.path"), "org.actorvs.admin.Actorvsadm", "-L", "-n"));
        out.print(listing == null ? "  (actorvsadm failed)\n" : listing);

        int whole = 0;
        for (Download d : downloads) {
            whole += d.whole(blob, out) ? 1 : 0;
        }
        say(whole + " of " + downloads.size() + " downloads arrived whole and byte-identical ("
                + FIRST_DOWNLOADS + " started before the kill, " + DOWN_DOWNLOADS + " while d1 was down)");
        if (whole < downloads.size()) {
            printRolesAndWarnings();
        }
        return failed == 0 && pulled && whole == downloads.size() ? 0 : 1;
    }

    /** A director daemon of the pair in its namespace, its log in the demo's folder. */
    private Process director(String host) throws IOException {
        return director(host, host);
    }

    private Process director(String logName, String host) throws IOException {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns(host), java(), "-Xms128m", "-Xmx512m",
                "-Dlogback.configurationFile=" + home.resolve("conf/logback.xml"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "--config", config(host).toString())
                .redirectErrorStream(true).redirectOutput(work.resolve(logName + ".log").toFile()).start();
        started.add(p);
        logs.put(p, work.resolve(logName + ".log"));
        return p;
    }

    /** One curl download of the lab's file through the VIP, rate-limited so that it lasts. */
    private Download download(String label) throws IOException {
        Path file = work.resolve(label);
        Process p = new ProcessBuilder("ip", "netns", "exec", ns("c1"), "curl", "-s", "--limit-rate", RATE,
                "--max-time", Integer.toString(DOWNLOAD_SECONDS), "-o", file.toString(), "http://" + VIP + "/blob")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return new Download(label, file, p);
    }

    private record Download(String name, Path file, Process curl) {
        /** Whether it arrived whole; if not, why, as a line of {@code out}. */
        boolean whole(Path blob, PrintStream out) throws IOException, InterruptedException {
            if (!curl.waitFor(DOWNLOAD_SECONDS + 10, TimeUnit.SECONDS)) {
                out.println("  download " + name + ": still running");
                return false;
            }
            long size = Files.exists(file) ? Files.size(file) : 0;
            if (curl.exitValue() != 0 || Files.mismatch(file, blob) != -1L) {
                out.println("  download " + name + ": curl exit " + curl.exitValue() + ", " + size + " of "
                        + Files.size(blob) + " bytes" + (curl.exitValue() == 0 ? ", content differs" : ""));
                return false;
            }
            return true;
        }
    }

    /** Connections in the director's table, as its admin API counts them; -1 when it does not answer. */
    private long tableSize(String host) throws IOException {
        String json = LabDemo.capture(List.of("ip", "netns", "exec", ns(host), "curl", "-s", "--max-time", "5",
                "http://127.0.0.1:9080/api/connections?limit=1"));
        Matcher m = TOTAL.matcher(json == null ? "" : json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Waits until the director's log has {@code text} after the last {@code after} (when given),
     * failing after a bound; its log.
     */
    private String await(Process p, String host, String text, String... after) throws IOException, InterruptedException {
        Path log = logs.get(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_SECONDS);
        while (System.nanoTime() < deadline && p.isAlive()) {
            String content = Files.readString(log, StandardCharsets.ISO_8859_1);
            int from = after.length == 0 ? 0 : Math.max(0, content.lastIndexOf(after[0]));
            if (content.indexOf(text, from) >= 0) {
                return content;
            }
            Thread.sleep(20);
        }
        throw new IOException(host + " did not report '" + text.substring(2) + "' in " + STEP_SECONDS + " s:\n"
                + Files.readString(log, StandardCharsets.ISO_8859_1));
    }

    /** After a failure: each director's role changes, warnings and errors, from its log. */
    private void printRolesAndWarnings() throws IOException {
        for (Map.Entry<Process, Path> e : logs.entrySet()) {
            out.println("== " + e.getValue().getFileName() + ": roles, warnings and errors");
            Files.readAllLines(e.getValue(), StandardCharsets.ISO_8859_1).stream()
                    .filter(l -> l.contains("VRRP instance") || l.contains(" WARN ") || l.contains(" ERROR "))
                    .forEach(l -> out.println("  " + l));
        }
    }

    private void say(String what) {
        out.printf("[%5.1f s] %s%n", (System.nanoTime() - start) / 1e9, what);
    }

    private void stopAll() {
        for (Process p : started) {
            p.destroy();
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    private Path config(String host) {
        return home.resolve("conf/examples/nat-pair-" + host + ".conf");
    }

    private String ns(String host) {
        return name + host;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
