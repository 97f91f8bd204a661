package org.actorvs.sched;

/**
 * The hash functions the kernel schedulers use, bit for bit, so that hash-based schedulers place a key
 * in the same bucket as a Linux director with the same destination list would.
 */
final class IpvsHash {
    /** GOLDEN_RATIO_32 of include/linux/hash.h (kernels since ~4.7). */
    static final int GOLDEN_RATIO_32 = 0x61C88647;

    private static final long SIP_V0 = 0x736f6d6570736575L;
    private static final long SIP_V1 = 0x646f72616e646f6dL;
    private static final long SIP_V2 = 0x6c7967656e657261L;
    private static final long SIP_V3 = 0x7465646279746573L;

    private IpvsHash() {
    }

    /** hash_32(): multiply by the golden ratio and keep the top {@code bits} bits. */
    static int hash32(final int value, final int bits) {
        return (value * GOLDEN_RATIO_32) >>> (32 - bits);
    }

    /**
     * The schedulers' addr_fold in host order: the IPv4 address, or the XOR of the four 32-bit words of
     * an IPv6 address (with hi = 0 and lo < 2^32 for IPv4 the XOR gives the same value).
     */
    static int addrFold(final int af, final long hi, final long lo) {
        if (af == 6) {
            return (int) (hi >>> 32) ^ (int) hi ^ (int) (lo >>> 32) ^ (int) lo;
        }
        return (int) lo;
    }

    /**
     * hsiphash() of a 4-byte message as a 64-bit kernel computes it (lib/siphash.c, BITS_PER_LONG == 64):
     * SipHash-1-3 with 64-bit key words, the message being the int's bytes in little-endian order (the
     * host order of the x86 and arm64 kernels), truncated to 32 bits.
     */
    static int hsiphash(final int message, final long k0, final long k1) {
        long v0 = SIP_V0 ^ k0;
        long v1 = SIP_V1 ^ k1;
        long v2 = SIP_V2 ^ k0;
        long v3 = SIP_V3 ^ k1;
        final long b = (4L << 56) | (message & 0xFFFF_FFFFL);

        v3 ^= b;
        // One compression round (SipHash-1-3), then the finalisation and three more rounds.
        for (int round = 0; round < 4; round++) {
            if (round == 1) {
                v0 ^= b;
                v2 ^= 0xFF;
            }
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return (int) (v0 ^ v1 ^ v2 ^ v3);
    }
}
