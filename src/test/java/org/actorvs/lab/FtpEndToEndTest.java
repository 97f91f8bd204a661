package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
    private static final String PASV_REPLY_WITH_VIP = "227 Entering Passive Mode (10,77,0,100,";
    private static final List<String> REAL_SERVERS = List.of("r1", "r2", "r3");

    private final String name = "avtf" + ThreadLocalRandom.current().nextInt(1000, 10000);
    private final Path script = LabHost.repository().resolve("deploy/lab/lab.sh");
    private final List<Process> ftpServers = new ArrayList<>();
    private Path work;
    private Path file;
    private LabProcess director;

    @BeforeAll
    void lab() throws IOException {
        LabHost.requireNamespaces();
        // World-traversable: vsftpd reads the anonymous root as the unprivileged ftp user.
        work = Files.createTempDirectory("actorvs-ftp", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        file = work.resolve("blob");
        byte[] bytes = new byte[FILE_BYTES];
        ThreadLocalRandom.current().nextBytes(bytes);
        Files.write(file, bytes);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        // vsftpd's defaults for these: its chroot jail and its unprivileged user.
        Files.createDirectories(Path.of("/var/run/vsftpd/empty"));
        for (String tool : List.of("/usr/sbin/vsftpd", "/usr/bin/lftp")) {
            assertTrue(Files.isExecutable(Path.of(tool)), tool + " is missing: deploy/install-deps.sh installs it");
        }
        for (String user : List.of("ftp", "nobody")) {
            LabHost.Result id = LabHost.run(List.of("id", user), 10);
            assertEquals(0, id.exitCode(), "vsftpd needs the user " + user + ": " + id.output());
        }

        LabHost.Result up = LabHost.run(List.of(script.toString(), "up", "--topology", "nat", "--name", name), 180);
        assertEquals(0, up.exitCode(), up.output());
        for (String rs : REAL_SERVERS) {
            ftpServers.add(startVsftpd(rs));
        }
        Path rules = Files.writeString(work.resolve("ftp.rules"), String.join("\n", "-A -t 10.77.0.100:21 -s rr",
                "-a -t 10.77.0.100:21 -r 10.78.0.21:21 -m",
                "-a -t 10.77.0.100:21 -r 10.78.0.22:21 -m",
                "-a -t 10.77.0.100:21 -r 10.78.0.23:21 -m", ""));
        String conf = Files.readString(LabHost.repository().resolve("conf/examples/nat.conf"), StandardCharsets.UTF_8)
                .replace("rules-file = \"lab-nat.rules\"", "rules-file = \"" + rules + "\"");
        director = LabProcess.director(name + "d1", Files.writeString(work.resolve("nat.conf"), conf));
    }

    @AfterAll
    void down() throws IOException {
        try {
            if (director != null) {
                director.close();
            }
            for (Process p : ftpServers) {
                p.destroy();
                if (!waitFor(p, 5)) {
                    p.destroyForcibly();
                    waitFor(p, 5);
                }
            }
        } finally {
            LabHost.run(List.of(script.toString(), "down", "--name", name), 120);
            if (work != null) {
                try (Stream<Path> all = Files.walk(work)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /**
     * vsftpd standalone in the real server's namespace, in the foreground as this test's child. Its
     * anonymous root holds the file and an upload directory: the root itself stays root's, since
     * vsftpd refuses a chroot root the ftp user could write.
     */
    private Process startVsftpd(String rs) throws IOException {
        Path dir = Files.createDirectory(work.resolve(rs));
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createLink(root.resolve("blob"), file);
        Path upload = Files.createDirectory(root.resolve("upload"));
        Files.setPosixFilePermissions(upload, PosixFilePermissions.fromString("rwxr-xr-x"));
        UserPrincipal ftp = upload.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("ftp");
        Files.setOwner(upload, ftp);
        // connect_from_port_20 is vsftpd's default made explicit: the helper's active-mode entry is
        // for RS:(port-1), as ip_vs_ftp's. pasv_address stays unset: the helper rewrites the 227.
        Path conf = Files.writeString(dir.resolve("vsftpd.conf"), String.join("\n",
                "listen=YES", "listen_ipv6=NO", "background=NO",
                "anonymous_enable=YES", "no_anon_password=YES", "local_enable=NO", "anon_root=" + root,
                "write_enable=YES", "anon_upload_enable=YES", "anon_other_write_enable=YES", "anon_umask=022",
                "pasv_enable=YES", "port_enable=YES", "connect_from_port_20=YES",
                "secure_chroot_dir=/var/run/vsftpd/empty",
                "xferlog_enable=YES", "log_ftp_protocol=YES", "vsftpd_log_file=" + dir.resolve("vsftpd.log"),
                ""));
        Process p = new ProcessBuilder("ip", "netns", "exec", name + rs, "vsftpd", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            LabHost.Result ss = LabHost.run(List.of("ip", "netns", "exec", name + rs, "ss", "-Hltn", "sport = :21"),
                    10);
            if (ss.output().contains(":21")) {
                return p;
            }
            if (!p.isAlive()) {
                break;
            }
            LabProcess.sleep(100);
        }
        p.destroyForcibly();
        throw new AssertionError("vsftpd in " + name + rs + " is not listening on port 21: "
                + Files.readString(dir.resolve("stdout.log"), StandardCharsets.UTF_8));
    }

    private static boolean waitFor(Process p, int seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
        assertEquals(0, r.exitCode(), r.output() + "\n--- director:\n" + director.output() + serverLogs());
        return r;
    }

    /** The real servers' FTP dialogues (log_ftp_protocol), for a failure's message. */
    private String serverLogs() {
        StringBuilder logs = new StringBuilder();
        for (String rs : REAL_SERVERS) {
            Path log = work.resolve(rs).resolve("vsftpd.log");
            try {
                logs.append("\n--- vsftpd in ").append(rs).append(":\n")
                        .append(Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)");
            } catch (IOException e) {
                logs.append("(unreadable: ").append(e).append(')');
            }
        }
        return logs.toString();
    }

    private void assertSameAsTheFile(Path copy) throws IOException {
        assertEquals(FILE_BYTES, Files.size(copy), "size of " + copy);
        assertEquals(-1L, Files.mismatch(file, copy), "first differing byte of " + copy);
        Files.delete(copy);
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
        return work.resolve("download-" + label);
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
        LabHost.Result r = curl("-T", file.toString(), VIP_FTP + "upload/stored");
        assertTrue(r.output().contains("> STOR stored") && r.output().contains("< 226"), r.output());
        List<Path> stored = REAL_SERVERS.stream().map(rs -> work.resolve(rs).resolve("root/upload/stored"))
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
