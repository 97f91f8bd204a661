package org.actorvs.conn;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2IntHashMap;

/**
 * Persistence-engine data of templates (the kernel's cp->pe_data, a SIP Call-ID), kept beside the
 * {@link ConnectionTable} so that its entries stay 62 bytes: only templates of a persistence-engine
 * service have any, a small share of the entries.
 *
 * <p>Each datum takes one slot of up to {@link #MAX_LENGTH} bytes. Slots come in chunks of
 * {@value #CHUNK} allocated when the last one fills up, never more than the table's capacity in all,
 * and freed slots are reused: after warm-up nothing allocates. The entry-to-slot map is the only
 * per-datum lookup; the table calls it for templates only.
 */
final class PeDataStore {
    /** IP_VS_PEDATA_MAXLEN. */
    static final int MAX_LENGTH = 255;
    private static final int CHUNK = 1024;
    private static final int NONE = -1;

    private final int maxSlots;
    private final Int2IntHashMap slotByEntry;
    private byte[][] chunks = new byte[0][];
    private int[] length = new int[0];
    private int[] hash = new int[0];
    /** The next free slot of a free one. */
    private int[] next = new int[0];
    private int freeHead = NONE;
    private int slots;

    PeDataStore(int maxSlots) {
        this.maxSlots = maxSlots;
        this.slotByEntry = new Int2IntHashMap(CHUNK, 0.65f, NONE);
    }

    /** Stores a datum for {@code entry}; false when every slot the table may have is taken. */
    boolean attach(int entry, DirectBuffer src, int offset, int len, int dataHash) {
        if (len < 1 || len > MAX_LENGTH) {
            throw new IllegalArgumentException("persistence-engine data must be 1.." + MAX_LENGTH + " bytes: " + len);
        }
        if (freeHead == NONE && !grow()) {
            return false;
        }
        int slot = freeHead;
        freeHead = next[slot];
        src.getBytes(offset, chunks[slot / CHUNK], (slot % CHUNK) * MAX_LENGTH, len);
        length[slot] = len;
        hash[slot] = dataHash;
        slotByEntry.put(entry, slot);
        return true;
    }

    /** The slot holding {@code entry}'s datum, or -1. */
    int slotOf(int entry) {
        return slotByEntry.get(entry);
    }

    int hash(int slot) {
        return hash[slot];
    }

    int length(int slot) {
        return length[slot];
    }

    boolean equals(int slot, DirectBuffer src, int offset, int len) {
        if (length[slot] != len) {
            return false;
        }
        byte[] chunk = chunks[slot / CHUNK];
        int base = (slot % CHUNK) * MAX_LENGTH;
        for (int i = 0; i < len; i++) {
            if (chunk[base + i] != src.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }

    void copy(int slot, MutableDirectBuffer dst, int offset) {
        dst.putBytes(offset, chunks[slot / CHUNK], (slot % CHUNK) * MAX_LENGTH, length[slot]);
    }

    /** Frees {@code entry}'s datum, if it has one. */
    void free(int entry) {
        int slot = slotByEntry.remove(entry);
        if (slot != NONE) {
            next[slot] = freeHead;
            freeHead = slot;
        }
    }

    /** Data held now. */
    int size() {
        return slotByEntry.size();
    }

    long footprintBytes() {
        return (long) slots * (MAX_LENGTH + 12) + 8L * slotByEntry.capacity();
    }

    private boolean grow() {
        if (slots >= maxSlots) {
            return false;
        }
        int added = Math.min(CHUNK, maxSlots - slots);
        chunks = Arrays.copyOf(chunks, chunks.length + 1);
        chunks[chunks.length - 1] = new byte[added * MAX_LENGTH];
        length = Arrays.copyOf(length, slots + added);
        hash = Arrays.copyOf(hash, slots + added);
        next = Arrays.copyOf(next, slots + added);
        for (int s = slots + added - 1; s >= slots; s--) {
            next[s] = freeHead;
            freeHead = s;
        }
        slots += added;
        return true;
    }
}
