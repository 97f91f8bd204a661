package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Long-lived keep-alive HTTP connections from the lab's client namespace through the VIP, one GET
 * in flight on each and the next one {@code period} after each reply (a python3 program: the
 * client's kernel is the real TCP peer). A test marks a moment (a director killed or started);
 * the results say, per connection, whether it carried on after the last mark and how long its
 * replies stopped around it. Closing ends the program, also after a failed test.
 */
final class KeepAliveClients implements AutoCloseable {
    /**
     * Prints READY once every connection has had a reply. "mark" (stdin) starts a new window;
     * "stop" prints one line per connection — RESULT index error replies-in-window first-gap
     * longest-gap, the gaps in seconds between consecutive replies, the first one reaching back
     * before the mark, -1 without a reply in the window — then DONE, and exits.
     */
    private static final String PROGRAM = """
            import selectors, socket, sys, time
            n, host, period, bound = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
            REQ = b"GET / HTTP/1.1\\r\\nHost: vip\\r\\n\\r\\n"
            sel = selectors.DefaultSelector()
            conns = []
            for i in range(n):
                s = socket.create_connection((host, 80), timeout=5)
                s.setblocking(False)
                c = {"i": i, "s": s, "buf": b"", "err": "ok", "pending": False, "next": 0.0,
                     "last": None, "replies": 0, "window": 0, "first": -1.0, "longest": -1.0}
                conns.append(c)
                sel.register(s, selectors.EVENT_READ, c)
            sel.register(sys.stdin, selectors.EVENT_READ, None)
            ready = False
            start = time.monotonic()
            def fail(c, why):
                c["err"] = why
                sel.unregister(c["s"])
                c["s"].close()
            def answers(c):
                got = 0
                while True:
                    head = c["buf"].find(b"\\r\\n\\r\\n")
                    if head < 0:
                        return got
                    length = 0
                    for line in c["buf"][:head].split(b"\\r\\n"):
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":")[1])
                    if len(c["buf"]) < head + 4 + length:
                        return got
                    c["buf"] = c["buf"][head + 4 + length:]
                    got += 1
            stop = False
            while not stop and time.monotonic() - start < bound:
                now = time.monotonic()
                for c in conns:
                    if c["err"] == "ok" and not c["pending"] and now >= c["next"]:
                        try:
                            c["s"].send(REQ)
                            c["pending"] = True
                        except OSError as e:
                            fail(c, type(e).__name__)
                for key, _ in sel.select(0.005):
                    c = key.data
                    if c is None:
                        line = sys.stdin.readline().strip()
                        if line == "mark":
                            for c in conns:
                                c["window"], c["first"], c["longest"] = 0, -1.0, -1.0
                        elif line in ("stop", ""):
                            stop = True
                        continue
                    try:
                        data = c["s"].recv(65536)
                    except OSError as e:
                        fail(c, type(e).__name__)
                        continue
                    if not data:
                        fail(c, "eof")
                        continue
                    c["buf"] += data
                    if answers(c):
                        t = time.monotonic()
                        c["pending"] = False
                        c["next"] = t + period
                        c["replies"] += 1
                        if c["last"] is not None:
                            gap = t - c["last"]
                            if c["window"] == 0:
                                c["first"] = gap
                            c["longest"] = max(c["longest"], gap)
                        c["window"] += 1
                        c["last"] = t
                if not ready and all(c["replies"] > 0 for c in conns):
                    ready = True
                    print("READY", flush=True)
            for c in conns:
                print("RESULT %d %s %d %.3f %.3f" % (c["i"], c["err"], c["window"], c["first"], c["longest"]),
                      flush=True)
            print("DONE", flush=True)
            """;
    private static final Pattern RESULT = Pattern.compile("RESULT (\\d+) (\\w+) (\\d+) (-?[0-9.]+) (-?[0-9.]+)");
    /** The program's own bound: it ends by itself even if the test never says stop. */
    private static final int BOUND_SECONDS = 300;

    /** One connection after the last mark: carried on if it had no error and replies in the window. */
    record Result(int index, String error, int replies, double firstGap, double longestGap) {
        boolean carriedOn() {
            return error.equals("ok") && replies > 0;
        }
    }

    private final String name;
    private final Process process;
    private final Path out;

    private KeepAliveClients(String name, Process process, Path out) {
        this.name = name;
        this.process = process;
        this.out = out;
    }

    /**
     * Opens {@code connections} to {@code vip}:80 from namespace {@code ns} and returns once every
     * one has had a reply (failing the test after {@code readySeconds}).
     */
    static KeepAliveClients open(String name, NatLab lab, String ns, int connections, String vip, double period,
            int readySeconds) throws IOException {
        Path program = lab.work().resolve("keepalive-clients.py");
        if (!Files.exists(program)) {
            Files.writeString(program, PROGRAM);
        }
        Path out = lab.work().resolve(name + ".out");
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "python3", program.toString(),
                Integer.toString(connections), vip, Double.toString(period), Integer.toString(BOUND_SECONDS))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        KeepAliveClients clients = new KeepAliveClients(name, p, out);
        clients.await("READY", readySeconds);
        return clients;
    }

    /** Starts a new window: what the results tell is from here on. */
    void mark() throws IOException {
        say("mark");
    }

    /** Ends the program; one result per connection, for the window since the last mark. */
    List<Result> stop() throws IOException {
        say("stop");
        await("DONE", 20);
        List<Result> results = new ArrayList<>();
        Matcher m = RESULT.matcher(Files.readString(out));
        while (m.find()) {
            results.add(new Result(Integer.parseInt(m.group(1)), m.group(2), Integer.parseInt(m.group(3)),
                    Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))));
        }
        return results;
    }

    private void say(String line) throws IOException {
        OutputStream control = process.getOutputStream();
        control.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        control.flush();
    }

    private void await(String text, int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.readString(out).contains(text)) {
            if (System.nanoTime() > deadline || !process.isAlive() && !Files.readString(out).contains(text)) {
                fail(name + " did not print " + text + " in " + seconds + " s:\n" + Files.readString(out));
            }
            LabProcess.sleep(50);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /** The {@code p} quantile of sorted values (nearest rank); NaN for none. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** The gaps of the connections that carried on, sorted. */
    static double[] sorted(List<Result> results, boolean longest) {
        double[] gaps = results.stream().filter(Result::carriedOn)
                .mapToDouble(r -> longest ? r.longestGap() : r.firstGap()).filter(g -> g >= 0).toArray();
        Arrays.sort(gaps);
        return gaps;
    }
}
