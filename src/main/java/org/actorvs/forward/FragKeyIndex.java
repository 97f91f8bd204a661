package org.actorvs.forward;

/**
 * Open-addressing (linear probing) index from a fragment-queue key to a reassembly slot. The
 * key is ipq's (src, dst, id, protocol), packed as {@code addrs = src << 32 | dst} and
 * {@code idProto = id << 8 | protocol}; keys are stored per slot, the table holds slot + 1.
 * The table is at least twice the slot count, so a probe always ends on an empty bucket.
 */
final class FragKeyIndex {
    private final int[] table;
    private final int mask;
    private final long[] slotAddrs;
    private final int[] slotIdProto;
    /**
     * Per-instance hash seed, as ipq hashing is keyed with a random secret (ipfrag_hash_rnd),
     * so a sender cannot pick (src, id) values that all land in one probe run.
     */
    private final long seed;

    FragKeyIndex(int slots, long seed) {
        int capacity = 2;
        while (capacity < 2 * slots) {
            capacity <<= 1;
        }
        table = new int[capacity];
        mask = capacity - 1;
        slotAddrs = new long[slots];
        slotIdProto = new int[slots];
        this.seed = seed;
    }

    static long addrs(int src, int dst) {
        return ((long) src << 32) | (dst & 0xFFFF_FFFFL);
    }

    static int idProto(int id, int protocol) {
        return (id << 8) | protocol;
    }

    /** The slot holding this key, or -1. */
    int find(long addrs, int idProto) {
        int i = bucket(addrs, idProto);
        for (int entry = table[i]; entry != 0; entry = table[i]) {
            final int slot = entry - 1;
            if (slotAddrs[slot] == addrs && slotIdProto[slot] == idProto) {
                return slot;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Adds a key known to be absent. */
    void insert(int slot, long addrs, int idProto) {
        slotAddrs[slot] = addrs;
        slotIdProto[slot] = idProto;
        int i = bucket(addrs, idProto);
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = slot + 1;
    }

    /** Removes a slot known to be present, closing the gap by backward shift (no tombstones). */
    void remove(int slot) {
        int hole = bucket(slotAddrs[slot], slotIdProto[slot]);
        while (table[hole] != slot + 1) {
            hole = (hole + 1) & mask;
        }
        int j = hole;
        while (true) {
            j = (j + 1) & mask;
            final int entry = table[j];
            if (entry == 0) {
                break;
            }
            final int home = bucket(slotAddrs[entry - 1], slotIdProto[entry - 1]);
            // The entry may fill the hole only if the hole lies on its probe path home..j.
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                table[hole] = entry;
                hole = j;
            }
        }
        table[hole] = 0;
    }

    private int bucket(long addrs, int idProto) {
        long h = (addrs ^ seed) * 0x9E37_79B9_7F4A_7C15L;
        h ^= (idProto & 0xFFFF_FFFFL) * 0xC2B2_AE3D_27D4_EB4FL;
        h ^= h >>> 29;
        h *= 0x94D0_49BB_1331_11EBL;
        h ^= h >>> 32;
        return (int) h & mask;
    }
}
