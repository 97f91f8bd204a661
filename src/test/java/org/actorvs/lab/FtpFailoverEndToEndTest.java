package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's failover clause: an FTP control session through the active/backup pair
 * (conf/examples/nat-pair-d1.conf and -d2.conf with one FTP service on port 21) survives the
 * master's death, and a new transfer on the same control connection works through the new master.
 * A python3 ftplib client in c1 retrieves the file once through d1, waits while d1 is SIGKILLed and
 * d2 takes over, then retrieves it again on the same control connection: d2 has to rewrite the
 * PASV reply (or announce the PORT connection) from the helper state and sequence adjustments that
 * sync gave it.
 */
class FtpFailoverEndToEndTest {
    private static final int FILE_BYTES = 4 * 1024 * 1024;
    /** Bounds each wait of the test: a transfer, the sync, the takeover. */
    private static final int BOUND_SECONDS = 30;

    /**
     * The client: one control connection, a RETR, then "WAITING" and a line read from stdin, then a
     * second RETR on the same connection. Prints each reply (ftplib debug level 1) and the sha256 of
     * each download. In passive mode it connects where the 227 reply says (not where ftplib would
     * guess), so that the reply's rewrite is what is tested.
     */
    private static final String CLIENT = """
            import ftplib, hashlib, sys
            host, passive = sys.argv[1], sys.argv[2] == "pasv"
            ftp = ftplib.FTP(timeout=%d)
            ftp.set_debuglevel(1)
            ftp.trust_server_pasv_ipv4_address = True
            ftp.connect(host, 21)
            ftp.login()
            ftp.set_pasv(passive)
            def get(label):
                h = hashlib.sha256()
                ftp.retrbinary("RETR blob", h.update)
                print(label, h.hexdigest(), flush=True)
            get("FIRST")
            print("WAITING", flush=True)
            sys.stdin.readline()
            get("SECOND")
            ftp.quit()
            print("DONE", flush=True)
            """.formatted(BOUND_SECONDS);

    private NatLab lab;
    private FtpServers ftp;
    private final List<LabProcess> directors = new ArrayList<>();
    private Process client;

    @AfterEach
    void down() throws IOException {
        try {
            if (client != null) {
                client.destroyForcibly();
            }
            directors.forEach(LabProcess::close);
            if (ftp != null) {
                ftp.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Test
    void passiveTransferOnTheSameControlConnectionWorksThroughTheNewMaster() throws Exception {
        String out = sessionAcrossFailover("pasv");
        assertEquals(2, out.lines().filter(l -> l.contains("*resp* '" + FtpEndToEndTest.PASV_REPLY_WITH_VIP)).count(),
                "both PASV replies rewritten to the VIP: " + out);
    }

    @Test
    void activeTransferOnTheSameControlConnectionWorksThroughTheNewMaster() throws Exception {
        String out = sessionAcrossFailover("port");
        assertEquals(2, out.lines().filter(l -> l.startsWith("*resp* '200 PORT")).count(), out);
    }

    /**
     * Starts the pair and the servers, runs the client's first transfer through d1, waits until d2
     * holds the control connection, kills d1, waits for d2 to be master and lets the client go on;
     * asserts both downloads are the file and returns the client's output.
     */
    private String sessionAcrossFailover(String mode) throws Exception {
        lab = NatLab.up("avtq", 2);
        ftp = FtpServers.start(lab.name(), FILE_BYTES);
        LabProcess d1 = start("d1");
        awaitText(() -> d1.output(), "MASTER", d1);
        LabProcess d2 = start("d2");
        awaitText(() -> d2.output(), "BACKUP", d2);

        Path script = Files.writeString(ftp.work().resolve("client.py"), CLIENT);
        Path out = ftp.work().resolve("client-" + mode + ".out");
        client = new ProcessBuilder("ip", "netns", "exec", lab.namespace("c1"), "python3", script.toString(),
                "10.77.0.100", mode).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        awaitText(() -> read(out), "WAITING", d1);
        // The control connection in d2's table, by sync alone. Its sequence adjustments from the first
        // PASV rewrite went out with it, each time the data connection was synced (ip_vs_sync_conn()
        // sends a connection's controller along).
        awaitText(() -> LabHost.run(List.of("ip", "netns", "exec", lab.namespace("d2"), "curl", "-s", "--max-time",
                "5", "http://127.0.0.1:9080/api/connections?limit=100"), 10).output(), "\"virtualPort\":21,", d2);

        long killed = System.nanoTime();
        d1.kill();
        awaitText(() -> d2.output().substring(d2.output().indexOf("BACKUP")), "MASTER", d2);
        long master = System.nanoTime();
        OutputStream go = client.getOutputStream();
        go.write("go\n".getBytes(StandardCharsets.US_ASCII));
        go.flush();
        assertTrue(client.waitFor(BOUND_SECONDS, TimeUnit.SECONDS), "client still running: " + read(out));
        long done = System.nanoTime();
        String text = read(out);
        System.out.printf("ftp failover (%s): d2 master %d ms after the kill, second transfer done %d ms later%n",
                mode, (master - killed) / 1_000_000, (done - master) / 1_000_000);
        String diagnosis = text + "\n--- d2:\n" + d2.output() + ftp.logs();
        assertEquals(0, client.exitValue(), diagnosis);
        String sha = sha256(ftp.file());
        assertTrue(text.contains("FIRST " + sha), diagnosis);
        assertTrue(text.contains("SECOND " + sha), diagnosis);
        return text;
    }

    private LabProcess start(String host) throws IOException {
        LabProcess p = LabProcess.director(lab.namespace(host), lab.pairConfig(host, FtpServers.RULES, c -> c));
        directors.add(p);
        return p;
    }

    private void awaitText(Supplier<String> source, String text, LabProcess director) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (!source.get().contains(text)) {
            if (System.nanoTime() > deadline || !director.isAlive() || client != null && !client.isAlive()) {
                String last = source.get();
                if (last.contains(text)) {
                    return;
                }
                fail("no " + text + " in " + BOUND_SECONDS + " s: " + last + "\n--- " + director + ":\n"
                        + director.output() + ftp.logs());
            }
            LabProcess.sleep(100);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
