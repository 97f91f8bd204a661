package org.actorvs.conn;

/**
 * The one lookup index of a {@link ConnectionTable}: linear probing over an int array, each slot
 * holding {@code tag << entryBits | (entry + 1)} (0 = empty). The tag is a few hash bits that the
 * entry number leaves free, so a probe skips most foreign slots without touching the entry arrays.
 * The array is about 1.5 times the table's capacity and not a power of two: the home slot comes from
 * Lemire's multiply-shift range reduction of the hash's high 32 bits. Deletion shifts the rest of the
 * probe run back (no tombstones), so lookups never slow down with churn.
 */
final class HashIndex {
    /** Recomputes an entry's key hash; deletion needs the home slot of each entry it shifts. */
    interface Rehasher {
        long hashOf(int entry);
    }

    private final int[] slots;
    private final int length;
    private final int entryBits;
    private final int entryMask;
    private final int tagMask;

    HashIndex(int capacity) {
        entryBits = 32 - Integer.numberOfLeadingZeros(capacity);
        entryMask = (1 << entryBits) - 1;
        tagMask = (int) ((1L << (32 - entryBits)) - 1);
        length = capacity + (capacity >>> 1) + 1;
        slots = new int[length];
    }

    int home(long hash) {
        return (int) (((hash >>> 32) * length) >>> 32);
    }

    int tag(long hash) {
        return (int) hash & tagMask;
    }

    int next(int pos) {
        int n = pos + 1;
        return n == length ? 0 : n;
    }

    int at(int pos) {
        return slots[pos];
    }

    int tagOf(int value) {
        return value >>> entryBits;
    }

    int entryOf(int value) {
        return (value & entryMask) - 1;
    }

    void add(long hash, int entry) {
        int pos = home(hash);
        while (slots[pos] != 0) {
            pos = next(pos);
        }
        slots[pos] = tag(hash) << entryBits | (entry + 1);
    }

    void remove(long hash, int entry, Rehasher rehasher) {
        int wanted = entry + 1;
        int pos = home(hash);
        while ((slots[pos] & entryMask) != wanted) {
            if (slots[pos] == 0) {
                return;
            }
            pos = next(pos);
        }
        int hole = pos;
        for (int j = next(pos); slots[j] != 0; j = next(j)) {
            // The entry at j may fill the hole only if the hole lies on its probe path (home .. j).
            int home = home(rehasher.hashOf(entryOf(slots[j])));
            if (distance(home, j) >= distance(hole, j)) {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = 0;
    }

    private int distance(int from, int to) {
        int d = to - from;
        return d < 0 ? d + length : d;
    }

    long footprintBytes() {
        return 4L * slots.length;
    }
}
