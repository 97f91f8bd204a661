package org.actorvs.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
import org.agrona.collections.Hashing;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The director's IPv4 neighbour (ARP) cache, with the kernel's neighbour state machine
 * (net/core/neighbour.c) and ARP's defaults (arp_tbl in net/ipv4/arp.c).
 *
 * <p>Threads: {@link #mac} and {@link #resolutionNeeded} are called per packet by every shard and
 * never block or allocate. Everything else ({@link #tick}, the learn methods, {@link #putStatic}
 * and the queries) belongs to one owner thread, the one that also runs the {@link ArpResponder}.
 *
 * <p>Why a copy-on-write snapshot and not a seqlock: shards read per packet while the owner writes
 * rarely. The frequent writes (confirmations, timers, probe counts) touch only owner-private
 * entries; the published snapshot, an open-addressing table of (IPv4, MAC) for the entries that
 * may be used (NUD_VALID) and those that failed, changes only when a neighbour appears, changes its
 * MAC, fails or is collected. Rebuilding it then costs O(entries) on the owner, and a read is one
 * volatile load and a short probe with no retry loop and no fences to get right, which a seqlock
 * would need.
 *
 * <p>Use marks (the kernel's neigh-&gt;used, which decides whether a STALE entry is re-probed or
 * collected) are an int per snapshot slot that readers set with an opaque write only when it is
 * clear, so a busy entry costs one shared-line write per owner tick, not one per packet.
 *
 * <p>Resolution requests go through a small lock-free set of pending (port, address) keys:
 * bounded, deduplicated, drained by the owner on its tick; a full set drops the request (counted),
 * the next dropped packet asks again. A key new to the set also wakes the owner
 * ({@link #onRequest}), so that the first probe goes out at once, as __neigh_event_send() probes
 * immediately, and not up to a tick later.
 *
 * <p>Shards hold packets for the neighbours being resolved ({@link #queues}), as the kernel's
 * arp_queue: the snapshot therefore also lists the FAILED entries (without a MAC, so that
 * {@link #failed} answers per packet), and every published snapshot is reported to the shards'
 * {@link NeighbourWatch}es, which wake only the shards that hold something. That is the moment
 * neigh_update() sends the queue (an entry became valid) or neigh_invalidate() drops it (FAILED).
 */
public final class NeighbourTable implements NeighbourCache {
    /**
     * The neighbour parameters, in nanoseconds. {@link #kernelDefaults()} are arp_tbl's.
     *
     * @param mcastProbes         broadcast requests while INCOMPLETE before FAILED (mcast_solicit)
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
    private static final int PENDING_WINDOW = 8;
    private static final int MIN_SNAPSHOT = 16;
    private static final long NEVER = Long.MAX_VALUE;
    /** neigh_periodic_work() redraws reachable_time from base_reachable_time this often. */
    private static final long REACHABLE_REDRAW_NANOS = 300_000_000_000L;

    /**
     * What shards read: an open-addressing table of IPv4 to MAC, load at most 1/2, 0 = empty slot;
     * a FAILED entry's MAC is UNRESOLVED.
     */
    private static final class Snapshot {
        final int mask;
        final int[] keys;
        final long[] macs;
        final int[] used;

        Snapshot(int capacity) {
            mask = capacity - 1;
            keys = new int[capacity];
            macs = new long[capacity];
            used = new int[capacity];
        }
    }

    /** Owner-private state of one neighbour, struct neighbour's fields that matter here. */
    private static final class Entry {
        final int ip;
        int port;
        long mac = UNRESOLVED;
        State state = State.NONE;
        int probes;
        long confirmed;
        long updated;
        long used;
        long deadline = NEVER;

        Entry(int ip, int port) {
            this.ip = ip;
            this.port = port;
        }
    }

    private final Port[] ports;
    private final Params params;
    private final SplittableRandom random;
    private final Int2ObjectHashMap<Entry> entries = new Int2ObjectHashMap<>();
    private final AtomicLongArray pending = new AtomicLongArray(PENDING_SLOTS);
    private final LongAdder requestsDropped = new LongAdder();
    private final ArpFrames frames = new ArpFrames();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[ArpFrames.MAX_LENGTH]);
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
        if (af != 4) {
            return UNRESOLVED;
        }
        final int ip = (int) lo;
        if (ip == 0) {
            return UNRESOLVED;
        }
        final Snapshot s = snapshot;
        int i = Hashing.hash(ip, s.mask);
        while (true) {
            final int key = s.keys[i];
            if (key == ip) {
                final long mac = s.macs[i];
                if (mac != UNRESOLVED && (int) USED.getOpaque(s.used, i) == 0) {
                    USED.setOpaque(s.used, i, 1);
                }
                return mac;
            }
            if (key == 0) {
                return UNRESOLVED;
            }
            i = (i + 1) & s.mask;
        }
    }

    @Override
    public long generation() {
        return generation;
    }

    /** IPv4 only: IPv6 next hops are not resolved here (neighbour discovery is not implemented). */
    @Override
    public boolean queues(int af) {
        return af == 4;
    }

    @Override
    public boolean failed(int af, long hi, long lo) {
        final int ip = (int) lo;
        if (af != 4 || ip == 0) {
            return false;
        }
        final Snapshot s = snapshot;
        int i = Hashing.hash(ip, s.mask);
        while (true) {
            final int key = s.keys[i];
            if (key == ip) {
                return s.macs[i] == UNRESOLVED;
            }
            if (key == 0) {
                return false;
            }
            i = (i + 1) & s.mask;
        }
    }

    @Override
    public void watch(NeighbourWatch watch) {
        watches.add(watch);
    }

    @Override
    public void resolutionNeeded(int af, long hi, long lo, int port) {
        if (af != 4 || (int) lo == 0 || port < 0 || port >= ports.length) {
            requestsDropped.increment();
            return;
        }
        final long key = ((long) (port + 1) << 32) | (lo & 0xFFFF_FFFFL);
        final int start = Hashing.hash(key, PENDING_SLOTS - 1);
        for (int k = 0; k < PENDING_WINDOW; k++) {
            final int i = (start + k) & (PENDING_SLOTS - 1);
            final long v = pending.get(i);
            if (v == key) {
                return;
            }
            if (v == 0) {
                if (pending.compareAndSet(i, 0, key)) {
                    wakeOwner();
                    return;
                }
                if (pending.get(i) == key) {
                    return;
                }
            }
        }
        requestsDropped.increment();
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

    /** A configured neighbour: PERMANENT, never probed, expired or overridden by ARP. */
    public void putStatic(int port, int ipv4, long mac) {
        requirePort(port);
        Entry e = entries.get(ipv4);
        if (e == null) {
            e = new Entry(ipv4, port);
            entries.put(ipv4, e);
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
        requirePort(port);
        Entry e = entries.get(ipv4);
        if (e == null) {
            if (entries.size() >= params.maxEntries()) {
                tableFull++;
                return;
            }
            e = new Entry(ipv4, port);
            e.used = nowNanos;
            entries.put(ipv4, e);
        }
        update(e, port, mac, State.STALE, true, nowNanos);
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
        final Entry e = entries.get(ipv4);
        if (e == null) {
            return false;
        }
        final boolean override = nowNanos - e.updated > params.lockNanos();
        update(e, port, mac, unicastReply ? State.REACHABLE : State.STALE, override, nowNanos);
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

    /** The entry's NUD state, {@link State#NONE} when there is none. */
    public State state(int ipv4) {
        final Entry e = entries.get(ipv4);
        return e == null ? State.NONE : e.state;
    }

    /** The current reachable time, drawn from [base/2, 3 base/2] as neigh_rand_reach_time(). */
    public long reachableNanos() {
        return reachableNanos;
    }

    public int size() {
        return entries.size();
    }

    /** ARP requests sent (broadcast and unicast probes). */
    public long probesSent() {
        return probesSent;
    }

    /** Resolutions that ended FAILED. */
    public long resolutionsFailed() {
        return resolutionsFailed;
    }

    /** Resolution requests lost: not IPv4, a bad port, or the pending set full (any thread). */
    public long requestsDropped() {
        return requestsDropped.sum();
    }

    /** Neighbours not created because the table held {@link Params#maxEntries()}. */
    public long tableFull() {
        return tableFull;
    }

    // ---------------------------------------------------------------- internals

    /** neigh_update() without the admin and router flags. */
    private void update(Entry e, int port, long mac, State next, boolean override, long now) {
        final State old = e.state;
        if (old == State.PERMANENT) {
            return;
        }
        if (old.valid()) {
            if (mac != e.mac && !override) {
                return;
            }
            if (mac == e.mac && next == State.STALE) {
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
            final Entry e = entries.get(s.keys[i]);
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
        for (int i = 0; i < PENDING_SLOTS; i++) {
            if (pending.get(i) == 0) {
                continue;
            }
            final long key = pending.getAndSet(i, 0);
            if (key == 0) {
                continue;
            }
            final int ip = (int) key;
            final int port = (int) (key >>> 32) - 1;
            Entry e = entries.get(ip);
            if (e == null) {
                if (entries.size() >= params.maxEntries()) {
                    tableFull++;
                    continue;
                }
                e = new Entry(ip, port);
                entries.put(ip, e);
            } else if (e.state != State.NONE) {
                // Resolving, resolved (a race with learn) or held down after FAILED.
                continue;
            }
            e.used = now;
            e.state = State.INCOMPLETE;
            // Probes start past the unicast ones, so that arp_solicit() broadcasts.
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
        // arp_solicit(): unicast to the cached MAC while within ucast_solicit, broadcast after.
        final long dst = e.probes < params.ucastProbes() && e.mac != UNRESOLVED ? e.mac : EthernetFlyweight.BROADCAST_MAC;
        final Port port = ports[e.port];
        final int length = frames.write(frame, 0, port, dst, ArpFlyweight.OP_REQUEST, (int) port.ipv4(), 0L, e.ip);
        out.send(e.port, frame, 0, length);
        probesSent++;
        e.probes++;
        e.deadline = now + params.retransNanos();
        return true;
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
            int i = Hashing.hash(e.ip, s.mask);
            while (s.keys[i] != 0) {
                i = (i + 1) & s.mask;
            }
            s.keys[i] = e.ip;
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
            int j = Hashing.hash(from.keys[i], to.mask);
            while (to.keys[j] != 0) {
                if (to.keys[j] == from.keys[i]) {
                    to.used[j] = 1;
                    break;
                }
                j = (j + 1) & to.mask;
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
