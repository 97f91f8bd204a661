package org.actorvs.forward;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One shard's packets waiting for their next hop's MAC: the kernel's per-neighbour arp_queue
 * (__neigh_event_send()), for every next hop the shard is resolving. Not thread-safe; allocates
 * nothing after construction.
 *
 * <p>Packets are copied into preallocated blocks ({@link FragBlockPool}); each neighbour, keyed by
 * (port, af, next hop), is a FIFO of packet records. Two bounds, as the kernel has one and the
 * director needs the other:
 * <ul>
 * <li>per neighbour, {@link #NEIGHBOUR_BYTES} (arp_tbl's unres_qlen_bytes, SK_WMEM_MAX): a packet
 * that would go over it pushes out the oldest first, counted ({@link #evicted()}, the kernel's
 * unres_discards). The kernel charges skb-&gt;truesize; here a packet costs the whole blocks it
 * occupies, which is likewise a little more than its length.</li>
 * <li>in total, the pool's blocks, and at most a fixed number of neighbours: a packet that does
 * not fit is not held ({@link #refused()}), its caller drops it.</li>
 * </ul>
 *
 * <p>Why a slab of small blocks and not a ring: neighbours resolve in any order, and a ring would
 * keep the space of every packet behind the oldest one still waiting (a neighbour that takes 3 s to
 * fail) until that one went.
 */
public final class NeighbourQueue {
    /** arp_tbl's default unres_qlen_bytes (NEIGH_VAR_QUEUE_LEN_BYTES = SK_WMEM_MAX). */
    public static final int NEIGHBOUR_BYTES = 212_992;
    /** Next hops one shard resolves at once; the kernel's gc_thresh3 bounds a whole table at 1024. */
    public static final int DEFAULT_NEIGHBOURS = 256;
    static final int NONE = -1;
    /** {@link #add} results. */
    static final int REFUSED = 0;
    static final int QUEUED = 1;
    /** Queued, and the first packet for that next hop: its resolution is to be asked for. */
    static final int QUEUED_FIRST = 2;

    private static final int NEIGHBOUR_BLOCKS = NEIGHBOUR_BYTES / FragBlockPool.BLOCK_SIZE;

    private final FragBlockPool pool;
    // Neighbour slots; a slot is in use while it holds a packet (head != NONE).
    private final int[] slotPort;
    private final int[] slotAf;
    private final long[] slotHi;
    private final long[] slotLo;
    private final int[] slotHead;
    private final int[] slotTail;
    private final int[] slotBlocks;
    /** Slots at and beyond this are free: lookups, per packet while anything waits, stop here. */
    private int slotsTouched;
    // Packet records: every packet takes at least one block, so there are as many as blocks.
    private final int[] recordBlock;
    private final int[] recordLength;
    private final int[] recordNext;
    private final byte[] recordAf;
    private final boolean[] recordFromDirector;
    private int freeRecord;
    private int packets;
    private long queued;
    private long sent;
    private long evicted;
    private long refused;
    private long failed;

    /**
     * @param totalBytes  the shard's whole budget (rounded down to whole blocks)
     * @param neighbours  next hops held at once
     */
    NeighbourQueue(int totalBytes, int neighbours) {
        int blocks = totalBytes / FragBlockPool.BLOCK_SIZE;
        if (blocks < 1 || neighbours < 1) {
            throw new IllegalArgumentException("neighbour queue of " + totalBytes + " bytes for " + neighbours
                    + " neighbours");
        }
        pool = new FragBlockPool(blocks);
        slotPort = new int[neighbours];
        slotAf = new int[neighbours];
        slotHi = new long[neighbours];
        slotLo = new long[neighbours];
        slotHead = new int[neighbours];
        slotTail = new int[neighbours];
        slotBlocks = new int[neighbours];
        Arrays.fill(slotHead, NONE);
        recordBlock = new int[blocks];
        recordLength = new int[blocks];
        recordNext = new int[blocks];
        recordAf = new byte[blocks];
        recordFromDirector = new boolean[blocks];
        for (int i = 0; i < blocks; i++) {
            recordNext[i] = i + 1 < blocks ? i + 1 : NONE;
        }
        freeRecord = 0;
    }

    /**
     * Holds a copy of the IP packet for next hop (port, af, hi, lo), behind what already waits for it.
     *
     * @param packetAf     the packet's own family (its EtherType), which may differ from the next hop's
     * @param fromDirector the packet's source is one of the director's addresses (a NAT reply from a
     *                     VIP): no ICMP error goes back to it should resolution fail
     * @return {@link #REFUSED}, {@link #QUEUED} or {@link #QUEUED_FIRST}
     */
    int add(int port, int af, long hi, long lo, int packetAf, boolean fromDirector, DirectBuffer buffer,
            int offset, int length) {
        if (length <= 0) {
            refused++;
            return REFUSED;
        }
        int blocks = FragBlockPool.blocksFor(length);
        int slot = find(port, af, hi, lo);
        if (slot >= 0) {
            // __neigh_event_send(): while the new packet would take the queue past its bytes, the oldest go.
            while (slotBlocks[slot] + blocks > NEIGHBOUR_BLOCKS && slotHead[slot] != NONE) {
                int oldest = slotHead[slot];
                slotHead[slot] = recordNext[oldest];
                slotBlocks[slot] -= FragBlockPool.blocksFor(recordLength[oldest]);
                release(oldest);
                evicted++;
            }
        }
        boolean first = slot < 0 || slotHead[slot] == NONE;
        if (slot < 0) {
            slot = freeSlot();
        }
        if (slot < 0 || pool.freeBlocks() < blocks) {
            refused++;
            return REFUSED;
        }
        int record = freeRecord;
        freeRecord = recordNext[record];
        recordBlock[record] = pool.store(buffer, offset, length);
        recordLength[record] = length;
        recordAf[record] = (byte) packetAf;
        recordFromDirector[record] = fromDirector;
        recordNext[record] = NONE;
        if (first) {
            slotPort[slot] = port;
            slotAf[slot] = af;
            slotHi[slot] = hi;
            slotLo[slot] = lo;
            slotHead[slot] = record;
            slotBlocks[slot] = 0;
        } else {
            recordNext[slotTail[slot]] = record;
        }
        slotTail[slot] = record;
        slotBlocks[slot] += blocks;
        packets++;
        queued++;
        return first ? QUEUED_FIRST : QUEUED;
    }

    /** The slot holding packets for (port, af, hi, lo), or -1. */
    int find(int port, int af, long hi, long lo) {
        for (int s = 0; s < slotsTouched; s++) {
            if (slotHead[s] != NONE && slotLo[s] == lo && slotHi[s] == hi && slotPort[s] == port && slotAf[s] == af) {
                return s;
            }
        }
        return NONE;
    }

    private int freeSlot() {
        for (int s = 0; s < slotsTouched; s++) {
            if (slotHead[s] == NONE) {
                return s;
            }
        }
        return slotsTouched < slotHead.length ? slotsTouched++ : NONE;
    }

    /** Slots to look at when walking every neighbour: [0, this). */
    int slots() {
        return slotsTouched;
    }

    boolean holds(int slot) {
        return slotHead[slot] != NONE;
    }

    int port(int slot) {
        return slotPort[slot];
    }

    int af(int slot) {
        return slotAf[slot];
    }

    long hi(int slot) {
        return slotHi[slot];
    }

    long lo(int slot) {
        return slotLo[slot];
    }

    /**
     * Empties the slot and returns its packets' first record, oldest first along {@link #next};
     * each record keeps its bytes until {@link #sent} or {@link #dropped} gives it back.
     */
    int take(int slot) {
        int head = slotHead[slot];
        slotHead[slot] = NONE;
        slotBlocks[slot] = 0;
        while (slotsTouched > 0 && slotHead[slotsTouched - 1] == NONE) {
            slotsTouched--;
        }
        return head;
    }

    int next(int record) {
        return recordNext[record];
    }

    int length(int record) {
        return recordLength[record];
    }

    int packetAf(int record) {
        return recordAf[record];
    }

    boolean fromDirector(int record) {
        return recordFromDirector[record];
    }

    /** Copies a taken packet to {@code dst} at {@code index}. */
    void load(int record, MutableDirectBuffer dst, int index) {
        pool.load(recordBlock[record], recordLength[record], dst, index);
    }

    /** A taken packet went out: its record and blocks are free again. */
    void sent(int record) {
        release(record);
        sent++;
    }

    /** A taken packet is dropped because its next hop could not be resolved. */
    void dropped(int record) {
        release(record);
        failed++;
    }

    private void release(int record) {
        pool.release(recordBlock[record]);
        recordNext[record] = freeRecord;
        freeRecord = record;
        packets--;
    }

    /** Packets waiting now. */
    public int packets() {
        return packets;
    }

    public boolean isEmpty() {
        return packets == 0;
    }

    /** Packets held since the start. */
    public long queued() {
        return queued;
    }

    /** Held packets sent once their next hop resolved. */
    public long sent() {
        return sent;
    }

    /** Held packets pushed out by newer ones over the per-neighbour bound (unres_discards). */
    public long evicted() {
        return evicted;
    }

    /** Packets not held: the shard's budget or its neighbour slots were full. */
    public long refused() {
        return refused;
    }

    /** Held packets dropped because their next hop's resolution failed. */
    public long failed() {
        return failed;
    }
}
