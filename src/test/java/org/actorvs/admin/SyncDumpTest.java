package org.actorvs.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.SctpStates;
import org.actorvs.conn.Timeouts;
import org.actorvs.sync.SyncEntry;
import org.actorvs.sync.SyncProtocols;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncDumpTest {
    /** pcap header 24 + record header 16 + Ethernet 14 + IPv4 20 + UDP 8: the first sync payload. */
    private static final int FIRST_PAYLOAD = 24 + 16 + 14 + 20 + 8;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void dumpListsEveryEntryAsIpvsadmRowsIncludingWhatTheKernelBackupKept() throws Exception {
        assertEquals(0, run("sync-dump", fixture("v1.pcap").toString()));
        List<String> rows = rows(out);
        // 11 + 12 + 7 + 8 + 40 + 13 + 14 + 5 + 26 entries in the nine messages
        assertEquals(136, rows.size());
        assertEquals("TCP 15:00  ESTABLISHED 10.99.0.1:56094    10.99.0.10:80      10.99.0.24:8080", rows.get(0));
        List<String> dumped = new ArrayList<>();
        for (String row : rows) {
            dumped.add(withoutExpire(row));
        }
        for (String listed : Files.readAllLines(fixture("v1.backup-syncid0.txt"))) {
            if (listed.startsWith("TCP") || listed.startsWith("UDP")) {
                assertTrue(dumped.contains(withoutExpire(listed)), listed);
            }
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anSctpEntryIsListedWithTheKernelsShortStateNameAndTheTimeoutOfThatState() {
        SyncEntry sctp = new SyncEntry().connection(4, SyncProtocols.SCTP, ConnFlags.MASQ, SctpStates.SHUTDOWN_SENT)
                .client(0, 0x0A000001L, 40000).virtual(0, 0x0A000064L, 3868).destination(0, 0x0A000015L, 3868);
        assertEquals("SCTP 01:01  S-SENT      10.0.0.1:40000     10.0.0.100:3868    10.0.0.21:3868",
                SyncDump.row(sctp, new Timeouts()));
    }

    @Test
    void aTemplateInAStateBeyondAssuredIsListedAsErrForThreeMinutes() {
        SyncEntry template = new SyncEntry().connection(4, SyncProtocols.TCP, ConnFlags.TEMPLATE, 0x0102)
                .client(0, 0x0A000001L, 0).virtual(0, 0x0A000064L, 80).destination(0, 0x0A000015L, 80);
        assertEquals("TCP 03:00  ERR!        10.0.0.1:0         10.0.0.100:80      10.0.0.21:80",
                SyncDump.row(template, new Timeouts()));
    }

    @Test
    void syncIdOptionKeepsOnlyThatSyncIdsMessages() throws Exception {
        assertEquals(0, run("sync-dump", fixture("v1.pcap").toString(), "--syncid", "8"));
        assertEquals(5, rows(out).size());
        assertEquals(8, err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("ignoring syncid")).count());
    }

    @Test
    void malformedMessageIsReportedWithReasonAndOffsetAndDecodingContinues(@TempDir Path dir) throws Exception {
        byte[] pcap = Files.readAllBytes(fixture("v0.pcap"));
        pcap[FIRST_PAYLOAD + 2] ^= 0x01;
        Path broken = dir.resolve("broken.pcap");
        Files.write(broken, pcap);
        assertEquals(0, run("sync-dump", broken.toString()));
        String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(errors.startsWith("message 0 (frame 1, 10.99.0.2:"), errors);
        assertTrue(errors.contains("dropped: bogus message size at byte 2"), errors);
        // v0.pcap holds 8 messages with 93 entries; message 0 held 14
        assertEquals(93 - 14, rows(out).size());
    }

    @Test
    void verboseAddsHeadersAndFlags() throws Exception {
        assertEquals(0, run("sync-dump", fixture("v1.pcap").toString(), "--verbose"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("# message 0 (frame 1, 10.99.0.2:54243, 404 bytes): v1 syncid 7 size 404 count 11"), text);
        assertTrue(text.contains("flags 0x11100(MASQ|INACTIVE|TEMPLATE|NFCT) timeout 60 fwmark 0 pe sip kipvs-call-2@10.99.0.1"));
        assertTrue(text.contains("# 9 sync messages, 0 dropped, 136 entries, 0 skipped"));
    }

    @Test
    void otherTrafficIsIgnoredAndSyncFramesCutByTheCaptureAreReported() throws Exception {
        assertEquals(0, run("sync-dump", fixture("v1-run.traffic.pcap").toString()));
        String errors = err.toString(StandardCharsets.UTF_8);
        assertEquals(4, errors.lines().filter(l -> l.contains("cut short by the capture")).count(), errors);
        // the five sync frames the capture kept whole: messages 0, 1, 2, 3 and 7 of v1.pcap
        assertEquals(11 + 12 + 7 + 8 + 5, rows(out).size());
    }

    @Test
    void anUnknownCommandIsAnIpvsadmSyntaxError() {
        // Anything but a named tool is ipvsadm's command line, parsed before the director is asked.
        assertEquals(2, run("no-such-command"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("`no-such-command': not a command"));
    }

    @Test
    void aMissingOrUnreadableCaptureIsAnError() {
        assertEquals(2, run("sync-dump"));
        assertEquals(1, run("sync-dump", "/nonexistent.pcap"));
    }

    private int run(String... args) {
        return Actorvsadm.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static List<String> rows(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("#") && !l.startsWith("IPVS ") && !l.startsWith("pro ")).toList();
    }

    private static String withoutExpire(String row) {
        String[] f = row.trim().split("\\s+");
        return String.join(" ", Arrays.asList(f[0], f[2], f[3], f[4], f[5]));
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(SyncDumpTest.class.getResource("/sync/" + name).toURI());
    }
}
