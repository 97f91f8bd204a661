package org.actorvs.ha;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Bad VRRP input for the fuzz tests, seeded so that every run sees the same frames: adverts a
 * peer of the router under test sends, each mutated by bit flips, a VRRP field set at random and
 * the checksums fixed, a cut, padding, or pure noise. Each frame overwrites the last in one buffer.
 */
final class VrrpFuzzFrames {
    /** Room for the largest mutant: seeds are about 60 bytes, padding grows them up to this. */
    static final int MAX_LENGTH = 128;

    private final SplittableRandom random;
    private final byte[][] seeds;
    private final byte[] bytes = new byte[MAX_LENGTH];
    private final UnsafeBuffer buffer = new UnsafeBuffer(bytes);

    /** Mutants of the adverts a peer of {@code ours} sends (see {@link #seeds}). */
    VrrpFuzzFrames(VrrpConfig ours, long seed) {
        this.random = new SplittableRandom(seed);
        this.seeds = seeds(ours);
    }

    /**
     * The peer's adverts at priorities above, below and 0 (leaving), and two it should not accept:
     * one of the other VRRP version, and (v2) one with a password or (v3, which has no
     * authentication) one advertising twice our interval, which a backup adopts.
     */
    private static byte[][] seeds(VrrpConfig ours) {
        final VrrpConfig peer = Adverts.peerConfig(ours);
        final boolean v2 = ours.version() == VrrpFlyweight.VERSION_2;
        final VrrpConfig otherVersion = v2 ? ours.withVersion(3, 100) : ours.withVersion(2, 100);
        final VrrpConfig odd = v2 ? ours.withPassword("pw") : ours.withVersion(3, 2 * ours.intervalCentis());
        return new byte[][] {Adverts.from(peer, 150), Adverts.from(peer, 50), Adverts.from(peer, 0),
            Adverts.from(Adverts.peerConfig(otherVersion), 150), Adverts.from(Adverts.peerConfig(odd), 150)};
    }

    /** Makes the next frame; returns its length. */
    int next() {
        return mutate(seeds[random.nextInt(seeds.length)]);
    }

    /** The frame {@link #next()} made, in place. */
    UnsafeBuffer buffer() {
        return buffer;
    }

    /** A copy of the frame {@link #next()} made, {@code length} bytes. */
    byte[] copy(int length) {
        return Arrays.copyOf(bytes, length);
    }

    private int mutate(byte[] seed) {
        final SplittableRandom r = random;
        final byte[] out = bytes;
        System.arraycopy(seed, 0, out, 0, seed.length);
        int length = seed.length;
        switch (r.nextInt(6)) {
            case 0 -> {
                for (int n = 1 + r.nextInt(4); n > 0; n--) {
                    out[r.nextInt(length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> {
                // A VRRP field at random, sealed: reaches the semantic checks and the router.
                out[Adverts.VRRP + r.nextInt(8)] = (byte) r.nextInt(256);
                reseal(length);
            }
            case 2 -> length = r.nextInt(length + 1);
            case 3 -> {
                length = Math.min(out.length, length + r.nextInt(out.length - length + 1));
                for (int i = seed.length; i < length; i++) {
                    out[i] = (byte) r.nextInt(256);
                }
            }
            case 4 -> {
                length = r.nextInt(out.length + 1);
                for (int i = 0; i < length; i++) {
                    out[i] = (byte) r.nextInt(256);
                }
            }
            default -> {
                // Untouched or re-prioritised valid adverts keep the router moving between states.
                out[Adverts.VRRP + VrrpFlyweight.PRIORITY_OFFSET] = (byte) r.nextInt(256);
                reseal(length);
            }
        }
        return length;
    }

    private void reseal(int length) {
        System.arraycopy(Adverts.reseal(copy(length)), 0, bytes, 0, length);
    }
}
