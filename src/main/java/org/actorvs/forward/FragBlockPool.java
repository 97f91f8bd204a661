package org.actorvs.forward;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fixed-size blocks preallocated once; a held fragment's data is a chain of blocks. Memory is
 * accounted in whole blocks, as the kernel charges a fragment's skb truesize rather than its
 * payload length, so that many tiny fragments cost what they really occupy.
 */
final class FragBlockPool {
    /** Small enough that a 1480-byte fragment wastes under 4 %, large enough to keep chains short. */
    static final int BLOCK_SIZE = 128;
    private static final int END = -1;

    private final UnsafeBuffer data;
    private final int[] next;
    private final int blocks;
    private int freeHead;
    private int freeBlocks;

    FragBlockPool(int blocks) {
        this.blocks = blocks;
        data = new UnsafeBuffer(new byte[blocks * BLOCK_SIZE]);
        next = new int[blocks];
        for (int i = 0; i < blocks; i++) {
            next[i] = i + 1 < blocks ? i + 1 : END;
        }
        freeHead = blocks > 0 ? 0 : END;
        freeBlocks = blocks;
    }

    static int blocksFor(int length) {
        return (length + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    int freeBlocks() {
        return freeBlocks;
    }

    int usedBlocks() {
        return blocks - freeBlocks;
    }

    /** Copies length bytes into a new chain; the caller has made sure enough blocks are free. */
    int store(DirectBuffer src, int index, int length) {
        final int head = freeHead;
        int block = head;
        int last = END;
        for (int done = 0; done < length; done += BLOCK_SIZE) {
            data.putBytes(block * BLOCK_SIZE, src, index + done, Math.min(BLOCK_SIZE, length - done));
            last = block;
            block = next[block];
        }
        next[last] = END;
        freeHead = block;
        freeBlocks -= blocksFor(length);
        return head;
    }

    /** Copies a chain of length bytes out to dst. */
    void load(int head, int length, MutableDirectBuffer dst, int index) {
        int block = head;
        for (int done = 0; done < length; done += BLOCK_SIZE) {
            dst.putBytes(index + done, data, block * BLOCK_SIZE, Math.min(BLOCK_SIZE, length - done));
            block = next[block];
        }
    }

    /** Returns a whole chain to the free list. */
    void release(int head) {
        int tail = head;
        int count = 1;
        while (next[tail] != END) {
            tail = next[tail];
            count++;
        }
        next[tail] = freeHead;
        freeHead = head;
        freeBlocks += count;
    }
}
