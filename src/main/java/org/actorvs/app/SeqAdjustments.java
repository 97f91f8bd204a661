package org.actorvs.app;

import java.util.Arrays;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.agrona.collections.Int2IntHashMap;

/**
 * The TCP sequence adjustments of connections whose payload a helper resized: the kernel's
 * cp->in_seq and cp->out_seq, each {init_seq, delta, previous_delta}. Kept beside the
 * {@link ConnectionTable}, keyed by connection index, because only the few helper-bound connections
 * ever have one; the table's IN_SEQ / OUT_SEQ flags say which directions are in use.
 *
 * <p>All arithmetic is modulo 2^32 on ints; comparisons are the kernel's wrap-safe before()/after().
 * Slots are reused after release; the arrays only grow (by doubling) when more connections than ever
 * before carry adjustments at once.
 */
public final class SeqAdjustments {
    /** Client-to-server data (cp->in_seq, flag IN_SEQ). */
    public static final int IN = 0;
    /** Server-to-client data (cp->out_seq, flag OUT_SEQ). */
    public static final int OUT = 1;

    private static final int INIT = 0;
    private static final int DELTA = 1;
    private static final int PREVIOUS = 2;
    private static final int PER_DIRECTION = 3;
    private static final int PER_SLOT = 2 * PER_DIRECTION;
    private static final int NONE = -1;

    private final Int2IntHashMap slotByConnection = new Int2IntHashMap(64, 0.65f, NONE);
    private int[] words = new int[16 * PER_SLOT];
    private int[] nextFree = new int[16];
    private int freeHead = NONE;
    private int slots;

    /** after(a, b) of the kernel: a is later than b, modulo 2^32. */
    public static boolean after(int a, int b) {
        return b - a < 0;
    }

    /** before(a, b) of the kernel: a is earlier than b, modulo 2^32. */
    public static boolean before(int a, int b) {
        return a - b < 0;
    }

    /**
     * vs_fix_seq(): a sequence number of the resized direction, moved by delta when it lies after the
     * last resized segment's original seq, else by previous_delta (a retransmission of that segment,
     * or anything older).
     */
    public static int fixSeq(int seq, int initSeq, int delta, int previousDelta) {
        if (delta == 0 && previousDelta == 0) {
            return seq;
        }
        return after(seq, initSeq) ? seq + delta : seq + previousDelta;
    }

    /**
     * vs_fix_ack_seq(): an acknowledgement of the resized direction's data, moved back: the peer
     * counts in rewritten bytes, so an ack beyond the resized segment's rewritten start (init_seq +
     * delta) loses delta, an older one previous_delta.
     */
    public static int fixAck(int ack, int initSeq, int delta, int previousDelta) {
        if (delta == 0 && previousDelta == 0) {
            return ack;
        }
        return after(ack, initSeq + delta) ? ack - delta : ack - previousDelta;
    }

    /** Whether the connection has adjustments (in either direction). */
    public boolean has(int connection) {
        return slotByConnection.get(connection) != NONE;
    }

    public int initSeq(int connection, int direction) {
        return word(connection, direction, INIT);
    }

    public int delta(int connection, int direction) {
        return word(connection, direction, DELTA);
    }

    public int previousDelta(int connection, int direction) {
        return word(connection, direction, PREVIOUS);
    }

    /**
     * Sets one direction's adjustment and its flag on the connection: what a sync backup does with the
     * master's seq options (v0 trailer / v1 option 1).
     */
    public void set(ConnectionTable table, int connection, int direction, int initSeq, int delta, int previousDelta) {
        int base = slotFor(connection) * PER_SLOT + direction * PER_DIRECTION;
        words[base + INIT] = initSeq;
        words[base + DELTA] = delta;
        words[base + PREVIOUS] = previousDelta;
        table.setFlags(connection, table.flags(connection) | flag(direction));
    }

    /**
     * vs_seq_update(): a helper changed a segment's length by {@code diff}; {@code seq} is the
     * segment's original sequence number. Only a segment later than the last resized one moves the
     * adjustment on; a retransmission of an older one must not count twice.
     */
    public void update(ConnectionTable table, int connection, int direction, int seq, int diff) {
        int flag = flag(direction);
        int base = slotFor(connection) * PER_SLOT + direction * PER_DIRECTION;
        if ((table.flags(connection) & flag) == 0 || after(seq, words[base + INIT])) {
            words[base + PREVIOUS] = words[base + DELTA];
            words[base + DELTA] += diff;
            words[base + INIT] = seq;
            table.setFlags(connection, table.flags(connection) | flag);
        }
    }

    /**
     * The sequence number {@code seq} of {@code direction}'s data as the receiver must see it. A
     * flag without an adjustment (a sync entry whose seq option was missing) changes nothing.
     */
    int fixSeq(int connection, int direction, int seq) {
        int slot = slotByConnection.get(connection);
        if (slot == NONE) {
            return seq;
        }
        int base = slot * PER_SLOT + direction * PER_DIRECTION;
        return fixSeq(seq, words[base + INIT], words[base + DELTA], words[base + PREVIOUS]);
    }

    /** An acknowledgement of {@code direction}'s data as its sender must see it. */
    int fixAck(int connection, int direction, int ack) {
        int slot = slotByConnection.get(connection);
        if (slot == NONE) {
            return ack;
        }
        int base = slot * PER_SLOT + direction * PER_DIRECTION;
        return fixAck(ack, words[base + INIT], words[base + DELTA], words[base + PREVIOUS]);
    }

    /** Forgets the connection's adjustments (it is being released). */
    public void free(int connection) {
        int slot = slotByConnection.remove(connection);
        if (slot != NONE) {
            nextFree[slot] = freeHead;
            freeHead = slot;
        }
    }

    /** Connections with adjustments now. */
    public int size() {
        return slotByConnection.size();
    }

    public static int flag(int direction) {
        return direction == IN ? ConnFlags.IN_SEQ : ConnFlags.OUT_SEQ;
    }

    private int word(int connection, int direction, int field) {
        int slot = slotByConnection.get(connection);
        return slot == NONE ? 0 : words[slot * PER_SLOT + direction * PER_DIRECTION + field];
    }

    private int slotFor(int connection) {
        int slot = slotByConnection.get(connection);
        if (slot != NONE) {
            return slot;
        }
        if (freeHead == NONE) {
            int grown = Math.max(16, slots * 2);
            words = Arrays.copyOf(words, grown * PER_SLOT);
            nextFree = Arrays.copyOf(nextFree, grown);
            for (int s = grown - 1; s >= slots; s--) {
                nextFree[s] = freeHead;
                freeHead = s;
            }
            slots = grown;
        }
        slot = freeHead;
        freeHead = nextFree[slot];
        Arrays.fill(words, slot * PER_SLOT, (slot + 1) * PER_SLOT, 0);
        slotByConnection.put(connection, slot);
        return slot;
    }
}
