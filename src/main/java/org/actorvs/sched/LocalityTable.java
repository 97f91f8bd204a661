package org.actorvs.sched;

import java.util.Arrays;

/**
 * The destination-address table lblc and lblcr share (ip_vs_lblc.c, ip_vs_lblcr.c): 1024 chained
 * buckets indexed by hash_32 of the folded address, new entries at the head of their chain, and the
 * kernel's garbage collection. Entries live in pooled primitive arrays, so a warm table allocates
 * nothing; subclasses keep their per-entry payload in arrays indexed by the same entry number.
 *
 * <p>Not thread-safe: the owning scheduler's lock guards it, as svc->sched_lock guards the kernel's.
 * Times are in nanoseconds from the scheduler's clock.
 */
abstract class LocalityTable {
    static final int TAB_BITS = 10;
    static final int TAB_SIZE = 1 << TAB_BITS;
    static final int TAB_MASK = TAB_SIZE - 1;
    /** Entries above which the periodic check starts collecting idle ones (tbl->max_size). */
    static final int MAX_SIZE = TAB_SIZE * 16;
    static final long CHECK_EXPIRE_INTERVAL = 60_000_000_000L;
    static final long ENTRY_TIMEOUT = 6 * CHECK_EXPIRE_INTERVAL;
    /** The lblc_expiration / lblcr_expiration sysctl default: 24 hours. */
    static final long DEFAULT_EXPIRATION = 24 * 60 * CHECK_EXPIRE_INTERVAL;
    /** Every 30th check (half an hour) collects everything idle longer than the expiration. */
    static final int COUNT_FOR_FULL_EXPIRATION = 30;
    static final int NIL = -1;

    static final int INITIAL_CAPACITY = 64;

    private final long expiration;
    private final int[] heads = new int[TAB_SIZE];
    private int[] next = new int[INITIAL_CAPACITY];
    private int[] af = new int[INITIAL_CAPACITY];
    private long[] hi = new long[INITIAL_CAPACITY];
    private long[] lo = new long[INITIAL_CAPACITY];
    private long[] lastUse = new long[INITIAL_CAPACITY];
    private int freeHead = NIL;
    private int highWater;
    private int entries;
    private int rover;
    private int counter = 1;
    private long nextCheck;

    LocalityTable(final long now, final long expiration) {
        this.expiration = expiration;
        this.nextCheck = now + CHECK_EXPIRE_INTERVAL;
        Arrays.fill(heads, NIL);
    }

    /** Makes the payload arrays hold at least {@code capacity} entries. */
    abstract void growPayload(int capacity);

    /** Forgets the payload of an entry being deleted. */
    abstract void clearPayload(int entry);

    int size() {
        return entries;
    }

    long lastUse(final int entry) {
        return lastUse[entry];
    }

    void touch(final int entry, final long now) {
        lastUse[entry] = now;
    }

    /** ip_vs_lblc_hashkey() / ip_vs_lblcr_hashkey(). */
    static int bucket(final int af, final long hi, final long lo) {
        return IpvsHash.hash32(IpvsHash.addrFold(af, hi, lo), TAB_BITS);
    }

    /** The entry for an address, or NIL. */
    int find(final int family, final long addrHi, final long addrLo) {
        for (int e = heads[bucket(family, addrHi, addrLo)]; e != NIL; e = next[e]) {
            if (af[e] == family && hi[e] == addrHi && lo[e] == addrLo) {
                return e;
            }
        }
        return NIL;
    }

    /** Adds an entry at the head of its chain (hlist_add_head_rcu()); the caller fills the payload. */
    int insert(final int family, final long addrHi, final long addrLo, final long now) {
        final int e = allocate();
        af[e] = family;
        hi[e] = addrHi;
        lo[e] = addrLo;
        lastUse[e] = now;
        final int b = bucket(family, addrHi, addrLo);
        next[e] = heads[b];
        heads[b] = e;
        entries++;
        return e;
    }

    void delete(final int entry) {
        final int b = bucket(af[entry], hi[entry], lo[entry]);
        if (heads[b] == entry) {
            heads[b] = next[entry];
        } else {
            int prev = heads[b];
            while (next[prev] != entry) {
                prev = next[prev];
            }
            next[prev] = next[entry];
        }
        clearPayload(entry);
        next[entry] = freeHead;
        freeHead = entry;
        entries--;
    }

    /**
     * Runs the kernel's 60 s periodic timer. Nothing ticks a scheduler, so the timer runs here, from
     * schedule(), catching up at most 30 missed periods: by then a full check has run.
     */
    void runTimer(final long now) {
        for (int runs = 0; now - nextCheck >= 0 && runs < COUNT_FOR_FULL_EXPIRATION; runs++) {
            checkExpire(now);
            nextCheck += CHECK_EXPIRE_INTERVAL;
        }
        if (now - nextCheck >= 0) {
            nextCheck = now + CHECK_EXPIRE_INTERVAL;
        }
    }

    /**
     * One timer run (ip_vs_lblc_check_expire()): every 30th run a full check; otherwise, only while the
     * table holds more than MAX_SIZE entries, delete entries idle for 6 minutes, walking buckets from
     * the rover until (entries - MAX_SIZE) * 4 / 3 of them, at most MAX_SIZE / 2, are gone.
     */
    void checkExpire(final long now) {
        if (counter % COUNT_FOR_FULL_EXPIRATION == 0) {
            rover = sweep(rover, now, expiration, Integer.MAX_VALUE);
            counter = 1;
            return;
        }
        if (entries <= MAX_SIZE) {
            counter++;
            return;
        }
        final int goal = Math.min((entries - MAX_SIZE) * 4 / 3, MAX_SIZE / 2);
        rover = sweep(rover, now, ENTRY_TIMEOUT, goal);
    }

    /**
     * Deletes the entries idle for at least {@code idle} in the buckets after {@code from}, stopping
     * after the bucket in which {@code goal} deletions were reached; returns the last bucket visited.
     */
    private int sweep(final int from, final long now, final long idle, final int goal) {
        int remaining = goal;
        int j = from;
        for (int i = 0; i < TAB_SIZE; i++) {
            j = (j + 1) & TAB_MASK;
            int e = heads[j];
            while (e != NIL) {
                final int following = next[e];
                if (now - lastUse[e] >= idle) {
                    delete(e);
                    remaining--;
                }
                e = following;
            }
            if (remaining <= 0) {
                break;
            }
        }
        return j;
    }

    private int allocate() {
        if (freeHead != NIL) {
            final int e = freeHead;
            freeHead = next[e];
            return e;
        }
        if (highWater == next.length) {
            final int capacity = next.length * 2;
            next = Arrays.copyOf(next, capacity);
            af = Arrays.copyOf(af, capacity);
            hi = Arrays.copyOf(hi, capacity);
            lo = Arrays.copyOf(lo, capacity);
            lastUse = Arrays.copyOf(lastUse, capacity);
            growPayload(capacity);
        }
        return highWater++;
    }
}
