package org.actorvs.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/**
 * A million random and mutated datagrams through the decoder: it never throws, a refused message
 * never reaches the handler, and an accepted one reports exactly the entries it handed out.
 */
class SyncDecoderFuzzTest {
    private static final int DATAGRAMS = 1_000_000;

    @Test
    void randomAndMutatedDatagramsNeverThrowAndRefusedOnesDeliverNothing() throws IOException {
        SyncFuzzDatagrams datagrams = new SyncFuzzDatagrams(20_260_101);
        SyncMessageDecoder decoder = new SyncMessageDecoder(0);
        int[] calls = new int[1];
        SyncMessageDecoder.EntryHandler counter = new SyncMessageDecoder.EntryHandler() {
            @Override
            public void onEntry(SyncEntry entry) {
                calls[0]++;
            }

            @Override
            public void onSkipped(SyncEntry entry, int status) {
                calls[0]++;
            }
        };
        int[] byStatus = new int[SyncStatus.COUNT];
        long entries = 0;
        for (int i = 0; i < DATAGRAMS; i++) {
            int length = datagrams.next();
            calls[0] = 0;
            int status = decoder.decode(datagrams.buffer(), 0, length, counter);
            byStatus[status]++;
            if (status == SyncStatus.OK.code()) {
                assertEquals(decoder.delivered() + decoder.skipped(), calls[0]);
                assertTrue(calls[0] <= decoder.count());
                entries += calls[0];
            } else {
                assertEquals(0, calls[0], "refused message (" + SyncStatus.of(status) + ") delivered entries");
            }
        }
        int seen = 0;
        for (int count : byStatus) {
            seen += count > 0 ? 1 : 0;
        }
        // the mutations must reach deep into the checks, not stop at the size field
        assertTrue(seen >= SyncStatus.COUNT - 6, "statuses reached: " + java.util.Arrays.toString(byStatus));
        assertTrue(byStatus[SyncStatus.OK.code()] > DATAGRAMS / 10 && entries > DATAGRAMS);
    }
}
