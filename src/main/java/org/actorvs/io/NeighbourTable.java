package org.actorvs.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.actorvs.forward.FrameSink;
import org.actorvs.forward.NeighbourCache;
import org.actorvs.forward.NeighbourWatch;
import org.actorvs.forward.Port;
import org.actorvs.packet.ArpFlyweight;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.IcmpFlyweight;
import org.actorvs.packet.NdpFlyweight;
import org.agrona.collections.Hashing;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The director's neighbour cache for both families, with the kernel's neighbour state machine
 * (net/core/neighbour.c): IPv4 next hops resolved by ARP with arp_tbl's defaults (net/ipv4/arp.c),
 * IPv6 next hops by neighbour discovery (net/ipv6/ndisc.c), whose nd_tbl has the same timings and
 * probe counts. One table holds both: an IPv4 address is keyed as its IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d), which is never an on-link IPv6 neighbour, so the keys cannot collide.
 *
 * <p>Threads: {@link #mac} and {@link #resolutionNeeded} are called per packet by every shard and
 * never block or allocate. Everything else ({@link #tick}, the learn methods, {@link #putStatic}
 * and the queries) belongs to one owner thread, the one that also runs the {@link ArpResponder}.
 *
 * <p>Why a copy-on-write snapshot and not a seqlock: shards read per packet while the owner writes
 * rarely. The frequent writes (confirmations, timers, probe counts) touch only owner-private
 * entries; the published snapshot, an open-addressing table of (address, MAC) for the entries that
 * may be used (NUD_VALID) and those that failed, changes only when a neighbour appears, changes its
 * MAC, fails or is collected. Rebuilding it then costs O(entries) on the owner, and a read is one
 * volatile load and a short probe with no retry loop and no fences to get right, which a seqlock
 * would need.
 *
 * <p>Use marks (the kernel's neigh-&gt;used, which decides whether a STALE entry is re-probed or
 * collected) are an int per snapshot slot that readers set with an opaque write only when it is
 * clear, so a busy entry costs one shared-line write per owner tick, not one per packet.
 *
 * <p>Resolution requests go through a small lock-free set of pending (port, address) slots:
 * bounded, deduplicated, drained by the owner on its tick; a full set drops the request (counted),
 * the next dropped packet asks again. A slot is claimed with a compare-and-set of its tag, filled,
 * then published by storing the tag, so the owner never reads a half-written address; a shard that
 * reads a slot while it is being reused may miss a duplicate (the owner ignores a resolution
 * already started) or take a fresh request for a duplicate (the next packet asks again). A request
 * new to the set also wakes the owner ({@link #onRequest}), so that the first probe goes out at
 * once, as __neigh_event_send() probes immediately, and not up to a tick later.
 *
 * <p>Shards hold packets for the neighbours being resolved ({@link #queues}), as the kernel's
 * arp_queue: the snapshot therefore also lists the FAILED entries (without a MAC, so that
 * {@link #failed} answers per packet), and every published snapshot is reported to the shards'
 * {@link NeighbourWatch}es, which wake only the shards that hold something. That is the moment
 * neigh_update() sends the queue (an entry became valid) or neigh_invalidate() drops it (FAILED).
 */
public final class NeighbourTable implements NeighbourCache {
    /**
     * The neighbour parameters, in nanoseconds. {@link #kernelDefaults()} are arp_tbl's, and
     * nd_tbl's but for the locktime, which neighbour discovery does not use (its advertisements
     * carry an override flag instead).
     *
     * @param mcastProbes         broadcast (IPv6: multicast) requests while INCOMPLETE before FAILED (mcast_solicit)
     * @param ucastProbes         unicast requests while PROBE before FAILED (ucast_solicit)
     * @param retransNanos        time between requests (retrans_time)
     * @param baseReachableNanos  REACHABLE lasts a random time in [base/2, 3 base/2] (base_reachable_time)
     * @param delayProbeNanos     a used STALE entry waits this long in DELAY before probing (delay_first_probe_time)
     * @param gcStaleNanos        an unused STALE entry is collected after this (gc_stale_time)
     * @param lockNanos           a different MAC is not taken within this time of the last update (locktime)
     * @param failedHoldDownNanos a FAILED entry is kept, unresolvable, this long before a new resolution may start
     * @param maxEntries          entries beyond this are not created (the kernel's gc_thresh3 is 1024)
     */
    public record Params(int mcastProbes, int ucastProbes, long retransNanos, long baseReachableNanos,
            long delayProbeNanos, long gcStaleNanos, long lockNanos, long failedHoldDownNanos, int maxEntries) {
        private static final long SECOND = 1_000_000_000L;

        public Params {
            if (mcastProbes < 1 || ucastProbes < 0 || retransNanos <= 0 || baseReachableNanos <= 0
                    || delayProbeNanos < 0 || gcStaleNanos <= 0 || lockNanos < 0 || failedHoldDownNanos < 0
                    || maxEntries < 1) {
                throw new IllegalArgumentException("invalid neighbour parameters: " + this);
            }
        }

        /** arp_tbl's values; the hold-down is one retransmission time. */
        public static Params kernelDefaults() {
            return new Params(3, 3, SECOND, 30 * SECOND, 5 * SECOND, 60 * SECOND, SECOND, SECOND, 4096);
        }
    }

    /** The kernel's NUD states that this table uses (ip neigh prints them in upper case). */
    public enum State {
        NONE, INCOMPLETE, REACHABLE, STALE, DELAY, PROBE, FAILED, PERMANENT;

        /** NUD_VALID: the entry has a MAC that packets may use. */
        public boolean valid() {
            return this == REACHABLE || this == STALE || this == DELAY || this == PROBE || this == PERMANENT;
        }
    }

    private static final VarHandle USED = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int PENDING_SLOTS = 1024;
    /** A pending slot is three longs: tag (0 free, -1 being written, port + 1 ready), key hi, key lo. */
    private static final int PENDING_STRIDE = 3;
    private static final long CLAIMED = -1L;
    /** ::ffff:0:0/96, the IPv4-mapped prefix IPv4 keys live in. */
    private static final long MAPPED_PREFIX = 0xFFFF_0000_0000L;
    private static final int PENDING_WINDOW = 8;
    private static final int MIN_SNAPSHOT = 16;
    private static final long NEVER = Long.MAX_VALUE;
    /** neigh_periodic_work() redraws reachable_time from base_reachable_time this often. */
    private static final long REACHABLE_REDRAW_NANOS = 300_000_000_000L;

    /**
     * What shards read: an open-addressing table of key to MAC, load at most 1/2, key :: = empty
     * slot; a FAILED entry's MAC is UNRESOLVED.
     */
    private static final class Snapshot {
        final int mask;
        final long[] keyHi;
        final long[] keyLo;
        final long[] macs;
        final int[] used;

        Snapshot(int capacity) {
            mask = capacity - 1;
            keyHi = new long[capacity];
            keyLo = new long[capacity];
            macs = new long[capacity];
            used = new int[capacity];
        }

        /** The slot of the key, or -1. */
        int find(long hi, long lo) {
            int i = slot(hi, lo, mask);
            while (true) {
                final long h = keyHi[i];
                final long l = keyLo[i];
                if (h == hi && l == lo) {
                    return i;
                }
                if (h == 0 && l == 0) {
                    return -1;
                }
                i = (i + 1) & mask;
            }
        }
    }

    /** A 128-bit key; the owner looks entries up with one reused instance, so lookups do not allocate. */
    private static class Key {
        long hi;
        long lo;

        Key(long hi, long lo) {
            this.hi = hi;
            this.lo = lo;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hi == hi && k.lo == lo;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(hi * 31 + lo);
        }
    }

    /** Owner-private state of one neighbour, struct neighbour's fields that matter here; its own map key. */
    private static final class Entry extends Key {
        int port;
        long mac = UNRESOLVED;
        State state = State.NONE;
        int probes;
        long confirmed;
        long updated;
        long used;
        long deadline = NEVER;

        Entry(long hi, long lo, int port) {
            super(hi, lo);
            this.port = port;
        }

        boolean ipv4() {
            return isMapped(hi, lo);
        }
    }

    private final Port[] ports;
    private final Params params;
    private final SplittableRandom random;
    private final HashMap<Key, Entry> entries = new HashMap<>();
    private final Key lookup = new Key(0, 0);
    private final AtomicLongArray pending = new AtomicLongArray(PENDING_SLOTS * PENDING_STRIDE);
    private final LongAdder requestsDropped = new LongAdder();
    private final ArpFrames frames = new ArpFrames();
    private final NdpFrames ndpFrames = new NdpFrames();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[Math.max(ArpFrames.MAX_LENGTH, NdpFrames.MAX_LENGTH)]);
    /** The shards' watches; registered from their threads at start, read by the owner per publish. */
    private final List<NeighbourWatch> watches = new CopyOnWriteArrayList<>();
    /** Wakes the owner for a new request; set once before the shards run, null for none. */
    private volatile Runnable requestWake;
    /** A wake-up is on its way and the owner's tick has not begun yet: one is enough. */
    private final AtomicBoolean ownerWoken = new AtomicBoolean();
    private volatile Snapshot snapshot = new Snapshot(MIN_SNAPSHOT);
    /**
     * Bumped after each published snapshot and after each tick that cleared use marks: shards that
     * cache MACs look again then, which both picks up changes and sets the marks anew.
     */
    private volatile long generation;
    private boolean dirty;
    private long reachableNanos;
    private long nextRedraw = Long.MIN_VALUE;
    private long probesSent;
    private long resolutionsFailed;
    private long tableFull;

    public NeighbourTable(List<Port> ports, Params params) {
        this(ports, params, 0x5EED_A4B5L);
    }

    /** @param seed seeds the reachable-time draws, so that a replay probes at the same times */
    public NeighbourTable(List<Port> ports, Params params, long seed) {
        this.ports = ports.toArray(new Port[0]);
        for (int i = 0; i < this.ports.length; i++) {
            if (this.ports[i].index() != i) {
                throw new IllegalArgumentException("port " + this.ports[i].name() + " has index "
                        + this.ports[i].index() + " but stands at position " + i);
            }
        }
        this.params = params;
        this.random = new SplittableRandom(seed);
        this.reachableNanos = drawReachable();
    }

    // ---------------------------------------------------------------- shard side

    @Override
    public long mac(int af, long hi, long lo) {
        if (!resolvable(af, hi, lo)) {
            return UNRESOLVED;
        }
        final Snapshot s = snapshot;
        final int i = s.find(keyHi(af, hi), keyLo(af, lo));
        if (i < 0) {
            return UNRESOLVED;
        }
        final long mac = s.macs[i];
        if (mac != UNRESOLVED && (int) USED.getOpaque(s.used, i) == 0) {
            USED.setOpaque(s.used, i, 1);
        }
        return mac;
    }

    @Override
    public long generation() {
        return generation;
    }

    /** Both families: this table resolves IPv4 by ARP and IPv6 by neighbour discovery, and fails each. */
    @Override
    public boolean queues(int af) {
        return af == 4 || af == 6;
    }

    @Override
    public boolean failed(int af, long hi, long lo) {
        if (!resolvable(af, hi, lo)) {
            return false;
        }
        final Snapshot s = snapshot;
        final int i = s.find(keyHi(af, hi), keyLo(af, lo));
        return i >= 0 && s.macs[i] == UNRESOLVED;
    }

    @Override
    public void watch(NeighbourWatch watch) {
        watches.add(watch);
    }

    @Override
    public void resolutionNeeded(int af, long hi, long lo, int port) {
        if (!resolvable(af, hi, lo) || port < 0 || port >= ports.length) {
            requestsDropped.increment();
            return;
        }
        final long kh = keyHi(af, hi);
        final long kl = keyLo(af, lo);
        final long tag = port + 1;
        final int start = slot(kh, kl, PENDING_SLOTS - 1);
        for (int k = 0; k < PENDING_WINDOW; k++) {
            final int i = ((start + k) & (PENDING_SLOTS - 1)) * PENDING_STRIDE;
            final long v = pending.get(i);
            if (v == tag && pending.get(i + 1) == kh && pending.get(i + 2) == kl) {
                return;
            }
            if (v == 0 && pending.compareAndSet(i, 0, CLAIMED)) {
                pending.set(i + 1, kh);
                pending.set(i + 2, kl);
                pending.set(i, tag);
                wakeOwner();
                return;
            }
        }
        requestsDropped.increment();
    }

    /** IPv4: not 0.0.0.0; IPv6: neither ::, multicast nor IPv4-mapped (such a key is an IPv4 neighbour's). */
    private static boolean resolvable(int af, long hi, long lo) {
        if (af == 4) {
            return (int) lo != 0;
        }
        return af == 6 && (hi != 0 || lo != 0) && !NdpFlyweight.isMulticast(hi) && !isMapped(hi, lo);
    }

    private static boolean isMapped(long hi, long lo) {
        return hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == MAPPED_PREFIX;
    }

    private static long keyHi(int af, long hi) {
        return af == 4 ? 0 : hi;
    }

    private static long keyLo(int af, long lo) {
        return af == 4 ? MAPPED_PREFIX | (lo & 0xFFFF_FFFFL) : lo;
    }

    private static int slot(long hi, long lo, int mask) {
        return Hashing.hash(hi * 31 + lo, mask);
    }

    private void wakeOwner() {
        final Runnable wake = requestWake;
        if (wake != null && ownerWoken.compareAndSet(false, true)) {
            wake.run();
        }
    }

    // ---------------------------------------------------------------- owner side

    /**
     * {@code wake} is told (on a shard's thread; it must not block) when a resolution is asked for
     * that is not pending yet; it must make the owner {@link #tick} soon.
     */
    public void onRequest(Runnable wake) {
        requestWake = wake;
    }

    /** A configured IPv4 neighbour: PERMANENT, never probed, expired or overridden by ARP. */
    public void putStatic(int port, int ipv4, long mac) {
        putStatic(port, 4, 0, ipv4, mac);
    }

    /** A configured neighbour of either family: PERMANENT, never probed, expired or overridden. */
    public void putStatic(int port, int af, long hi, long lo, long mac) {
        requirePort(port);
        if (!resolvable(af, hi, lo)) {
            throw new IllegalArgumentException("no neighbour can have address " + af + "/" + hi + "/" + lo);
        }
        Entry e = entry(af, hi, lo);
        if (e == null) {
            e = new Entry(keyHi(af, hi), keyLo(af, lo), port);
            entries.put(e, e);
        }
        e.port = port;
        e.mac = mac;
        e.state = State.PERMANENT;
        e.deadline = NEVER;
        publish();
    }

    /**
     * An ARP request addressed to one of our addresses came from (ipv4, mac): create or refresh the
     * entry as STALE, overriding, as neigh_event_ns() does for arp_process().
     */
    public void learnFromRequest(int port, int ipv4, long mac, long nowNanos) {
        learnFromSolicitation(port, 4, 0, ipv4, mac, nowNanos);
    }

    /**
     * A solicitation for one of our addresses came from (af, hi, lo) with link-layer address mac:
     * create or refresh the entry as STALE, overriding, as neigh_event_ns() for arp_process() and
     * ndisc_recv_ns() (NUD_STALE, NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_WEAK_OVERRIDE) do.
     */
    public void learnFromSolicitation(int port, int af, long hi, long lo, long mac, long nowNanos) {
        requirePort(port);
        if (!resolvable(af, hi, lo)) {
            return;
        }
        Entry e = entry(af, hi, lo);
        if (e == null) {
            if (entries.size() >= params.maxEntries()) {
                tableFull++;
                return;
            }
            e = new Entry(keyHi(af, hi), keyLo(af, lo), port);
            e.used = nowNanos;
            entries.put(e, e);
        }
        update(e, port, mac, State.STALE, true, false, nowNanos);
    }

    /**
     * Any other ARP packet from (ipv4, mac): updates an existing entry only (unsolicited ARP is not
     * accepted, arp_accept=0), REACHABLE for a reply unicast to us, STALE otherwise; a MAC
     * different from the known one is taken only when the entry has not been updated within
     * locktime ("use the first reply", arp_process()).
     *
     * @return whether an entry for ipv4 existed
     */
    public boolean learn(int port, int ipv4, long mac, boolean unicastReply, long nowNanos) {
        requirePort(port);
        final Entry e = entry(4, 0, ipv4);
        if (e == null) {
            return false;
        }
        final boolean override = nowNanos - e.updated > params.lockNanos();
        update(e, port, mac, unicastReply ? State.REACHABLE : State.STALE, override, false, nowNanos);
        return true;
    }

    /**
     * A neighbour advertisement for target (hi, lo), as ndisc_recv_na() takes it: it updates an
     * existing entry only (accept_untracked_na=0); REACHABLE when solicited, STALE otherwise; a
     * different MAC replaces the known one only with the override flag, and without it moves a
     * REACHABLE entry to STALE keeping its MAC (NEIGH_UPDATE_F_WEAK_OVERRIDE). Without a target
     * link-layer option ({@code mac} {@link #UNRESOLVED}) it confirms a valid entry's own MAC and
     * cannot complete an incomplete one (neigh_update() has nothing to use).
     *
     * @return whether an entry for the target existed
     */
    public boolean learnFromAdvertisement(int port, long hi, long lo, long mac, boolean solicited, boolean override,
            long nowNanos) {
        requirePort(port);
        final Entry e = resolvable(6, hi, lo) ? entry(6, hi, lo) : null;
        if (e == null) {
            return false;
        }
        if (mac == UNRESOLVED) {
            if (!e.state.valid()) {
                return true;
            }
            mac = e.mac;
        }
        update(e, port, mac, solicited ? State.REACHABLE : State.STALE, override, true, nowNanos);
        return true;
    }

    /**
     * Runs the neighbour timers (neigh_timer_handler()), starts requested resolutions, collects
     * old entries (neigh_periodic_work()) and sends the ARP requests due. Call it often (every few
     * milliseconds to 100 ms): probes go out at most one tick late.
     */
    public void tick(long nowNanos, FrameSink out) {
        // Before the drain: a request that misses this drain wakes the owner again.
        ownerWoken.set(false);
        if (nowNanos - nextRedraw >= 0 || nextRedraw == Long.MIN_VALUE) {
            if (nextRedraw != Long.MIN_VALUE) {
                reachableNanos = drawReachable();
            }
            nextRedraw = nowNanos + REACHABLE_REDRAW_NANOS;
        }
        harvestUse(nowNanos);
        drainRequests(nowNanos);
        final Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            final Entry e = it.next();
            if (e.deadline != NEVER && nowNanos - e.deadline >= 0) {
                if (!runTimer(e, nowNanos, out)) {
                    it.remove();
                    dirty = true;
                }
            } else if (e.state == State.STALE && nowNanos - e.used > params.gcStaleNanos()) {
                it.remove();
                dirty = true;
            }
        }
        if (dirty) {
            publish();
        }
    }

    /** The IPv4 entry's NUD state, {@link State#NONE} when there is none. */
    public State state(int ipv4) {
        return state(4, 0, ipv4);
    }

    /** The entry's NUD state, {@link State#NONE} when there is none. */
    public State state(int af, long hi, long lo) {
        final Entry e = resolvable(af, hi, lo) ? entry(af, hi, lo) : null;
        return e == null ? State.NONE : e.state;
    }

    /** The current reachable time, drawn from [base/2, 3 base/2] as neigh_rand_reach_time(). */
    public long reachableNanos() {
        return reachableNanos;
    }

    public int size() {
        return entries.size();
    }

    /** ARP requests and neighbour solicitations sent (broadcast or multicast, and unicast probes). */
    public long probesSent() {
        return probesSent;
    }

    /** Resolutions that ended FAILED. */
    public long resolutionsFailed() {
        return resolutionsFailed;
    }

    /** Resolution requests lost: an address no neighbour has, a bad port, or the pending set full (any thread). */
    public long requestsDropped() {
        return requestsDropped.sum();
    }

    /** Neighbours not created because the table held {@link Params#maxEntries()}. */
    public long tableFull() {
        return tableFull;
    }

    // ---------------------------------------------------------------- internals

    private Entry entry(int af, long hi, long lo) {
        lookup.hi = keyHi(af, hi);
        lookup.lo = keyLo(af, lo);
        return entries.get(lookup);
    }

    /**
     * neigh_update() without the admin and router flags; {@code weak} is NEIGH_UPDATE_F_WEAK_OVERRIDE:
     * a REACHABLE entry offered another MAC without override only goes STALE.
     */
    private void update(Entry e, int port, long mac, State next, boolean override, boolean weak, long now) {
        final State old = e.state;
        if (old == State.PERMANENT) {
            return;
        }
        if (old.valid()) {
            if (mac != e.mac && !override) {
                if (!weak || old != State.REACHABLE) {
                    return;
                }
                mac = e.mac;
                next = State.STALE;
            } else if (mac == e.mac && next == State.STALE) {
                // Same address, no reachability news: keep REACHABLE/DELAY/PROBE and their timers.
                next = old;
            }
        }
        if (!old.valid() || mac != e.mac || port != e.port) {
            dirty = true;
        }
        e.port = port;
        e.mac = mac;
        e.updated = now;
        if (next == State.REACHABLE) {
            e.confirmed = now;
            e.deadline = now + reachableNanos;
        } else if (next == State.STALE && old != State.STALE) {
            e.deadline = NEVER;
        }
        e.state = next;
        if (dirty) {
            publish();
        }
    }

    /** Copies the shards' use marks into the entries; a used STALE entry goes to DELAY (neigh_event_send()). */
    private void harvestUse(long now) {
        final Snapshot s = snapshot;
        boolean cleared = false;
        for (int i = 0; i <= s.mask; i++) {
            if ((int) USED.getOpaque(s.used, i) == 0) {
                continue;
            }
            USED.setOpaque(s.used, i, 0);
            cleared = true;
            lookup.hi = s.keyHi[i];
            lookup.lo = s.keyLo[i];
            final Entry e = entries.get(lookup);
            if (e == null) {
                continue;
            }
            e.used = now;
            if (e.state == State.STALE) {
                e.state = State.DELAY;
                e.deadline = now + params.delayProbeNanos();
            }
        }
        if (cleared) {
            generation++;
        }
    }

    /** Starts resolutions the shards asked for (neigh_event_send() on a new or FAILED-and-released entry). */
    private void drainRequests(long now) {
        for (int i = 0; i < PENDING_SLOTS * PENDING_STRIDE; i += PENDING_STRIDE) {
            final long tag = pending.get(i);
            if (tag <= 0) {
                continue;
            }
            lookup.hi = pending.get(i + 1);
            lookup.lo = pending.get(i + 2);
            pending.set(i, 0);
            final int port = (int) tag - 1;
            Entry e = entries.get(lookup);
            if (e == null) {
                if (entries.size() >= params.maxEntries()) {
                    tableFull++;
                    continue;
                }
                e = new Entry(lookup.hi, lookup.lo, port);
                entries.put(e, e);
            } else if (e.state != State.NONE) {
                // Resolving, resolved (a race with learn) or held down after FAILED.
                continue;
            }
            e.used = now;
            e.state = State.INCOMPLETE;
            // Probes start past the unicast ones, so that arp_solicit() broadcasts and ndisc_solicit() multicasts.
            e.probes = params.ucastProbes();
            e.deadline = now;
        }
    }

    /** neigh_timer_handler(); returns false when the entry is to be removed. */
    private boolean runTimer(Entry e, long now, FrameSink out) {
        switch (e.state) {
            case REACHABLE:
                if (now - (e.confirmed + reachableNanos) < 0) {
                    e.deadline = e.confirmed + reachableNanos;
                } else if (now - (e.used + params.delayProbeNanos()) <= 0) {
                    e.state = State.DELAY;
                    e.deadline = now + params.delayProbeNanos();
                } else {
                    e.state = State.STALE;
                    e.deadline = NEVER;
                }
                return true;
            case DELAY:
                if (now - (e.confirmed + params.delayProbeNanos()) <= 0) {
                    e.state = State.REACHABLE;
                    e.deadline = e.confirmed + reachableNanos;
                    return true;
                }
                e.state = State.PROBE;
                e.probes = 0;
                return probe(e, now, out);
            case INCOMPLETE:
            case PROBE:
                return probe(e, now, out);
            case FAILED:
                // Hold-down over: forget the entry; the next dropped packet starts a new resolution.
                return false;
            default:
                e.deadline = NEVER;
                return true;
        }
    }

    private boolean probe(Entry e, long now, FrameSink out) {
        final int maxProbes = params.ucastProbes() + (e.state == State.INCOMPLETE ? params.mcastProbes() : 0);
        if (e.probes >= maxProbes) {
            // Published even from INCOMPLETE: shards drop what waits for it (neigh_invalidate()).
            dirty = true;
            e.state = State.FAILED;
            e.mac = UNRESOLVED;
            e.deadline = now + params.failedHoldDownNanos();
            resolutionsFailed++;
            return true;
        }
        final boolean unicast = e.probes < params.ucastProbes() && e.mac != UNRESOLVED;
        final Port port = ports[e.port];
        if (e.ipv4()) {
            // arp_solicit(): unicast to the cached MAC while within ucast_solicit, broadcast after.
            final long dst = unicast ? e.mac : EthernetFlyweight.BROADCAST_MAC;
            send(e.port, frames.write(frame, 0, port, dst, ArpFlyweight.OP_REQUEST, (int) port.ipv4(), 0L, (int) e.lo),
                    out);
        } else if (port.hasIpv6()) {
            // ndisc_solicit(): unicast to the neighbour itself while within ucast_solicit, else to
            // its solicited-node group (ndisc_send_ns()), from the port's address with our MAC.
            final long dstHi = unicast ? e.hi : NdpFlyweight.SOLICITED_NODE_HI;
            final long dstLo = unicast ? e.lo : NdpFlyweight.solicitedNodeLo(e.lo);
            final long dstMac = unicast ? e.mac : NdpFlyweight.multicastMac(dstLo);
            send(e.port, ndpFrames.write(frame, 0, port, dstMac, port.ipv6Hi(), port.ipv6Lo(), dstHi, dstLo,
                    IcmpFlyweight.V6_NEIGHBOR_SOLICITATION, 0, e.hi, e.lo, NdpFlyweight.OPTION_SOURCE_LINK_LAYER), out);
        }
        // A port without an IPv6 address has nothing to solicit from: the timers run out to FAILED.
        e.probes++;
        e.deadline = now + params.retransNanos();
        return true;
    }

    private void send(int port, int length, FrameSink out) {
        out.send(port, frame, 0, length);
        probesSent++;
    }

    private void publish() {
        int listed = 0;
        for (final Entry e : entries.values()) {
            if (published(e)) {
                listed++;
            }
        }
        final int capacity = Integer.highestOneBit(Math.max(1, 2 * listed) - 1) << 1;
        final Snapshot s = new Snapshot(Math.max(MIN_SNAPSHOT, capacity));
        for (final Entry e : entries.values()) {
            if (!published(e)) {
                continue;
            }
            int i = slot(e.hi, e.lo, s.mask);
            while (s.keyHi[i] != 0 || s.keyLo[i] != 0) {
                i = (i + 1) & s.mask;
            }
            s.keyHi[i] = e.hi;
            s.keyLo[i] = e.lo;
            s.macs[i] = e.state.valid() ? e.mac : UNRESOLVED;
        }
        carryUseMarks(snapshot, s);
        snapshot = s;
        // Generation after snapshot, watches after generation: a shard that armed its watch too
        // late to be woken reads the new generation (NeighbourWatch).
        generation++;
        dirty = false;
        for (final NeighbourWatch w : watches) {
            w.changed();
        }
    }

    private static boolean published(Entry e) {
        return e.state.valid() || e.state == State.FAILED;
    }

    /** Use marks set since the last tick survive a rebuild; one set while this runs may be lost, and is set again by the next packet. */
    private static void carryUseMarks(Snapshot from, Snapshot to) {
        for (int i = 0; i <= from.mask; i++) {
            if ((int) USED.getOpaque(from.used, i) == 0) {
                continue;
            }
            final int j = to.find(from.keyHi[i], from.keyLo[i]);
            if (j >= 0) {
                to.used[j] = 1;
            }
        }
    }

    private long drawReachable() {
        final long base = params.baseReachableNanos();
        return base / 2 + random.nextLong(base);
    }

    private void requirePort(int port) {
        if (port < 0 || port >= ports.length) {
            throw new IllegalArgumentException("no port " + port + " (" + ports.length + " ports)");
        }
    }
}
