package org.actorvs.service;

import org.actorvs.conn.DestinationCounters;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.agrona.collections.IntArrayQueue;

/**
 * Gives every destination a small int id, so that connection entries kept in primitive arrays can refer
 * to their destination, and routes connection events to the destination's shared counters.
 *
 * <p>An id stays taken while anything refers to the destination: its service, or any bound connection or
 * persistence template (the kernel's dest->refcnt). When the last reference goes, the id becomes free;
 * free ids are reused oldest first, which leaves the longest possible gap before a freed id names a new
 * destination. {@link #byId} and the counter methods are safe from any thread and allocate nothing;
 * {@link #create} and {@link #release} are control-path operations.
 */
public final class DestinationRegistry implements DestinationCounters {
    /** An id no destination ever has; zero-filled connection arrays read as "no destination". */
    public static final int NO_ID = 0;

    private static final int INITIAL_CAPACITY = 64;

    private volatile AtomicReferenceArray<Destination> slots = new AtomicReferenceArray<>(INITIAL_CAPACITY);
    private final IntArrayQueue freeIds = new IntArrayQueue();
    private final AtomicLong staleEvents = new AtomicLong();
    private int nextId = NO_ID + 1;
    private int inUse;

    /**
     * A new available destination with a fresh id, its weight also stored as last weight (an add).
     *
     * @param addrHi the first 8 bytes of an IPv6 address, 0 for IPv4 (the project's address convention)
     * @param addrLo the last 8 bytes of an IPv6 address, or the IPv4 address as an unsigned 32-bit value
     * @throws IllegalArgumentException for a bad family, address, port, weight or thresholds
     */
    public synchronized Destination create(final int af, final long addrHi, final long addrLo, final int port,
                                           final ForwardingMethod method, final int weight,
                                           final int upperThreshold, final int lowerThreshold) {
        final int id = takeId();
        try {
            final Destination dest = new Destination(id, af, addrHi, addrLo, port, method, weight,
                upperThreshold, lowerThreshold);
            slots.set(id, dest);
            inUse++;
            return dest;
        } catch (final RuntimeException e) {
            freeIds.offerInt(id);
            throw e;
        }
    }

    /** As {@link #create(int, long, long, int, ForwardingMethod, int, int, int)} from an InetAddress. */
    public Destination create(final InetAddress address, final int port, final ForwardingMethod method,
                              final int weight, final int upperThreshold, final int lowerThreshold) {
        final byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return create(4, 0L, readBigEndian(b, 0, 4), port, method, weight, upperThreshold, lowerThreshold);
        }
        return create(6, readBigEndian(b, 0, 8), readBigEndian(b, 8, 8), port, method, weight,
            upperThreshold, lowerThreshold);
    }

    /** The destination holding {@code id}, or null if the id is free or was never given. */
    public Destination byId(final int id) {
        final AtomicReferenceArray<Destination> current = slots;
        return id > NO_ID && id < current.length() ? current.get(id) : null;
    }

    /** Ids in use: destinations in a service plus removed ones that connections still refer to. */
    public synchronized int size() {
        return inUse;
    }

    /**
     * Connection events for ids that were free, or for a destination freed in the meantime (a shard that
     * scheduled a destination just before its removal). They are dropped and counted here.
     */
    public long staleEvents() {
        return staleEvents.get();
    }

    /**
     * Drops the service's reference to a destination removed from it: clears AVAILABLE at once, frees
     * the id when no connection refers to the destination any more.
     *
     * @return true if the id was freed, false while connections still refer to the destination
     */
    boolean release(final Destination dest) {
        dest.markUnavailable();
        if (dest.put()) {
            free(dest);
            return true;
        }
        return false;
    }

    @Override
    public void connectionBound(final int destId, final int flags) {
        final Destination dest = known(destId);
        if (dest != null) {
            if (dest.tryHold()) {
                dest.countBound(flags);
            } else {
                staleEvents.incrementAndGet();
            }
        }
    }

    @Override
    public void connectionUnbound(final int destId, final int flags) {
        final Destination dest = known(destId);
        if (dest != null) {
            dest.countUnbound(flags);
            if (dest.put()) {
                free(dest);
            }
        }
    }

    @Override
    public void activeToInactive(final int destId) {
        final Destination dest = known(destId);
        if (dest != null) {
            dest.countActiveToInactive();
        }
    }

    @Override
    public void inactiveToActive(final int destId) {
        final Destination dest = known(destId);
        if (dest != null) {
            dest.countInactiveToActive();
        }
    }

    /** The destination of an id, or null after counting the event as stale. */
    private Destination known(final int destId) {
        final Destination dest = byId(destId);
        if (dest == null) {
            staleEvents.incrementAndGet();
        }
        return dest;
    }

    private synchronized void free(final Destination dest) {
        final int id = dest.id();
        if (slots.get(id) == dest) {
            slots.set(id, null);
            freeIds.offerInt(id);
            inUse--;
        }
    }

    private int takeId() {
        if (!freeIds.isEmpty()) {
            return freeIds.pollInt();
        }
        final int id = nextId++;
        final AtomicReferenceArray<Destination> current = slots;
        if (id >= current.length()) {
            final AtomicReferenceArray<Destination> grown = new AtomicReferenceArray<>(current.length() * 2);
            for (int i = 0; i < current.length(); i++) {
                grown.set(i, current.get(i));
            }
            slots = grown;
        }
        return id;
    }

    private static long readBigEndian(final byte[] bytes, final int offset, final int length) {
        long value = 0;
        for (int i = 0; i < length; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xFFL);
        }
        return value;
    }
}
