package org.actorvs.conn;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.IntConsumer;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2IntCounterMap;
import org.agrona.collections.Int2IntHashMap;

/**
 * The connection table of one shard, IPVS's ip_vs_conn_tab with its entries: single-threaded, owned
 * by one actor, no object per connection. An entry is an index into parallel primitive arrays; the
 * index stays valid until the entry is released by {@link #poll}.
 *
 * <p>Memory per entry (IPv4): three int addresses, one long of ports/protocol/states, nine ints
 * (flags, destId, control, inPkts, timeout, ext, plus deadline and two wheel links in
 * {@link TimerWheel}) = 56 bytes, and 1.5 int index slots = 6 bytes: 62 bytes, see
 * {@link #footprintBytes()}. The wheel's back link is paid for by keeping a controller's count of
 * controlled entries in the spare high bits of the flags word (kernel flags use bits 0-16); the rare
 * count above 8190 moves to a side map. The state gets four bits too: every connection state fits,
 * and the rare template a sync master sent in a state beyond NONE and ASSURED keeps its whole 16-bit
 * value (the kernel's u16 cp->state) in a side map.
 *
 * <p>Lookup keys follow ip_vs_conn.c: one index hashed by (protocol, client address, client port),
 * which a reply carries as its destination, so inbound, outbound and template lookups all probe the
 * same run. The hash is keyed with per-table random seeds so that clients cannot aim collisions, as
 * the kernel keys its jhash with ip_vs_conn_rnd.
 *
 * <p>Addresses follow the project convention (af 4|6, hi, lo). IPv6 entries keep their three
 * addresses in an {@link Ipv6Pool} record whose number sits in the client-address slot.
 *
 * <p>Templates of a persistence-engine service carry the engine's data (a SIP Call-ID) in a side
 * store, created on first use. Such a template is hashed with its data mixed in, as
 * ip_vs_conn_hashkey_param() uses the engine's hashkey_raw, so that the many dialogs of one SIP
 * proxy do not pile up in one probe run.
 */
public final class ConnectionTable {
    /** No entry. */
    public static final int NONE = -1;
    /** Timeout of a new connection until its first state transition (ip_vs_conn_new). */
    public static final int NEW_CONNECTION_TIMEOUT_SECONDS = 3;
    /** How long an entry that still controls others is kept when its timer fires (ip_vs_conn_expire). */
    public static final int CONTROLLER_REARM_SECONDS = 60;
    /** Largest capacity: the index needs a few tag bits beside the entry number. */
    public static final int MAX_CAPACITY = (1 << 27) - 1;

    /** Told about each entry just before it is released: its controller is unlinked and its destination unbound. */
    public interface ExpiryListener {
        void expired(ConnectionTable table, int index);
    }

    /**
     * Told when an entry's timer fired but the entry still controls others, so it was kept and
     * re-armed for {@link #CONTROLLER_REARM_SECONDS} (ip_vs_conn_expire()'s expire_later, where a
     * sync master sends it again).
     */
    @FunctionalInterface
    public interface KeptListener {
        void kept(int index, long nowNanos);
    }

    // key[]: cport | vport | dport | protocol | state | oldState, 16/16/16/8/4/4 bits from the top.
    private static final int CPORT_SHIFT = 48;
    private static final int VPORT_SHIFT = 32;
    private static final int DPORT_SHIFT = 16;
    private static final int PROTOCOL_SHIFT = 8;
    private static final int STATE_SHIFT = 4;
    private static final long PORT_MASK = 0xFFFFL;
    private static final long STATE_MASK = 0xFL;
    /** The state nibble saying that the state is in {@link #spilledStates}. */
    private static final int STATE_SPILLED = 15;
    /** The kernel's cp->state is a u16. */
    private static final int U16 = 0xFFFF;

    // flags[]: the kernel's bits, then internal ones the accessors hide.
    private static final int PUBLIC_FLAGS = 0x3FFFF;
    private static final int AF6 = 1 << 18;
    private static final int CONTROLLED_SHIFT = 19;
    private static final int CONTROLLED_SPILLED = (1 << (32 - CONTROLLED_SHIFT)) - 1;

    private static final int MODE_IN = 0;
    private static final int MODE_OUT = 1;
    private static final int MODE_TEMPLATE = 2;
    private static final int MODE_TEMPLATE_PE = 3;
    /** The ports ip_vs_check_template() gives an invalidated template, so no lookup finds it again. */
    private static final int INVALID_TEMPLATE_PORT = 0xFFFF;

    private static final long UNSIGNED_INT = 0xFFFFFFFFL;

    private final int capacity;
    private final DestinationCounters counters;
    private final Timeouts timeouts;
    private final long seed0;
    private final long seed1;

    private final int[] caddr;
    private final int[] vaddr;
    private final int[] daddr;
    private final long[] key;
    private final int[] flags;
    private final int[] destId;
    /** The controller of a live entry; the next free entry of a free one. */
    private final int[] control;
    private final int[] inPkts;
    private final int[] timeout;
    private final int[] ext;

    private final HashIndex index;
    private final TimerWheel wheel;
    private final Ipv6Pool ipv6;
    private final HashIndex.Rehasher rehasher = this::entryHash;
    private final TimerWheel.Expirer expirer = this::expire;
    private Int2IntCounterMap spilledCounts;
    private Int2IntHashMap spilledStates;
    private KeptListener keptListener;
    private ExpiryListener listener;
    private ExpiryListener releaseListener;
    private PeDataStore peData;
    /** The engine data a MODE_TEMPLATE_PE probe compares, set for the probe's duration. */
    private DirectBuffer probePe;
    private int probePeOffset;
    private int probePeLength;

    private int highWater;
    private int freeHead = NONE;
    private int size;
    private int noClientPortCount;
    private long refusedFull;

    /** A table with the default timeouts. */
    public ConnectionTable(int capacity, long tickNanos, DestinationCounters counters) {
        this(capacity, tickNanos, counters, new Timeouts());
    }

    /** A table reading the (shared, admin-settable) {@code timeouts}. */
    public ConnectionTable(int capacity, long tickNanos, DestinationCounters counters, Timeouts timeouts) {
        this(capacity, tickNanos, counters, timeouts, new SecureRandom().nextLong());
    }

    /** With a fixed hash seed, for reproducible tests. */
    ConnectionTable(int capacity, long tickNanos, DestinationCounters counters, Timeouts timeouts, long seed) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be 1.." + MAX_CAPACITY + ": " + capacity);
        }
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tickNanos must be positive: " + tickNanos);
        }
        this.capacity = capacity;
        this.counters = counters == null ? DestinationCounters.NONE : counters;
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.seed0 = mix(seed);
        this.seed1 = mix(seed0 ^ 0x9E3779B97F4A7C15L);
        this.caddr = new int[capacity];
        this.vaddr = new int[capacity];
        this.daddr = new int[capacity];
        this.key = new long[capacity];
        this.flags = new int[capacity];
        this.destId = new int[capacity];
        this.control = new int[capacity];
        this.inPkts = new int[capacity];
        this.timeout = new int[capacity];
        this.ext = new int[capacity];
        this.index = new HashIndex(capacity);
        this.wheel = new TimerWheel(capacity, tickNanos, TimerWheel.slotsFor(capacity, tickNanos));
        this.ipv6 = new Ipv6Pool(capacity);
    }

    // ---------------------------------------------------------------- lookups

    /**
     * The connection of a packet from a client (ip_vs_conn_in_get): protocol, client address:port and
     * virtual address:port must match; an entry with NO_CPORT matches only a lookup with cport 0, and
     * a failed lookup is retried with cport 0 while any NO_CPORT entry exists.
     */
    public int lookupIn(int protocol, int af, long cHi, long cLo, int cport, long vHi, long vLo, int vport) {
        int e = find(MODE_IN, protocol, af, cHi, cLo, cport, vHi, vLo, vport);
        if (e == NONE && noClientPortCount > 0 && cport != 0) {
            e = find(MODE_IN, protocol, af, cHi, cLo, 0, vHi, vLo, vport);
        }
        return e;
    }

    /**
     * The connection of a reply travelling to a client (ip_vs_conn_out_get): the reply's destination
     * is the client address:port; its source must be daddr:dport for a MASQ entry, vaddr:vport for
     * the other forwarding methods.
     */
    public int lookupOut(int protocol, int af, long srcHi, long srcLo, int sport, long cHi, long cLo, int cport) {
        return find(MODE_OUT, protocol, af, cHi, cLo, cport, srcHi, srcLo, sport);
    }

    /**
     * A persistence template (ip_vs_ct_in_get): an entry with TEMPLATE whose protocol, client
     * address:port and virtual address:port match. Fwmark templates (protocol 0) pass the mark as
     * the virtual address (hi 0, lo mark) whatever the af.
     */
    public int lookupTemplate(int protocol, int af, long cHi, long cLo, int cport, long vHi, long vLo, int vport) {
        return find(MODE_TEMPLATE, protocol, af, cHi, cLo, cport, vHi, vLo, vport);
    }

    /**
     * A persistence template that also carries the engine data {@code pe[offset, offset+length)}
     * (ip_vs_ct_in_get() with p->pe_data, matching as ip_vs_sip_ct_match(): the same fields as
     * {@link #lookupTemplate} and equal data). Templates without data never match here, nor do
     * templates with data match {@link #lookupTemplate}.
     */
    public int lookupTemplate(int protocol, int af, long cHi, long cLo, int cport, long vHi, long vLo, int vport,
                              DirectBuffer pe, int offset, int length) {
        if (peData == null || peData.size() == 0) {
            return NONE;
        }
        probePe = pe;
        probePeOffset = offset;
        probePeLength = length;
        try {
            return find(MODE_TEMPLATE_PE, protocol, af, cHi, cLo, cport, vHi, vLo, vport);
        } finally {
            probePe = null;
        }
    }

    private int find(int mode, int protocol, int af, long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        if (af != 4 && af != 6) {
            return NONE;
        }
        boolean v6 = af == 6;
        long hash = keyHash(protocol, v6, aHi, aLo, aPort);
        if (mode == MODE_TEMPLATE_PE) {
            hash = withPeHash(hash, peHash(probePe, probePeOffset, probePeLength));
        }
        int tag = index.tag(hash);
        for (int pos = index.home(hash); ; pos = index.next(pos)) {
            int value = index.at(pos);
            if (value == 0) {
                return NONE;
            }
            if (index.tagOf(value) == tag) {
                int e = index.entryOf(value);
                if (matches(mode, e, protocol, v6, aHi, aLo, aPort, bHi, bLo, bPort)) {
                    return e;
                }
            }
        }
    }

    private boolean matches(int mode, int e, int protocol, boolean v6,
                            long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        int f = flags[e];
        long k = key[e];
        if (((f & AF6) != 0) != v6 || port(k, CPORT_SHIFT) != aPort || protocolOf(k) != protocol
                || !addressEquals(e, Ipv6Pool.CLIENT, aHi, aLo)) {
            return false;
        }
        switch (mode) {
            case MODE_IN:
                return port(k, VPORT_SHIFT) == bPort
                        && (aPort == 0) == ((f & ConnFlags.NO_CPORT) != 0)
                        && addressEquals(e, Ipv6Pool.VIRTUAL, bHi, bLo);
            case MODE_OUT:
                if ((f & ConnFlags.FWD_MASK) == ConnFlags.MASQ) {
                    return port(k, DPORT_SHIFT) == bPort && addressEquals(e, Ipv6Pool.DESTINATION, bHi, bLo);
                }
                return port(k, VPORT_SHIFT) == bPort && addressEquals(e, Ipv6Pool.VIRTUAL, bHi, bLo);
            case MODE_TEMPLATE:
                return (f & ConnFlags.TEMPLATE) != 0 && port(k, VPORT_SHIFT) == bPort
                        && addressEquals(e, Ipv6Pool.VIRTUAL, bHi, bLo) && peSlot(e) < 0;
            default:
                if ((f & ConnFlags.TEMPLATE) == 0 || port(k, VPORT_SHIFT) != bPort
                        || !addressEquals(e, Ipv6Pool.VIRTUAL, bHi, bLo)) {
                    return false;
                }
                int slot = peSlot(e);
                return slot >= 0 && peData.equals(slot, probePe, probePeOffset, probePeLength);
        }
    }

    // ---------------------------------------------------------------- insert and links

    /**
     * Creates a connection, as ip_vs_conn_new: state NONE, a 3 s timeout, bound to {@code destId}
     * (connectionBound is called unless destId &lt; 0), linked to {@code control} unless NONE, and
     * hashed unless it has ONE_PACKET. Returns NONE, counted in {@link #refusedFull()}, when the
     * table is full; NONE, uncounted, for an af other than 4 or 6. The caller passes the final
     * flags (the destination's conn_flags already merged, as ip_vs_bind_dest does); HASHED is ignored.
     */
    public int insert(int protocol, int af, long cHi, long cLo, int cport, long vHi, long vLo, int vport,
                      long dHi, long dLo, int dport, int flags, int destId, int control, long nowNanos) {
        return insert(protocol, af, cHi, cLo, cport, vHi, vLo, vport, dHi, dLo, dport, flags, destId, control,
                nowNanos, null, 0, 0);
    }

    /**
     * {@link #insert} for a template that keeps persistence-engine data {@code pe[offset,
     * offset+length)}, 1..255 bytes (ip_vs_conn_new() taking over p->pe_data): the data is copied to
     * the side store, freed when the template is released, and mixed into the template's hash.
     * {@code pe == null} inserts without data.
     */
    public int insert(int protocol, int af, long cHi, long cLo, int cport, long vHi, long vLo, int vport,
                      long dHi, long dLo, int dport, int flags, int destId, int control, long nowNanos,
                      DirectBuffer pe, int offset, int length) {
        if (af != 4 && af != 6) {
            return NONE;
        }
        int e = allocate();
        if (e == NONE) {
            refusedFull++;
            return NONE;
        }
        if (pe != null && (flags & ConnFlags.TEMPLATE) != 0) {
            if (peData == null) {
                peData = new PeDataStore(capacity);
            }
            // Cannot fail: the store may hold as many data as the table has entries.
            peData.attach(e, pe, offset, length, peHash(pe, offset, length));
        }
        int f = flags & PUBLIC_FLAGS & ~ConnFlags.HASHED;
        if (af == 6) {
            int record = ipv6.allocate();
            ipv6.set(record, Ipv6Pool.CLIENT, cHi, cLo);
            ipv6.set(record, Ipv6Pool.VIRTUAL, vHi, vLo);
            ipv6.set(record, Ipv6Pool.DESTINATION, dHi, dLo);
            caddr[e] = record;
            vaddr[e] = 0;
            daddr[e] = 0;
            this.flags[e] = f | AF6;
        } else {
            caddr[e] = (int) cLo;
            vaddr[e] = (int) vLo;
            daddr[e] = (int) dLo;
            this.flags[e] = f;
        }
        key[e] = (cport & PORT_MASK) << CPORT_SHIFT | (vport & PORT_MASK) << VPORT_SHIFT
                | (dport & PORT_MASK) << DPORT_SHIFT | (protocol & 0xFFL) << PROTOCOL_SHIFT;
        this.destId[e] = destId;
        this.control[e] = NONE;
        inPkts[e] = 0;
        ext[e] = 0;
        timeout[e] = NEW_CONNECTION_TIMEOUT_SECONDS;
        size++;
        if ((f & ConnFlags.NO_CPORT) != 0) {
            noClientPortCount++;
        }
        if (destId >= 0) {
            counters.connectionBound(destId, f);
        }
        if (isInUse(control)) {
            setControl(e, control);
        }
        wheel.add(e, nowNanos, NEW_CONNECTION_TIMEOUT_SECONDS);
        if ((f & ConnFlags.ONE_PACKET) == 0) {
            hash(e);
        }
        return e;
    }

    /**
     * A listener told about every release, whichever call causes it, before the one a {@link #poll}
     * caller passes: application helpers unbind here, as ip_vs_unbind_app() runs in the connection's
     * destructor. Null removes it.
     */
    public void setReleaseListener(ExpiryListener releaseListener) {
        this.releaseListener = releaseListener;
    }

    /** Links {@code i} to its controlling connection or template and counts it there (ip_vs_control_add). */
    public void setControl(int i, int controller) {
        if (control[i] != NONE) {
            clearControl(i);
        }
        if (controller == NONE) {
            return;
        }
        control[i] = controller;
        setControlledCount(controller, controlledCount(controller) + 1);
    }

    /** Unlinks {@code i} from its controller (ip_vs_control_del); nothing when it has none. */
    public void clearControl(int i) {
        int controller = control[i];
        if (controller == NONE) {
            return;
        }
        control[i] = NONE;
        int count = controlledCount(controller);
        if (count > 0) {
            setControlledCount(controller, count - 1);
        }
    }

    /**
     * Sets the client port of a NO_CPORT entry and rehashes it under its new key
     * (ip_vs_conn_fill_cport). Nothing happens to an entry that is not hashed.
     */
    public void fillClientPort(int i, int cport) {
        if ((flags[i] & ConnFlags.HASHED) == 0) {
            return;
        }
        unhash(i);
        if ((flags[i] & ConnFlags.NO_CPORT) != 0) {
            noClientPortCount--;
            flags[i] &= ~ConnFlags.NO_CPORT;
            key[i] = key[i] & ~(PORT_MASK << CPORT_SHIFT) | (cport & PORT_MASK) << CPORT_SHIFT;
        }
        hash(i);
    }

    // ---------------------------------------------------------------- state machines

    /**
     * One TCP segment's effect, as set_tcp_state(): picks the table row (a NOOUTPUT entry uses
     * INPUT_ONLY for input and loses NOOUTPUT on the first output), the event (none -> CLOSE),
     * moves the destination between active and inactive when the new state's activity differs from
     * the INACTIVE flag, assures a controlling template on ESTABLISHED, and re-arms the timer with
     * the new state's timeout, even when the state did not change. Returns the new state.
     */
    public int tcpTransition(int i, int direction, int tcpFlags, boolean secure, long nowNanos) {
        int f = flags[i];
        int row = direction;
        if ((f & ConnFlags.NOOUTPUT) != 0) {
            if (direction == TcpStateTable.OUTPUT) {
                f &= ~ConnFlags.NOOUTPUT;
            } else {
                row = TcpStateTable.INPUT_ONLY;
            }
        }
        int current = state(i);
        int event = TcpStateTable.event(tcpFlags);
        int next = event < 0 ? TcpStates.CLOSE : TcpStateTable.next(current, row, event, secure);
        if (next != current) {
            int dest = destId[i];
            if (dest >= 0) {
                boolean active = TcpStates.isActive(next);
                if ((f & ConnFlags.INACTIVE) == 0 && !active) {
                    counters.activeToInactive(dest);
                    f |= ConnFlags.INACTIVE;
                } else if ((f & ConnFlags.INACTIVE) != 0 && active) {
                    counters.inactiveToActive(dest);
                    f &= ~ConnFlags.INACTIVE;
                }
            }
            if (next == TcpStates.ESTABLISHED) {
                assureController(i);
            }
        }
        flags[i] = f;
        setState(i, next);
        setTimeout(i, timeouts.tcp(next), nowNanos);
        return next;
    }

    /**
     * ip_vs_tcp_conn_listen(): a connection an application helper announced waits in LISTEN with
     * that state's timeout. A raw state write, as the kernel's: the active/inactive counters move
     * at the first real transition.
     */
    public void tcpListen(int i, long nowNanos) {
        setState(i, TcpStates.LISTEN);
        setTimeout(i, timeouts.tcp(TcpStates.LISTEN), nowNanos);
    }

    /** A UDP packet from the client (udp_state_transition, INPUT). */
    public void udpTouch(int i, long nowNanos) {
        udpTransition(i, TcpStateTable.INPUT, nowNanos);
    }

    /**
     * A UDP packet in either direction (udp_state_transition): the UDP timeout is re-armed; a reply
     * (OUTPUT) assures a controlling template. UDP entries never leave INACTIVE.
     */
    public void udpTransition(int i, int direction, long nowNanos) {
        if (direction == TcpStateTable.OUTPUT) {
            assureController(i);
        }
        setTimeout(i, timeouts.udp(), nowNanos);
    }

    // As ip_vs_control_assure_ct().
    private void assureController(int i) {
        int controller = control[i];
        if (controller != NONE && (flags[controller] & ConnFlags.TEMPLATE) != 0) {
            setState(controller, state(controller) | TemplateStates.ASSURED);
        }
    }

    /**
     * ip_vs_check_template()'s invalidation: a template whose destination may no longer be used gets
     * ports 0xFFFF (client port 0) and is rehashed, so that lookups miss it and a new template can
     * take its key, while the connections it controls keep their link. Its timer runs on.
     */
    public void invalidateTemplate(int i) {
        if (port(key[i], VPORT_SHIFT) == INVALID_TEMPLATE_PORT || (flags[i] & ConnFlags.HASHED) == 0) {
            return;
        }
        unhash(i);
        long k = key[i] & ~(PORT_MASK << CPORT_SHIFT | PORT_MASK << VPORT_SHIFT | PORT_MASK << DPORT_SHIFT);
        key[i] = k | (long) INVALID_TEMPLATE_PORT << VPORT_SHIFT | (long) INVALID_TEMPLATE_PORT << DPORT_SHIFT;
        hash(i);
    }

    // ---------------------------------------------------------------- expiry

    /**
     * Expire as soon as the wheel next ticks (ip_vs_conn_expire_now). An entry that controls nobody
     * is unhashed at once, so no lookup finds it; its release (listener, counters) comes from
     * {@link #poll}. One that still controls others stays hashed and is re-armed for 60 s there.
     */
    public void expireNow(int i) {
        if (controlledCount(i) == 0 && (flags[i] & ConnFlags.HASHED) != 0) {
            unhash(i);
        }
        wheel.expireSoon(i);
    }

    /**
     * Delete a connection and, with it, the chain it hangs from (ip_vs_conn_del): a controlled entry
     * gets timeout 0, so that at its release a controller left controlling nothing is deleted too,
     * unless that controller is an ASSURED template.
     */
    public void delete(int i) {
        if (control[i] != NONE) {
            timeout[i] = 0;
        }
        expireNow(i);
    }

    /**
     * Expires every entry due by {@code nowNanos}, at most {@code limit} of them (the rest wait for
     * the next call), and returns how many were released. Mirrors ip_vs_conn_expire: an entry that
     * controls others is re-armed for 60 s; any other is unhashed, unlinked from its controller,
     * unbound from its destination, shown to {@code listener} (may be null) and freed.
     */
    public int poll(long nowNanos, ExpiryListener listener, int limit) {
        ExpiryListener outer = this.listener;
        this.listener = listener;
        try {
            return wheel.advance(nowNanos, expirer, limit);
        } finally {
            this.listener = outer;
        }
    }

    /**
     * Expires an entry at once, as ip_vs_conn_put() runs ip_vs_conn_expire() directly for a
     * one-packet connection: it is released now, before the next packet, so its destination's
     * counters are back where they were when the scheduler runs again. An entry that still controls
     * others is re-armed for 60 s instead. Returns whether it was released.
     */
    public boolean expireImmediately(int i, ExpiryListener listener, long nowNanos) {
        ExpiryListener outer = this.listener;
        this.listener = listener;
        try {
            return expire(i, nowNanos);
        } finally {
            this.listener = outer;
        }
    }

    /** Set while a sync master runs: it sends a kept controller again. Null removes it. */
    public void setKeptListener(KeptListener keptListener) {
        this.keptListener = keptListener;
    }

    private boolean expire(int e, long nowNanos) {
        if (controlledCount(e) > 0) {
            timeout[e] = CONTROLLER_REARM_SECONDS;
            wheel.arm(e, nowNanos, CONTROLLER_REARM_SECONDS);
            if (keptListener != null) {
                keptListener.kept(e, nowNanos);
            }
            return false;
        }
        release(e);
        return true;
    }

    private void release(int e) {
        int f = flags[e];
        if ((f & ConnFlags.HASHED) != 0) {
            unhash(e);
        }
        int controller = control[e];
        if (controller != NONE) {
            clearControl(e);
            if (timeout[e] == 0 && controlledCount(controller) == 0
                    && ((flags[controller] & ConnFlags.TEMPLATE) == 0
                        || (state(controller) & TemplateStates.ASSURED) == 0)) {
                delete(controller);
            }
        }
        if (destId[e] >= 0) {
            counters.connectionUnbound(destId[e], flags(e));
        }
        if ((f & ConnFlags.NO_CPORT) != 0) {
            noClientPortCount--;
        }
        // Freed in the wheel first, so that a listener re-arming the entry cannot file it again.
        wheel.free(e);
        if (releaseListener != null) {
            releaseListener.expired(this, e);
        }
        if (listener != null) {
            listener.expired(this, e);
        }
        if ((f & AF6) != 0) {
            ipv6.release(caddr[e]);
        }
        if (peData != null && (f & ConnFlags.TEMPLATE) != 0) {
            peData.free(e);
        }
        if (stateNibble(e) == STATE_SPILLED) {
            spilledStates.remove(e);
        }
        flags[e] = 0;
        control[e] = freeHead;
        freeHead = e;
        size--;
    }

    private int allocate() {
        if (freeHead != NONE) {
            int e = freeHead;
            freeHead = control[e];
            return e;
        }
        return highWater < capacity ? highWater++ : NONE;
    }

    // ---------------------------------------------------------------- table facts

    /** Inserts refused because the table was full. */
    public long refusedFull() {
        return refusedFull;
    }

    /** Entries in use, including those unhashed and waiting for {@link #poll} to release them. */
    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    /** Whether {@code i} is an entry in use (allocated and not yet released). */
    public boolean isInUse(int i) {
        return i >= 0 && i < highWater && !wheel.isFree(i);
    }

    /** Visits every hashed entry (what /proc/net/ip_vs_conn lists: not OPS or unhashed ones). */
    public void forEach(IntConsumer consumer) {
        for (int i = 0; i < highWater; i++) {
            if (!wheel.isFree(i) && (flags[i] & ConnFlags.HASHED) != 0) {
                consumer.accept(i);
            }
        }
    }

    /** Bytes held by all of the table's arrays (entries, index, wheel, IPv6 pool, spilled counts). */
    public long footprintBytes() {
        long bytes = 4L * (caddr.length + vaddr.length + daddr.length + flags.length + destId.length
                + control.length + inPkts.length + timeout.length + ext.length)
                + 8L * key.length
                + index.footprintBytes() + wheel.footprintBytes() + ipv6.footprintBytes();
        if (spilledCounts != null) {
            bytes += 8L * spilledCounts.capacity();
        }
        if (peData != null) {
            bytes += peData.footprintBytes();
        }
        if (spilledStates != null) {
            bytes += 8L * spilledStates.capacity();
        }
        return bytes;
    }

    // ---------------------------------------------------------------- accessors

    public int protocol(int i) {
        return protocolOf(key[i]);
    }

    public int af(int i) {
        return (flags[i] & AF6) != 0 ? 6 : 4;
    }

    public int cport(int i) {
        return port(key[i], CPORT_SHIFT);
    }

    public int vport(int i) {
        return port(key[i], VPORT_SHIFT);
    }

    public int dport(int i) {
        return port(key[i], DPORT_SHIFT);
    }

    public long caddrHi(int i) {
        return addressHi(i, Ipv6Pool.CLIENT);
    }

    public long caddrLo(int i) {
        return addressLo(i, Ipv6Pool.CLIENT);
    }

    public long vaddrHi(int i) {
        return addressHi(i, Ipv6Pool.VIRTUAL);
    }

    public long vaddrLo(int i) {
        return addressLo(i, Ipv6Pool.VIRTUAL);
    }

    public long daddrHi(int i) {
        return addressHi(i, Ipv6Pool.DESTINATION);
    }

    public long daddrLo(int i) {
        return addressLo(i, Ipv6Pool.DESTINATION);
    }

    /** The kernel flag bits (HASHED tells whether the entry is in the index). */
    public int flags(int i) {
        return flags[i] & PUBLIC_FLAGS;
    }

    /**
     * Replaces the kernel flag bits, except HASHED, which the table owns. A raw write: it calls no
     * counters (a caller changing INACTIVE adjusts them itself) but keeps the NO_CPORT count right.
     */
    public void setFlags(int i, int f) {
        int old = flags[i];
        int kept = old & (~PUBLIC_FLAGS | ConnFlags.HASHED);
        int updated = kept | (f & PUBLIC_FLAGS & ~ConnFlags.HASHED);
        if (((old ^ updated) & ConnFlags.NO_CPORT) != 0) {
            noClientPortCount += (updated & ConnFlags.NO_CPORT) != 0 ? 1 : -1;
        }
        flags[i] = updated;
    }

    /**
     * The protocol state (TcpStates for TCP, SctpStates for SCTP, TemplateStates bits for a
     * template, 0 for UDP), 0..65535.
     */
    public int state(int i) {
        int s = stateNibble(i);
        return s != STATE_SPILLED ? s : spilledStates.get(i);
    }

    /**
     * A raw write of the state, kept to 16 bits as the kernel's u16: no counters, no timer;
     * {@link #tcpTransition} does those.
     */
    public void setState(int i, int s) {
        int state = s & U16;
        int nibble = state;
        if (state >= STATE_SPILLED) {
            if (spilledStates == null) {
                spilledStates = new Int2IntHashMap(0);
            }
            spilledStates.put(i, state);
            nibble = STATE_SPILLED;
        } else if (stateNibble(i) == STATE_SPILLED) {
            spilledStates.remove(i);
        }
        key[i] = key[i] & ~(STATE_MASK << STATE_SHIFT) | (long) nibble << STATE_SHIFT;
    }

    private int stateNibble(int i) {
        return (int) (key[i] >>> STATE_SHIFT & STATE_MASK);
    }

    /**
     * The state last reported to the sync master's peers (cp->old_state), four bits: only TCP and
     * SCTP connections read it back (ip_vs_sync_conn_needed()), and their states fit.
     */
    public int oldState(int i) {
        return (int) (key[i] & STATE_MASK);
    }

    public void setOldState(int i, int s) {
        key[i] = key[i] & ~STATE_MASK | (s & STATE_MASK);
    }

    public int destId(int i) {
        return destId[i];
    }

    /** A raw write of the destination: no counters are called. */
    public void setDestId(int i, int d) {
        destId[i] = d;
    }

    public int control(int i) {
        return control[i];
    }

    /** How many entries name {@code i} as their controller (cp->n_control). */
    public int controlledCount(int i) {
        int inline = flags[i] >>> CONTROLLED_SHIFT;
        return inline != CONTROLLED_SPILLED ? inline : spilledCounts.get(i);
    }

    public int inPkts(int i) {
        return inPkts[i];
    }

    /** Counts one inbound packet and returns the new count (atomic_inc_return(&cp->in_pkts)). */
    public int incrementInPkts(int i) {
        return ++inPkts[i];
    }

    public void setInPkts(int i, int n) {
        inPkts[i] = n;
    }

    /** The timeout the timer was last armed with, in seconds (cp->timeout). */
    public int timeoutSeconds(int i) {
        return timeout[i];
    }

    /** Sets the timeout and re-arms the timer to fire that long after {@code nowNanos}. */
    public void setTimeout(int i, int seconds, long nowNanos) {
        timeout[i] = Math.max(0, seconds);
        wheel.arm(i, nowNanos, timeout[i]);
    }

    /** Time left until the entry's timer fires, to a tick; 0 when due (the Expires column of listings). */
    public long remainingNanos(int i, long nowNanos) {
        return wheel.remainingNanos(i, nowNanos);
    }

    /** A free int for other packages (application helper state and the like); 0 on insert. */
    public int ext(int i) {
        return ext[i];
    }

    public void setExt(int i, int x) {
        ext[i] = x;
    }

    /**
     * Length of the persistence-engine data a template carries (cp->pe_data_len), 0 for none. Only
     * the SIP engine exists, so data always means engine "sip" (what sync v1 sends as PE_NAME).
     */
    public int peDataLength(int i) {
        int slot = peSlot(i);
        return slot < 0 ? 0 : peData.length(slot);
    }

    /** Copies the template's persistence-engine data to {@code dst} at {@code offset}; returns its length. */
    public int peData(int i, MutableDirectBuffer dst, int offset) {
        int slot = peSlot(i);
        if (slot < 0) {
            return 0;
        }
        peData.copy(slot, dst, offset);
        return peData.length(slot);
    }

    // ---------------------------------------------------------------- internals

    private void hash(int e) {
        index.add(entryHash(e), e);
        flags[e] |= ConnFlags.HASHED;
    }

    private void unhash(int e) {
        index.remove(entryHash(e), e, rehasher);
        flags[e] &= ~ConnFlags.HASHED;
    }

    private void setControlledCount(int i, int count) {
        int inline = flags[i] >>> CONTROLLED_SHIFT;
        if (count >= CONTROLLED_SPILLED) {
            if (spilledCounts == null) {
                spilledCounts = new Int2IntCounterMap(0);
            }
            spilledCounts.put(i, count);
            inline = CONTROLLED_SPILLED;
        } else {
            if (inline == CONTROLLED_SPILLED) {
                spilledCounts.remove(i);
            }
            inline = count;
        }
        flags[i] = flags[i] & ((1 << CONTROLLED_SHIFT) - 1) | inline << CONTROLLED_SHIFT;
    }

    private long entryHash(int e) {
        long k = key[e];
        boolean v6 = (flags[e] & AF6) != 0;
        long h = keyHash(protocolOf(k), v6, addressHi(e, Ipv6Pool.CLIENT),
                addressLo(e, Ipv6Pool.CLIENT), port(k, CPORT_SHIFT));
        int slot = peSlot(e);
        return slot < 0 ? h : withPeHash(h, peData.hash(slot));
    }

    /** The side-store slot of a template's engine data, or -1. */
    private int peSlot(int e) {
        return peData == null || (flags[e] & ConnFlags.TEMPLATE) == 0 ? -1 : peData.slotOf(e);
    }

    // FNV-1a over the data, then keyed like every other hash of the table.
    private int peHash(DirectBuffer b, int offset, int length) {
        int h = 0x811C9DC5;
        for (int i = 0; i < length; i++) {
            h = (h ^ (b.getByte(offset + i) & 0xFF)) * 0x01000193;
        }
        return (int) mix(h ^ seed1);
    }

    private static long withPeHash(long keyHash, int peHash) {
        return mix(keyHash ^ (peHash & UNSIGNED_INT) << 16);
    }

    private long keyHash(int protocol, boolean v6, long hi, long lo, int port) {
        long tail = (port & PORT_MASK) << 32 | (protocol & 0xFFL) << 48;
        if (!v6) {
            return mix(lo ^ tail ^ seed0);
        }
        long x = mix(hi ^ seed0);
        x = mix(x ^ lo ^ seed1);
        return mix(x ^ tail);
    }

    // The MurmurHash3 64-bit finalizer: every input bit reaches every output bit.
    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        x *= 0xC4CEB9FE1A85EC53L;
        return x ^ x >>> 33;
    }

    private boolean addressEquals(int e, int which, long hi, long lo) {
        if ((flags[e] & AF6) != 0) {
            int record = caddr[e];
            return ipv6.get(record, which) == hi && ipv6.get(record, which + 1) == lo;
        }
        return hi == 0 && (ipv4(e, which) & UNSIGNED_INT) == lo;
    }

    private int ipv4(int e, int which) {
        switch (which) {
            case Ipv6Pool.CLIENT:
                return caddr[e];
            case Ipv6Pool.VIRTUAL:
                return vaddr[e];
            default:
                return daddr[e];
        }
    }

    private long addressHi(int e, int which) {
        return (flags[e] & AF6) != 0 ? ipv6.get(caddr[e], which) : 0;
    }

    private long addressLo(int e, int which) {
        return (flags[e] & AF6) != 0 ? ipv6.get(caddr[e], which + 1) : ipv4(e, which) & UNSIGNED_INT;
    }

    private static int port(long k, int shift) {
        return (int) (k >>> shift & PORT_MASK);
    }

    private static int protocolOf(long k) {
        return (int) (k >>> PROTOCOL_SHIFT & 0xFF);
    }
}
