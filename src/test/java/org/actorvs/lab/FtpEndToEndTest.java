package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The FTP helper end to end through the NAT director: curl and lftp in the lab's client namespace,
 * vsftpd on the three real servers, a director process in d1 with one service on port 21, where the
 * director binds the FTP helper. Every mode the helper handles moves a 10 MB file: passive (PASV,
 * EPSV — the helper rewrites the 227/229 reply and announces the data connection) and active (PORT,
 * EPRT — the helper announces the server's connection from port 20 so that it leaves as VIP:20).
 *
 * <p>All three real servers serve, with rr: a data connection has to reach the real server of its
 * control connection, which only the helper's announced entry achieves (a passive data port is no
 * service of its own, and vsftpd refuses a data peer other than the control peer), so spreading the
 * control connections over three servers tests that rather than hiding it. No assertion depends on
 * which server a connection got.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FtpEndToEndTest {
    private static final String VIP_FTP = "ftp://10.77.0.100/";
    private static final int FILE_BYTES = 10 * 1024 * 1024;
    /** Bounds every transfer; a 10 MB file takes about a second through the lab. */
    private static final int TRANSFER_SECONDS = 60;
    /** The start of a 227 reply after the helper put the VIP in place of the real server's address. */
    static final String PASV_REPLY_WITH_VIP = "227 Entering Passive Mode (10,77,0,100,";

    private final String name = "avtf" + ThreadLocalRandom.current().nextInt(1000, 10000);
    private final Path script = LabHost.repository().resolve("deploy/lab/lab.sh");
    private FtpServers ftp;
    private LabProcess director;

    @BeforeAll
    void lab() throws IOException {
        LabHost.requireNamespaces();
        LabHost.Result up = LabHost.run(List.of(script.toString(), "up", "--topology", "nat", "--name", name), 180);
        assertEquals(0, up.exitCode(), up.output());
        ftp = FtpServers.start(name, FILE_BYTES);
        Path rules = Files.writeString(ftp.work().resolve("ftp.rules"), FtpServers.RULES);
        String conf = Files.readString(LabHost.repository().resolve("conf/examples/nat.conf"), StandardCharsets.UTF_8)
                .replace("rules-file = \"lab-nat.rules\"", "rules-file = \"" + rules + "\"");
        director = LabProcess.director(name + "d1", Files.writeString(ftp.work().resolve("nat.conf"), conf));
    }

    @AfterAll
    void down() throws IOException {
        try {
            if (director != null) {
                director.close();
            }
            if (ftp != null) {
                ftp.close();
            }
        } finally {
            LabHost.run(List.of(script.toString(), "down", "--name", name), 120);
        }
    }

    /** curl in the client namespace, verbose (the FTP dialogue is in the output), time-bounded. */
    private LabHost.Result curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name + "c1", "curl", "-s", "-S", "-v",
                "--connect-timeout", "10", "--max-time", String.valueOf(TRANSFER_SECONDS)));
        cmd.addAll(List.of(args));
        return checked(LabHost.run(cmd, TRANSFER_SECONDS + 10));
    }

    /** lftp in the client namespace with its debug output (the FTP dialogue), time-bounded. */
    private LabHost.Result lftp(String commands) {
        return checked(LabHost.run(List.of("ip", "netns", "exec", name + "c1", "lftp", "-d", "-e",
                "set net:timeout 10; set net:max-retries 1; set xfer:clobber on; set ftp:ssl-allow no; "
                        + commands + "; bye",
                "ftp://anonymous:lab@10.77.0.100"), TRANSFER_SECONDS + 10));
    }

    private LabHost.Result checked(LabHost.Result r) {
        assertEquals(0, r.exitCode(), r.output() + "\n--- director:\n" + director.output() + ftp.logs());
        return r;
    }

    private void assertSameAsTheFile(Path copy) throws IOException {
        ftp.assertSameAsTheFile(copy);
    }

    /**
     * curl arguments for PASV that make curl connect where the 227 reply says, as FTP specifies:
     * curl's default since 7.74 is to ignore that address, which would leave the rewrite untested.
     */
    private static String[] pasv(String... args) {
        List<String> all = new ArrayList<>(List.of("--ftp-pasv", "--disable-epsv", "--no-ftp-skip-pasv-ip"));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private Path download(String label) {
        return ftp.work().resolve("download-" + label);
    }

    @Test
    void pasvListNamesTheFileAndTheUploadDirectory() {
        LabHost.Result r = curl(pasv(VIP_FTP));
        assertTrue(r.output().contains("< " + PASV_REPLY_WITH_VIP), r.output());
        // vsftpd's LIST lines are ls -l's: type and mode first, name last.
        assertTrue(r.output().lines().anyMatch(l -> l.startsWith("-rw-r--r--") && l.endsWith(" blob")), r.output());
        assertTrue(r.output().lines().anyMatch(l -> l.startsWith("drwxr-xr-x") && l.endsWith(" upload")), r.output());
    }

    @Test
    void pasvRetrieveIsByteIdentical() throws IOException {
        Path out = download("pasv");
        LabHost.Result r = curl(pasv("-o", out.toString(), VIP_FTP + "blob"));
        assertTrue(r.output().contains("< " + PASV_REPLY_WITH_VIP), r.output());
        assertSameAsTheFile(out);
    }

    @Test
    void epsvRetrieveIsByteIdentical() throws IOException {
        Path out = download("epsv");
        LabHost.Result r = curl("--ftp-pasv", "-o", out.toString(), VIP_FTP + "blob");
        assertTrue(r.output().contains("> EPSV") && r.output().contains("< 229"), r.output());
        assertFalse(r.output().contains("> PASV"), "no fallback to PASV: " + r.output());
        assertSameAsTheFile(out);
    }

    @Test
    void activePortRetrieveIsByteIdentical() throws IOException {
        Path out = download("port");
        LabHost.Result r = curl("-P", "-", "--disable-eprt", "-o", out.toString(), VIP_FTP + "blob");
        assertTrue(r.output().contains("> PORT ") && r.output().contains("< 200 PORT"), r.output());
        assertSameAsTheFile(out);
    }

    @Test
    void activeEprtRetrieveIsByteIdentical() throws IOException {
        Path out = download("eprt");
        LabHost.Result r = curl("-P", "-", "-o", out.toString(), VIP_FTP + "blob");
        assertTrue(r.output().contains("> EPRT ") && r.output().contains("< 200 EPRT"), r.output());
        assertFalse(r.output().contains("> PORT "), "no fallback to PORT: " + r.output());
        assertSameAsTheFile(out);
    }

    @Test
    void storeArrivesByteIdenticalOnTheRealServer() throws IOException {
        LabHost.Result r = curl("-T", ftp.file().toString(), VIP_FTP + "upload/stored");
        assertTrue(r.output().contains("> STOR stored") && r.output().contains("< 226"), r.output());
        List<Path> stored = FtpServers.REAL_SERVERS.stream().map(rs -> ftp.uploaded(rs, "stored"))
                .filter(Files::exists).toList();
        assertEquals(1, stored.size(), "stored on exactly one real server: " + stored);
        assertSameAsTheFile(stored.get(0));
    }

    @Test
    void lftpPassiveGetIsByteIdentical() throws IOException {
        Path out = download("lftp-passive");
        // The 227 address as given: no guessing it from the control connection.
        LabHost.Result r = lftp("set ftp:passive-mode on; set ftp:prefer-epsv no; set ftp:fix-pasv-address no; "
                + "set ftp:ignore-pasv-address no; get blob -o " + out);
        assertTrue(r.output().contains("<--- " + PASV_REPLY_WITH_VIP), r.output());
        assertSameAsTheFile(out);
    }

    @Test
    void lftpActiveGetIsByteIdentical() throws IOException {
        Path out = download("lftp-active");
        // No switch to passive mode when active fails.
        LabHost.Result r = lftp("set ftp:passive-mode off; set ftp:auto-passive-mode off; get blob -o " + out);
        assertTrue(r.output().contains("<--- 200 PORT"), r.output());
        assertFalse(r.output().contains("---> PASV"), "no passive transfer: " + r.output());
        assertSameAsTheFile(out);
    }
}
