package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.actorvs.lab.LabHost;
import org.actorvs.sync.SyncEntry;
import org.actorvs.sync.SyncMessageDecoder;
import org.actorvs.sync.SyncStatus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code actorvs replay --sync-out}: the real Linux 6.1 run (kernel-v1.conf, v1-run.traffic.pcap)
 * replayed with a sync master writing its datagrams to a capture, checked against the kernel
 * master's own datagrams of that run (src/test/resources/sync/v1.pcap, the same 9 datagrams at
 * full length) and read back with tshark's IPVS dissector.
 */
class SyncReplayTest {
    private static final Path CAPTURE = Path.of("src/test/resources/replay/v1-run.traffic.pcap");
    private static final Path CONFIG = Path.of("src/test/resources/replay/kernel-v1.conf");
    private static final Path KERNEL_SYNC = Path.of("src/test/resources/sync/v1.pcap");
    private static final int SYNC_PORT = 8848;
    private static final int UDP_PAYLOAD = 42;

    @TempDir
    static Path dir;
    private static Path syncOut;

    @BeforeAll
    static void replay() {
        syncOut = dir.resolve("sync.pcap");
        assertEquals(0, replay(dir.resolve("out.pcap"), syncOut));
    }

    private static int replay(Path out, Path sync) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(text, true, StandardCharsets.UTF_8);
        int status = Main.run(new String[] {"replay", "--config", CONFIG.toString(), "--in", CAPTURE.toString(),
            "--out", out.toString(), "--sync-out", sync.toString()}, print, print);
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("sync messages out: "), text.toString());
        return status;
    }

    @Test
    void theReplaySyncsExactlyTheConnectionsTheKernelSynced() throws IOException {
        Set<String> kernel = connections(datagrams(KERNEL_SYNC));
        Set<String> ours = connections(datagrams(syncOut));
        assertEquals(44, kernel.size());
        assertEquals(kernel, ours);
    }

    @Test
    void everyMessageIsAValidVersion1MessageWithinTheDefaultMaxlen() throws IOException {
        SyncMessageDecoder decoder = new SyncMessageDecoder(0);
        List<byte[]> messages = datagrams(syncOut);
        assertFalse(messages.isEmpty());
        for (byte[] m : messages) {
            assertEquals(SyncStatus.OK.code(), decoder.decode(new UnsafeBuffer(m), 0, m.length, e -> { }));
            assertEquals(1, decoder.version());
            assertEquals(0, decoder.skipped());
            assertTrue(m.length <= 1472, "message of " + m.length + " bytes");
        }
    }

    @Test
    void replayingTwiceWritesTheSameSyncBytes() throws IOException {
        Path again = dir.resolve("again.pcap");
        assertEquals(0, replay(dir.resolve("out2.pcap"), again));
        assertArrayEquals(Files.readAllBytes(syncOut), Files.readAllBytes(again));
    }

    /**
     * tshark sees IPVS v1 with our counts. Its dissector (Wireshark 4.0, packet-ipvs-syncd.c) steps
     * over every v1 entry by the fixed 36 or 72 bytes and never reads options, so the entries after
     * one carrying options (the SIP templates' PE data) are read from the wrong place: those
     * messages are checked up to the first such entry (or the first IPv6 one, left out here); every other message must dissect without a
     * malformed-packet error and list exactly our connections.
     */
    @Test
    void tsharkDecodesEveryMessageAsIpvsAndListsOurConnections() throws IOException {
        LabHost.requireTool("/usr/bin/tshark");
        LabHost.Result r = LabHost.run(List.of("tshark", "-n", "-r", syncOut.toString(), "-T", "fields",
                "-E", "occurrence=a", "-e", "frame.protocols", "-e", "ipvs.conncount", "-e", "ipvs.caddr",
                "-e", "ipvs.cport", "-e", "ipvs.vaddr", "-e", "ipvs.vport", "-e", "ipvs.daddr", "-e", "ipvs.dport",
                "-e", "_ws.malformed"), 60);
        assertEquals(0, r.exitCode(), r.output());
        List<String[]> lines = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            if (line.startsWith("eth:")) {
                lines.add(line.split("\t", -1));
            }
        }
        List<byte[]> messages = datagrams(syncOut);
        assertEquals(messages.size(), lines.size());
        int clean = 0;
        for (int i = 0; i < messages.size(); i++) {
            String[] f = lines.get(i);
            assertTrue(f[0].endsWith(":udp:ipvs"), f[0]);
            List<String[]> ours = fixedParts(messages.get(i));
            assertEquals(String.valueOf(ours.size()), f[1]);
            int upTo = firstWithOptions(messages.get(i));
            String[][] theirs = {split(f[2]), split(f[3]), split(f[4]), split(f[5]), split(f[6]), split(f[7])};
            for (int e = 0; e < Math.min(upTo, ours.size()); e++) {
                for (int field = 0; field < 6; field++) {
                    assertEquals(ours.get(e)[field], theirs[field][e], "message " + (i + 1) + " entry " + (e + 1));
                }
            }
            if (upTo == Integer.MAX_VALUE) {
                assertEquals("", f[8], "message " + (i + 1) + " is malformed to tshark");
                clean++;
            }
        }
        assertTrue(clean >= messages.size() / 2, clean + " of " + messages.size() + " messages carry no options");
    }

    private static String[] split(String field) {
        return field.split(",", -1);
    }

    /** (caddr, cport, vaddr, vport, daddr, dport) of each IPv4 entry, as text. */
    private static List<String[]> fixedParts(byte[] m) {
        List<String[]> out = new ArrayList<>();
        new SyncMessageDecoder(0).decode(new UnsafeBuffer(m), 0, m.length, e -> out.add(new String[] {
            ip(e.caddrLo()), String.valueOf(e.cport()), ip(e.vaddrLo()), String.valueOf(e.vport()), ip(e.daddrLo()),
            String.valueOf(e.dport())}));
        return out;
    }

    /** The index of the first entry with options (or IPv6, which this check leaves out), MAX_VALUE for none. */
    private static int firstWithOptions(byte[] m) {
        int[] first = {Integer.MAX_VALUE};
        int[] index = {0};
        new SyncMessageDecoder(0).decode(new UnsafeBuffer(m), 0, m.length, e -> {
            if (first[0] == Integer.MAX_VALUE && (e.af() != 4 || e.peDataLength() > 0 || e.hasSeq())) {
                first[0] = index[0];
            }
            index[0]++;
        });
        return first[0];
    }

    private static String ip(long v4) {
        return (v4 >>> 24 & 0xFF) + "." + (v4 >>> 16 & 0xFF) + "." + (v4 >>> 8 & 0xFF) + "." + (v4 & 0xFF);
    }

    private static Set<String> connections(List<byte[]> messages) {
        Set<String> out = new TreeSet<>();
        SyncMessageDecoder decoder = new SyncMessageDecoder(0);
        for (byte[] m : messages) {
            decoder.decode(new UnsafeBuffer(m), 0, m.length, (SyncEntry e) -> out.add(key(e)));
        }
        return out;
    }

    private static String key(SyncEntry e) {
        return e.protocol() + " " + address(e.af(), e.caddrHi(), e.caddrLo()) + ":" + e.cport() + " "
                + address(e.af(), e.vaddrHi(), e.vaddrLo()) + ":" + e.vport() + " "
                + address(e.af(), e.daddrHi(), e.daddrLo()) + ":" + e.dport() + (e.template() ? " template" : "");
    }

    private static String address(int af, long hi, long lo) {
        ByteBuffer b = ByteBuffer.allocate(af == 4 ? 4 : 16);
        if (af == 4) {
            b.putInt((int) lo);
        } else {
            b.putLong(hi).putLong(lo);
        }
        try {
            return InetAddress.getByAddress(b.array()).getHostAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The UDP payloads to port 8848 of a classic little-endian pcap of untagged Ethernet/IPv4 frames. */
    static List<byte[]> datagrams(Path pcap) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(24);
        List<byte[]> out = new ArrayList<>();
        while (b.remaining() >= 16) {
            b.getInt();
            b.getInt();
            int captured = b.getInt();
            b.getInt();
            byte[] frame = new byte[captured];
            b.get(frame);
            ByteBuffer f = ByteBuffer.wrap(frame);
            if (captured > UDP_PAYLOAD && f.getShort(12) == 0x0800 && frame[23] == 17
                    && (f.getShort(36) & 0xFFFF) == SYNC_PORT) {
                out.add(java.util.Arrays.copyOfRange(frame, UDP_PAYLOAD, captured));
            }
        }
        return out;
    }
}
