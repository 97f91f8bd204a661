package org.actorvs.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * A million random and mutated datagrams through the decoder: it never throws, a refused message
 * never reaches the handler, and an accepted one reports exactly the entries it handed out.
 */
class SyncDecoderFuzzTest {
    private static final int DATAGRAMS = 1_000_000;
    private static final int MAX_LENGTH = 2048;

    @Test
    void randomAndMutatedDatagramsNeverThrowAndRefusedOnesDeliverNothing() throws IOException {
        List<byte[]> seeds = new ArrayList<>(KernelCaptures.datagrams("v1.pcap"));
        seeds.addAll(KernelCaptures.datagrams("v0.pcap"));
        SplittableRandom random = new SplittableRandom(20_260_101);
        byte[] bytes = new byte[MAX_LENGTH];
        UnsafeBuffer buffer = new UnsafeBuffer(bytes);
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
            int length = random.nextInt(4) == 0 ? randomDatagram(random, bytes) : mutant(random, seeds, bytes);
            calls[0] = 0;
            int status = decoder.decode(buffer, 0, length, counter);
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

    /** Random bytes, mostly with a consistent size field and often with a v1 header. */
    private static int randomDatagram(SplittableRandom r, byte[] bytes) {
        int length = r.nextInt(600);
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) r.nextInt(256);
        }
        if (length >= V1HeaderFlyweight.LENGTH && r.nextBoolean()) {
            bytes[V1HeaderFlyweight.RESERVED_OFFSET] = 0;
            bytes[V1HeaderFlyweight.VERSION_OFFSET] = V1HeaderFlyweight.VERSION;
            bytes[V1HeaderFlyweight.SPARE_OFFSET] = 0;
            bytes[V1HeaderFlyweight.SPARE_OFFSET + 1] = 0;
            bytes[V1HeaderFlyweight.COUNT_OFFSET] = (byte) r.nextInt(8);
        }
        return fixSize(r, bytes, length);
    }

    /** A kernel message with a few bytes changed, bits flipped, or its end cut or extended. */
    private static int mutant(SplittableRandom r, List<byte[]> seeds, byte[] bytes) {
        byte[] seed = seeds.get(r.nextInt(seeds.size()));
        System.arraycopy(seed, 0, bytes, 0, seed.length);
        int length = seed.length;
        for (int m = 1 + r.nextInt(4); m > 0; m--) {
            switch (r.nextInt(4)) {
                case 0 -> bytes[r.nextInt(length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> bytes[r.nextInt(length)] = (byte) r.nextInt(256);
                case 2 -> length = Math.max(0, length - 1 - r.nextInt(40));
                default -> {
                    int grow = Math.min(MAX_LENGTH - length, 1 + r.nextInt(40));
                    for (int i = 0; i < grow; i++) {
                        bytes[length + i] = (byte) r.nextInt(256);
                    }
                    length += grow;
                }
            }
            if (length == 0) {
                break;
            }
        }
        return fixSize(r, bytes, length);
    }

    private static int fixSize(SplittableRandom r, byte[] bytes, int length) {
        if (length >= V0HeaderFlyweight.LENGTH && r.nextInt(10) != 0) {
            bytes[V0HeaderFlyweight.SIZE_OFFSET] = (byte) (length >>> 8);
            bytes[V0HeaderFlyweight.SIZE_OFFSET + 1] = (byte) length;
        }
        return length;
    }
}
