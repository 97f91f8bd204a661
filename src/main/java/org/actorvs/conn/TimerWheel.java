package org.actorvs.conn;

import java.util.Arrays;

/**
 * The expiry timers of one {@link ConnectionTable}: a hashed timing wheel of doubly linked lists
 * threaded through per-entry int arrays, one wheel per shard instead of one timer per connection.
 *
 * <p>Refreshing a timer to a later deadline (every packet does, as the kernel's mod_timer in
 * ip_vs_conn_put) only rewrites the deadline: the entry stays in the slot it was filed in, and when
 * that slot comes round it is filed again further on. A deadline moved earlier (a state change to a
 * shorter timeout, expire-now) unlinks the entry and files it at the new slot, which the back links
 * make O(1); with only forward links the old slot would be unknown and such an entry would expire as
 * late as its old deadline. The invariant is: an entry's slot comes round no later than its deadline.
 *
 * <p>Ticks are ints that may wrap; they are compared by subtraction, like jiffies, so a timeout is
 * capped at 2^30 ticks (12 days with a 1 ms tick) as the kernel caps timers at MAX_JIFFY_OFFSET.
 */
final class TimerWheel {
    /** Decides what a due entry becomes. */
    interface Expirer {
        /** Returns true when the entry was released; otherwise it must have been re-armed. */
        boolean expire(int entry, long nowNanos);
    }

    static final int MAX_TICKS = 1 << 30;
    private static final int END = -1;
    // prev[] holds an entry number, DETACHED, FREE, or the head marker -2 - slot of the list it heads.
    private static final int DETACHED = -1;
    private static final int FREE = Integer.MIN_VALUE;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long tickNanos;
    /** Timeouts up to this many seconds stay below {@link #MAX_TICKS} ticks, whatever the phase within a tick. */
    private final int maxUncappedSeconds;
    /** Ticks per second when a second is a whole number of ticks, else 0. */
    private final long ticksPerSecond;
    /** The tick {@link #deadlineTick} last saw now in, and where it starts (tick 0 is [0, tickNanos)). */
    private long lastTick;
    private long lastTickStart;
    private final int[] deadline;
    private final int[] next;
    private final int[] prev;
    private final int[] heads;
    private final int mask;
    /** A list outside the wheel for entries met in the slot being swept that belong to a later round of it. */
    private final int hold;
    private int cursor;
    private boolean started;

    TimerWheel(int capacity, long tickNanos, int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("wheel slots must be a power of two: " + slots);
        }
        this.tickNanos = tickNanos;
        long cappedSpan = tickNanos > Long.MAX_VALUE / MAX_TICKS ? Long.MAX_VALUE : (MAX_TICKS - 1) * tickNanos;
        this.maxUncappedSeconds = (int) Math.min(Integer.MAX_VALUE, cappedSpan / NANOS_PER_SECOND);
        this.ticksPerSecond = NANOS_PER_SECOND % tickNanos == 0 ? NANOS_PER_SECOND / tickNanos : 0;
        this.deadline = new int[capacity];
        this.next = new int[capacity];
        this.prev = new int[capacity];
        this.heads = new int[slots + 1];
        Arrays.fill(heads, END);
        this.mask = slots - 1;
        this.hold = slots;
    }

    /** Enough slots to cover about 17 minutes (an ESTABLISHED timeout) without re-filing, within memory reason. */
    static int slotsFor(int capacity, long tickNanos) {
        long span = Math.max(1, 1024 * NANOS_PER_SECOND / tickNanos);
        long limit = Math.min(1 << 16, Math.max(64, Long.highestOneBit(capacity) << 1));
        long slots = Math.min(limit, Math.max(64, Long.highestOneBit(span - 1) << 1));
        return (int) slots;
    }

    /** Files a newly allocated entry to expire {@code seconds} after {@code nowNanos}. */
    void add(int entry, long nowNanos, int seconds) {
        prev[entry] = DETACHED;
        arm(entry, nowNanos, seconds);
    }

    /** Re-arms an entry's timer to {@code seconds} after {@code nowNanos} (mod_timer). */
    void arm(int entry, long nowNanos, int seconds) {
        start(nowNanos);
        moveTo(entry, deadlineTick(nowNanos, seconds));
    }

    /** Makes the entry due at the next tick the wheel sweeps. */
    void expireSoon(int entry) {
        moveTo(entry, cursor + 1);
    }

    boolean isFree(int entry) {
        return prev[entry] == FREE;
    }

    /** Marks a detached entry free: it belongs to no list and is ignored by {@link #arm}. */
    void free(int entry) {
        prev[entry] = FREE;
    }

    long remainingNanos(int entry, long nowNanos) {
        long nowTick = Math.floorDiv(nowNanos, tickNanos);
        long remaining = (deadline[entry] - (int) nowTick) * tickNanos - (nowNanos - nowTick * tickNanos);
        return Math.max(0, remaining);
    }

    /**
     * Sweeps every slot up to the tick of {@code nowNanos}, handing each due entry to the expirer and
     * re-filing the others, and stops early after {@code limit} releases (the rest of the slot is
     * swept next time). Returns the number of entries released.
     */
    int advance(long nowNanos, Expirer expirer, int limit) {
        start(nowNanos);
        int now = tickOf(nowNanos);
        int slots = mask + 1;
        if (now - cursor > slots) {
            // Sweeping the last full round visits every slot; older ticks hold nothing else.
            cursor = now - slots;
        }
        int released = 0;
        while (now - cursor > 0) {
            int tick = cursor + 1;
            int slot = tick & mask;
            for (int e = heads[slot]; e != END; e = heads[slot]) {
                if (released >= limit) {
                    spliceHold(slot);
                    return released;
                }
                unlink(e);
                int due = deadline[e];
                if (due - tick <= 0) {
                    if (expirer.expire(e, nowNanos)) {
                        released++;
                    }
                } else {
                    push(e, (due & mask) == slot ? hold : due & mask);
                }
            }
            spliceHold(slot);
            cursor = tick;
        }
        return released;
    }

    long footprintBytes() {
        return 4L * (deadline.length + next.length + prev.length + heads.length);
    }

    private void moveTo(int entry, int due) {
        int p = prev[entry];
        if (p == FREE) {
            return;
        }
        if (p == DETACHED) {
            deadline[entry] = due;
            push(entry, slotFor(due));
        } else if (due - deadline[entry] < 0) {
            unlink(entry);
            deadline[entry] = due;
            push(entry, slotFor(due));
        } else {
            deadline[entry] = due;
        }
    }

    private int slotFor(int due) {
        return (due - cursor > 0 ? due : cursor + 1) & mask;
    }

    private void start(long nowNanos) {
        if (!started) {
            cursor = tickOf(nowNanos) - 1;
            started = true;
        }
    }

    private int tickOf(long nanos) {
        return (int) Math.floorDiv(nanos, tickNanos);
    }

    // Rounded up, so that an entry never expires before its deadline. Every packet re-arms its
    // connection's timer and a 64-bit division costs as much as the rest of the re-arm, so the
    // uncapped case avoids it: the tick of now is remembered while now stays within it, and when a
    // second is a whole number of ticks, ceil((now + span) / tick) = nowTick + span ticks + (now
    // past its tick's start ? 1 : 0). Otherwise one division: ceil((now + span) / tick).
    private int deadlineTick(long nowNanos, int seconds) {
        if (seconds >= 0 && seconds <= maxUncappedSeconds) {
            if (ticksPerSecond == 0) {
                return (int) Math.floorDiv(nowNanos + seconds * NANOS_PER_SECOND + tickNanos - 1, tickNanos);
            }
            long intoTick = nowNanos - lastTickStart;
            if (intoTick < 0 || intoTick >= tickNanos) {
                lastTick = Math.floorDiv(nowNanos, tickNanos);
                lastTickStart = lastTick * tickNanos;
                intoTick = nowNanos - lastTickStart;
            }
            return (int) (lastTick + seconds * ticksPerSecond + (intoTick > 0 ? 1 : 0));
        }
        long nowTick = Math.floorDiv(nowNanos, tickNanos);
        long intoTick = nowNanos - nowTick * tickNanos;
        long ticks = (intoTick + Math.max(0, seconds) * NANOS_PER_SECOND + tickNanos - 1) / tickNanos;
        return (int) (nowTick + Math.min(ticks, MAX_TICKS));
    }

    private void push(int entry, int slot) {
        int head = heads[slot];
        next[entry] = head;
        if (head != END) {
            prev[head] = entry;
        }
        prev[entry] = -2 - slot;
        heads[slot] = entry;
    }

    private void unlink(int entry) {
        int p = prev[entry];
        int n = next[entry];
        if (p >= 0) {
            next[p] = n;
        } else {
            heads[-2 - p] = n;
        }
        if (n != END) {
            prev[n] = p;
        }
        prev[entry] = DETACHED;
    }

    private void spliceHold(int slot) {
        for (int e = heads[hold]; e != END; e = heads[hold]) {
            unlink(e);
            push(e, slot);
        }
    }
}
