package org.actorvs.sync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.actorvs.admin.SyncDump;

/**
 * The real kernel's sync traffic and its backup's listings (src/test/resources/sync, copied from
 * the kernel-sync fixtures; README.md there tells how they were made).
 */
final class KernelCaptures {
    private KernelCaptures() {
    }

    static Path resource(String name) {
        try {
            return Path.of(KernelCaptures.class.getResource("/sync/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sync payloads of a capture, in order. */
    static List<byte[]> datagrams(String pcap) throws IOException {
        List<byte[]> out = new ArrayList<>();
        PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        SyncDump.forEachDatagram(resource(pcap), SyncDump.SYNC_PORT, (frame, src, srcPort, buffer, offset, length) -> {
            byte[] payload = new byte[length];
            buffer.getBytes(offset, payload);
            out.add(payload);
        }, err);
        return out;
    }

    /**
     * The rows of one {@code ipvsadm -L -c -n} table in a listing file: the {@code section}-th
     * table (0 = plain, 1 = --persistent-conn), each row split on blanks.
     */
    static List<String[]> listing(String file, int section) throws IOException {
        List<String[]> rows = new ArrayList<>();
        int table = -1;
        for (String line : Files.readAllLines(resource(file))) {
            if (line.equals("IPVS connection entries")) {
                table++;
            } else if (line.startsWith("###")) {
                if (table == section) {
                    break;
                }
            } else if (table == section && !line.startsWith("pro ") && !line.isBlank()) {
                rows.add(line.trim().split("\\s+"));
            }
        }
        return rows;
    }
}
