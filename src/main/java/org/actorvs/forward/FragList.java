package org.actorvs.forward;

/**
 * An intrusive doubly linked list of slot numbers {@code 0..capacity-1} over two int arrays,
 * so that moving a reassembly slot to the tail or unlinking it is O(1) and allocation-free.
 * A slot is in at most one position of a given list.
 */
final class FragList {
    static final int NIL = -1;

    private final int[] prev;
    private final int[] next;
    private int head = NIL;
    private int tail = NIL;

    FragList(int capacity) {
        prev = new int[capacity];
        next = new int[capacity];
    }

    int head() {
        return head;
    }

    void addTail(int slot) {
        prev[slot] = tail;
        next[slot] = NIL;
        if (tail == NIL) {
            head = slot;
        } else {
            next[tail] = slot;
        }
        tail = slot;
    }

    void remove(int slot) {
        final int p = prev[slot];
        final int n = next[slot];
        if (p == NIL) {
            head = n;
        } else {
            next[p] = n;
        }
        if (n == NIL) {
            tail = p;
        } else {
            prev[n] = p;
        }
    }

    void moveToTail(int slot) {
        if (slot != tail) {
            remove(slot);
            addTail(slot);
        }
    }
}
