package org.actorvs.sync;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Bad sync input for the fuzz tests, seeded so that every run sees the same datagrams: one in four
 * random bytes (mostly with a consistent size field, often with a v1 header), the rest the real
 * kernel's messages (v1.pcap, v0.pcap) with a few bytes changed, bits flipped, or their end cut
 * or extended. Each datagram overwrites the last in one buffer.
 */
public final class SyncFuzzDatagrams {
    public static final int MAX_LENGTH = 2048;

    private final SplittableRandom random;
    private final List<byte[]> seeds;
    private final byte[] bytes = new byte[MAX_LENGTH];
    private final UnsafeBuffer buffer = new UnsafeBuffer(bytes);

    public SyncFuzzDatagrams(long seed) throws IOException {
        this.random = new SplittableRandom(seed);
        List<byte[]> kernel = new ArrayList<>(KernelCaptures.datagrams("v1.pcap"));
        kernel.addAll(KernelCaptures.datagrams("v0.pcap"));
        this.seeds = List.copyOf(kernel);
    }

    /** Makes the next datagram; returns its length. */
    public int next() {
        return random.nextInt(4) == 0 ? randomDatagram() : mutant();
    }

    /** The datagram {@link #next()} made, in place. */
    public UnsafeBuffer buffer() {
        return buffer;
    }

    /** A copy of the datagram {@link #next()} made, {@code length} bytes. */
    public byte[] copy(int length) {
        return Arrays.copyOf(bytes, length);
    }

    /** Random bytes, mostly with a consistent size field and often with a v1 header. */
    private int randomDatagram() {
        final SplittableRandom r = random;
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
        return fixSize(length);
    }

    /** A kernel message with a few bytes changed, bits flipped, or its end cut or extended. */
    private int mutant() {
        final SplittableRandom r = random;
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
        return fixSize(length);
    }

    /** Nine in ten get a size field that matches, so most reach the checks past it. */
    private int fixSize(int length) {
        if (length >= V0HeaderFlyweight.LENGTH && random.nextInt(10) != 0) {
            bytes[V0HeaderFlyweight.SIZE_OFFSET] = (byte) (length >>> 8);
            bytes[V0HeaderFlyweight.SIZE_OFFSET + 1] = (byte) length;
        }
        return length;
    }
}
