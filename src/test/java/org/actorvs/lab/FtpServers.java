package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * vsftpd on the NAT lab's three real servers (namespaces {@code <lab name>r1..r3}, addresses
 * 10.78.0.21..23), each serving the same random file "blob" anonymously, plus an upload directory.
 * Closing it stops the servers and removes its folder.
 */
final class FtpServers implements AutoCloseable {
    static final List<String> REAL_SERVERS = List.of("r1", "r2", "r3");
    /** The ipvsadm rules of one NAT service on the VIP's port 21 over the three real servers, rr. */
    static final String RULES = String.join("\n", "-A -t 10.77.0.100:21 -s rr",
            "-a -t 10.77.0.100:21 -r 10.78.0.21:21 -m",
            "-a -t 10.77.0.100:21 -r 10.78.0.22:21 -m",
            "-a -t 10.77.0.100:21 -r 10.78.0.23:21 -m", "");

    private final String lab;
    private final Path work;
    private final Path file;
    private final int fileBytes;
    private final List<Process> servers = new ArrayList<>();

    private FtpServers(String lab, Path work, Path file, int fileBytes) {
        this.lab = lab;
        this.work = work;
        this.file = file;
        this.fileBytes = fileBytes;
    }

    /** Writes a random file of {@code fileBytes} and starts vsftpd on r1..r3 of the lab {@code lab}. */
    static FtpServers start(String lab, int fileBytes) throws IOException {
        for (String tool : List.of("/usr/sbin/vsftpd", "/usr/bin/lftp")) {
            assertTrue(Files.isExecutable(Path.of(tool)), tool + " is missing: deploy/install-deps.sh installs it");
        }
        for (String user : List.of("ftp", "nobody")) {
            LabHost.Result id = LabHost.run(List.of("id", user), 10);
            assertEquals(0, id.exitCode(), "vsftpd needs the user " + user + ": " + id.output());
        }
        // World-traversable: vsftpd reads the anonymous root as the unprivileged ftp user.
        Path work = Files.createTempDirectory("actorvs-ftp", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Path file = work.resolve("blob");
        byte[] bytes = new byte[fileBytes];
        ThreadLocalRandom.current().nextBytes(bytes);
        Files.write(file, bytes);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        // vsftpd's defaults for these: its chroot jail and its unprivileged user.
        Files.createDirectories(Path.of("/var/run/vsftpd/empty"));
        FtpServers servers = new FtpServers(lab, work, file, fileBytes);
        try {
            for (String rs : REAL_SERVERS) {
                servers.servers.add(servers.startVsftpd(rs));
            }
        } catch (IOException | RuntimeException | Error e) {
            servers.close();
            throw e;
        }
        return servers;
    }

    /** The file every server serves as "blob". */
    Path file() {
        return file;
    }

    /** A world-traversable scratch folder, removed on close. */
    Path work() {
        return work;
    }

    /** A copy of the file that a real server received as upload/{@code name}. */
    Path uploaded(String rs, String name) {
        return work.resolve(rs).resolve("root/upload").resolve(name);
    }

    /** Asserts that {@code copy} holds the file, byte for byte, and deletes it. */
    void assertSameAsTheFile(Path copy) throws IOException {
        assertEquals(fileBytes, Files.size(copy), "size of " + copy);
        assertEquals(-1L, Files.mismatch(file, copy), "first differing byte of " + copy);
        Files.delete(copy);
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
        Process p = new ProcessBuilder("ip", "netns", "exec", lab + rs, "vsftpd", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            LabHost.Result ss = LabHost.run(List.of("ip", "netns", "exec", lab + rs, "ss", "-Hltn", "sport = :21"),
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
        throw new AssertionError("vsftpd in " + lab + rs + " is not listening on port 21: "
                + Files.readString(dir.resolve("stdout.log"), StandardCharsets.UTF_8));
    }

    /** The real servers' FTP dialogues (log_ftp_protocol), for a failure's message. */
    String logs() {
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

    @Override
    public void close() throws IOException {
        for (Process p : servers) {
            p.destroy();
            if (!waitFor(p, 5)) {
                p.destroyForcibly();
                waitFor(p, 5);
            }
        }
        try (Stream<Path> all = Files.walk(work)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static boolean waitFor(Process p, int seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
