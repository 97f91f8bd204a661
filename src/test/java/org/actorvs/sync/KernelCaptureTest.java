package org.actorvs.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Decoding and re-encoding the real kernel's sync messages, checked against what its backup listed. */
class KernelCaptureTest {
    /** The backup listed a few seconds after the replay: its expire column counts down from the timeout. */
    private static final long MAX_LISTING_DELAY_SECONDS = 10;

    @ParameterizedTest(name = "{0} to a backup with syncid {1}")
    @CsvSource({
        "v1.pcap, 7, v1.backup-syncid7.txt",
        "v1.pcap, 0, v1.backup-syncid0.txt",
        "v1.pcap, 8, v1.backup-syncid8.txt",
        "v0.pcap, 7, v0.backup-syncid7.txt",
    })
    void captureDecodesToWhatTheKernelBackupListed(String pcap, int syncId, String listingFile) throws IOException {
        BackupModel backup = replay(pcap, syncId);
        List<String[]> listing = KernelCaptures.listing(listingFile, 0);

        List<String> listed = new ArrayList<>();
        for (String[] row : listing) {
            listed.add(BackupModel.withoutExpire(row));
        }
        assertEquals(sorted(listed), sorted(backup.connections()));
        for (String[] row : listing) {
            long timeout = backup.timeoutSeconds(BackupModel.withoutExpire(row));
            long elapsed = timeout - BackupModel.expireSeconds(row);
            assertTrue(elapsed >= 0 && elapsed <= MAX_LISTING_DELAY_SECONDS,
                    String.join(" ", row) + " expires in " + row[1] + " but was given " + timeout + " s");
        }
    }

    @Test
    void sipTemplatesCarryThePeDataTheBackupListed() throws IOException {
        BackupModel backup = replay("v1.pcap", 7);
        List<String> listed = new ArrayList<>();
        for (String[] row : KernelCaptures.listing("v1.backup-syncid7.txt", 1)) {
            if (row.length == 8) {
                listed.add(BackupModel.withoutExpire(row) + " " + row[6] + " " + row[7]);
            }
        }
        assertEquals(2, listed.size());
        assertEquals(sorted(listed), sorted(backup.templatesWithPeData()));
    }

    @ParameterizedTest
    @CsvSource({"v1.pcap, 1", "v0.pcap, 0"})
    void everyKernelMessageReencodesToItsOwnBytes(String pcap, int version) throws IOException {
        List<byte[]> messages = KernelCaptures.datagrams(pcap);
        assertEquals(pcap.startsWith("v1") ? 9 : 8, messages.size());
        SyncMessageDecoder decoder = new SyncMessageDecoder(0);
        for (byte[] message : messages) {
            SyncMessageEncoder encoder = new SyncMessageEncoder(version, message[1] & 0xFF,
                    SyncLimits.masterMaxLength(0, false));
            int status = decoder.decode(new UnsafeBuffer(message), 0, message.length,
                    e -> assertTrue(encoder.append(e), "entry at byte " + e.offset() + " fits"));
            assertEquals(SyncStatus.OK.code(), status);
            assertEquals(version, decoder.version());
            byte[] encoded = new byte[encoder.length()];
            encoder.buffer().getBytes(0, encoded);
            assertArrayEquals(message, encoded);
        }
    }

    @Test
    void theKernelsFullMessageHasNoRoomForItsNextEntry() throws IOException {
        // message 4 (1448 bytes, 40 entries) was queued because entry 41 would pass 1472 bytes
        List<byte[]> messages = KernelCaptures.datagrams("v1.pcap");
        SyncMessageDecoder decoder = new SyncMessageDecoder(0);
        SyncMessageEncoder encoder = new SyncMessageEncoder(1, 7, SyncLimits.masterMaxLength(0, false));
        decoder.decode(new UnsafeBuffer(messages.get(4)), 0, messages.get(4).length, encoder::append);
        assertEquals(40, encoder.count());
        boolean[] appended = {true};
        decoder.decode(new UnsafeBuffer(messages.get(5)), 0, messages.get(5).length, e -> {
            if (e.offset() == V1HeaderFlyweight.LENGTH) {
                appended[0] = encoder.append(e);
            }
        });
        assertFalse(appended[0]);
        assertEquals(messages.get(4).length, encoder.length());
    }

    private static BackupModel replay(String pcap, int syncId) throws IOException {
        BackupModel backup = new BackupModel();
        SyncMessageDecoder decoder = new SyncMessageDecoder(syncId);
        for (byte[] message : KernelCaptures.datagrams(pcap)) {
            int status = decoder.decode(new UnsafeBuffer(message), 0, message.length, backup);
            boolean wanted = syncId == 0 || (message[1] & 0xFF) == syncId;
            assertEquals(wanted ? SyncStatus.OK.code() : SyncStatus.SYNC_ID_IGNORED.code(), status);
        }
        return backup;
    }

    private static List<String> sorted(List<String> rows) {
        List<String> copy = new ArrayList<>(rows);
        copy.sort(null);
        return copy;
    }
}
