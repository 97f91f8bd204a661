package org.actorvs.service;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A real server of one virtual service: the runtime half of the kernel's {@code struct ip_vs_dest}.
 *
 * <p>The connection counters and the status flags are shared by every shard thread. They change on
 * connection events only (bind, unbind, active/inactive transitions), through {@link DestinationRegistry},
 * and are read by the least-connection schedulers; per-packet statistics live elsewhere. Weight,
 * thresholds and method are written by the owner of the service (one control thread) and read by all.
 *
 * <p>Instances are created by {@link DestinationRegistry#create} and added to a service by
 * {@link VirtualService}; a destination belongs to one service for its whole life.
 */
public final class Destination extends DestinationRightPad {
    /** IP_VS_DEST_F_AVAILABLE: the destination is in its service's list. */
    static final int F_AVAILABLE = 0x0001;
    /** IP_VS_DEST_F_OVERLOAD: the upper connection threshold was reached. */
    static final int F_OVERLOAD = 0x0002;

    /** IP_VS_CONN_F_NOOUTPUT: replies do not pass the director (every method but NAT). */
    public static final int CONN_F_NOOUTPUT = 0x0080;
    /** IP_VS_CONN_F_INACTIVE. */
    public static final int CONN_F_INACTIVE = 0x0100;
    /** IP_VS_CONN_F_TEMPLATE: a persistence template. */
    public static final int CONN_F_TEMPLATE = 0x1000;

    private static final VarHandle ACTIVE;
    private static final VarHandle INACTIVE;
    private static final VarHandle PERSISTENT;
    private static final VarHandle FLAGS;
    private static final VarHandle REFS;

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            ACTIVE = lookup.findVarHandle(DestinationHotFields.class, "activeConns", int.class);
            INACTIVE = lookup.findVarHandle(DestinationHotFields.class, "inactiveConns", int.class);
            PERSISTENT = lookup.findVarHandle(DestinationHotFields.class, "persistentConns", int.class);
            FLAGS = lookup.findVarHandle(DestinationHotFields.class, "flags", int.class);
            REFS = lookup.findVarHandle(DestinationHotFields.class, "refs", int.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int id;
    private final int af;
    private final long addrHi;
    private final long addrLo;
    private final int port;
    private final InetAddress address;
    private volatile ForwardingMethod method;
    private volatile int lastWeight;
    private volatile int upperThreshold;
    private volatile int lowerThreshold;

    Destination(final int id, final int af, final long addrHi, final long addrLo, final int port,
                final ForwardingMethod method, final int weight, final int upperThreshold,
                final int lowerThreshold) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
        this.id = id;
        this.af = af;
        this.addrHi = addrHi;
        this.addrLo = addrLo;
        this.port = port;
        this.address = toInetAddress(af, addrHi, addrLo);
        // The service's own reference, as the kernel's dest->refcnt held by svc->destinations.
        this.refs = 1;
        restore(method, weight, upperThreshold, lowerThreshold);
    }

    public int id() {
        return id;
    }

    public int af() {
        return af;
    }

    public long addrHi() {
        return addrHi;
    }

    public long addrLo() {
        return addrLo;
    }

    /** The address for display and logs; never used on the packet path. */
    public InetAddress address() {
        return address;
    }

    public int port() {
        return port;
    }

    public ForwardingMethod method() {
        return method;
    }

    public int weight() {
        return weight;
    }

    /** The latest non-zero weight: mh keeps a quiesced destination's table slots by using it. */
    public int lastWeight() {
        return lastWeight;
    }

    public int upperThreshold() {
        return upperThreshold;
    }

    public int lowerThreshold() {
        return lowerThreshold;
    }

    /** False once the destination was removed from its service. */
    public boolean available() {
        return (flags & F_AVAILABLE) != 0;
    }

    public boolean overloaded() {
        return (flags & F_OVERLOAD) != 0;
    }

    public int activeConns() {
        return activeConns;
    }

    public int inactiveConns() {
        return inactiveConns;
    }

    public int persistentConns() {
        return persistentConns;
    }

    /** activeconns × 256 + inactconns, as ip_vs_dest_conn_overhead(). */
    public int connOverhead() {
        return (activeConns << 8) + inactiveConns;
    }

    /**
     * The flags a new connection to this destination inherits: the method, INACTIVE, and NOOUTPUT
     * unless NAT (the dest->conn_flags that __ip_vs_update_dest() computes).
     */
    public int connFlags() {
        final ForwardingMethod m = method;
        return m.flag() | CONN_F_INACTIVE | (m == ForwardingMethod.MASQ ? 0 : CONN_F_NOOUTPUT);
    }

    /**
     * Sets the weight; 0 quiesces the destination. Keeps {@link #lastWeight()} at the latest non-zero
     * weight, as __ip_vs_update_dest() does for an edit. Schedulers with tables (wrr, sh, mh ...) see
     * the change only after their update hook runs: {@link VirtualService#editDestination} does both.
     */
    public void setWeight(final int weight) {
        checkWeight(weight);
        if (weight != 0) {
            lastWeight = weight;
        }
        this.weight = weight;
    }

    public void setMethod(final ForwardingMethod method) {
        this.method = Objects.requireNonNull(method, "method");
    }

    /**
     * Sets the connection thresholds (0 = none). Clears OVERLOAD when the new upper threshold is 0 or
     * larger than before, as __ip_vs_update_dest() does on an edit.
     *
     * @throws IllegalArgumentException if a threshold is negative or lower > upper (the kernel's ERANGE)
     */
    public void setThresholds(final int upper, final int lower) {
        checkThresholds(upper, lower);
        if (upper == 0 || upper > upperThreshold) {
            FLAGS.getAndBitwiseAnd(this, ~F_OVERLOAD);
        }
        upperThreshold = upper;
        lowerThreshold = lower;
    }

    /**
     * Applies the settings of an add (a new destination, or one taken back from the trash): unlike an
     * edit, an add stores the weight as last weight even when it is 0. Marks the destination available.
     */
    void restore(final ForwardingMethod method, final int weight, final int upper, final int lower) {
        checkSettings(method, weight, upper, lower);
        lastWeight = weight;
        this.weight = weight;
        this.method = method;
        setThresholds(upper, lower);
        FLAGS.getAndBitwiseOr(this, F_AVAILABLE);
    }

    /** Clears AVAILABLE, as __ip_vs_unlink_dest(). */
    void markUnavailable() {
        FLAGS.getAndBitwiseAnd(this, ~F_AVAILABLE);
    }

    /**
     * Takes a reference for a service or connection unless the destination was already freed (its id
     * may then belong to another destination).
     */
    boolean tryHold() {
        int current;
        do {
            current = refs;
            if (current == 0) {
                return false;
            }
        } while (!REFS.compareAndSet(this, current, current + 1));
        return true;
    }

    /** True once every reference is gone; the id may then name another destination. */
    boolean freed() {
        return refs == 0;
    }

    /** Drops a reference; true when it was the last one and the id may be reused. */
    boolean put() {
        return (int) REFS.getAndAdd(this, -1) == 1;
    }

    /** Counts a newly bound connection and sets OVERLOAD as ip_vs_bind_dest(). */
    void countBound(final int connFlags) {
        if ((connFlags & CONN_F_TEMPLATE) != 0) {
            PERSISTENT.getAndAdd(this, 1);
        } else if ((connFlags & CONN_F_INACTIVE) != 0) {
            INACTIVE.getAndAdd(this, 1);
        } else {
            ACTIVE.getAndAdd(this, 1);
        }
        final int upper = upperThreshold;
        if (upper != 0 && totalConns() >= upper) {
            FLAGS.getAndBitwiseOr(this, F_OVERLOAD);
        }
    }

    /** Uncounts an expired connection and clears OVERLOAD as ip_vs_unbind_dest(). */
    void countUnbound(final int connFlags) {
        if ((connFlags & CONN_F_TEMPLATE) != 0) {
            PERSISTENT.getAndAdd(this, -1);
        } else if ((connFlags & CONN_F_INACTIVE) != 0) {
            INACTIVE.getAndAdd(this, -1);
        } else {
            ACTIVE.getAndAdd(this, -1);
        }
        final int lower = lowerThreshold;
        final int upper = upperThreshold;
        final long total = totalConns();
        final boolean clear;
        if (lower != 0) {
            clear = total < lower;
        } else if (upper != 0) {
            // Without a lower threshold the kernel clears below 3/4 of the upper one.
            clear = total * 4 < (long) upper * 3;
        } else {
            clear = true;
        }
        if (clear) {
            FLAGS.getAndBitwiseAnd(this, ~F_OVERLOAD);
        }
    }

    /** A connection left an active TCP/SCTP state (ipvs-semantics §2.6). */
    void countActiveToInactive() {
        ACTIVE.getAndAdd(this, -1);
        INACTIVE.getAndAdd(this, 1);
    }

    void countInactiveToActive() {
        INACTIVE.getAndAdd(this, -1);
        ACTIVE.getAndAdd(this, 1);
    }

    private int totalConns() {
        return activeConns + inactiveConns;
    }

    static void checkSettings(final ForwardingMethod method, final int weight, final int upper, final int lower) {
        Objects.requireNonNull(method, "method");
        checkWeight(weight);
        checkThresholds(upper, lower);
    }

    private static void checkWeight(final int weight) {
        if (weight < 0) {
            throw new IllegalArgumentException("weight " + weight + " is negative");
        }
    }

    private static void checkThresholds(final int upper, final int lower) {
        if (upper < 0 || lower < 0) {
            throw new IllegalArgumentException("thresholds must not be negative: upper " + upper + ", lower " + lower);
        }
        if (lower > upper) {
            throw new IllegalArgumentException("lower threshold " + lower + " is higher than upper threshold " + upper);
        }
    }

    static InetAddress toInetAddress(final int af, final long hi, final long lo) {
        final byte[] bytes;
        if (af == 4) {
            if (hi != 0 || (lo >>> 32) != 0) {
                throw new IllegalArgumentException("IPv4 address must have hi 0 and lo below 2^32");
            }
            bytes = new byte[4];
            putBigEndian(bytes, 0, lo, 4);
        } else if (af == 6) {
            bytes = new byte[16];
            putBigEndian(bytes, 0, hi, 8);
            putBigEndian(bytes, 8, lo, 8);
        } else {
            throw new IllegalArgumentException("address family must be 4 or 6, not " + af);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address is always valid", e);
        }
    }

    private static void putBigEndian(final byte[] bytes, final int offset, final long value, final int length) {
        for (int i = 0; i < length; i++) {
            bytes[offset + i] = (byte) (value >>> (8 * (length - 1 - i)));
        }
    }

    @Override
    public String toString() {
        final String host = address.getHostAddress();
        return (af == 6 ? "[" + host + "]" : host) + ":" + port + " (id " + id + ", weight " + weight + ")";
    }
}

/*
 * Cache-line padding around the fields every shard thread touches, so that counter updates do not
 * invalidate lines of neighbouring objects (the class-hierarchy padding Agrona and Aeron use: the JVM
 * lays out superclass fields first).
 */
@SuppressWarnings("unused")
abstract class DestinationLeftPad {
    long p01, p02, p03, p04, p05, p06, p07, p08;
}

abstract class DestinationHotFields extends DestinationLeftPad {
    volatile int activeConns;
    volatile int inactiveConns;
    volatile int persistentConns;
    volatile int flags;
    /** The service's reference plus one per bound connection (kernel dest->refcnt). */
    volatile int refs;
    volatile int weight;
}

@SuppressWarnings("unused")
abstract class DestinationRightPad extends DestinationHotFields {
    long p11, p12, p13, p14, p15, p16, p17, p18;
}
