package org.actorvs.sync;

import org.actorvs.app.SeqAdjustments;
import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.service.ServiceTable;

/**
 * One shard's side of a sync master: the kernel's ip_vs_sync_conn() (v1) and ip_vs_sync_conn_v0()
 * over the shard's own table and its own message buffer, as the kernel gives each sync thread
 * its own current buffer. A full message is copied out to the {@link Sink}; a partly filled one
 * goes out from {@link #flushIfDue} once it is {@link SyncSettings#flushNanos()} old
 * (get_curr_sync_buff() with IPVS_SYNC_FLUSH_TIME).
 *
 * <p>Called on the packet path after an inbound packet updated a connection, and from the timer
 * wheel when a controller is kept past its expiry; allocates only when a message is handed out.
 * Single-threaded.
 */
public final class SyncMaster {
    /** Where finished messages go: the bytes are the caller's to keep. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param firstEntryNanos when the message's first (oldest) entry was written, on the clock
         *                        of {@code nowNanos}: the sync actor measures the send delay from it
         */
        void message(byte[] message, long firstEntryNanos, long nowNanos);
    }

    private final ConnectionTable table;
    private final SyncPolicy policy;
    private final SyncMessageEncoder encoder;
    private final Sink sink;
    private final ConnectionEntries filler = new ConnectionEntries();
    private final int threshold;
    private final long flushNanos;
    private ServiceTable services = ServiceTable.EMPTY;
    private SeqAdjustments seq;
    private long firstUse;
    private long entries;
    private long messages;

    public SyncMaster(ConnectionTable table, SyncPolicy policy, SyncMessageEncoder encoder, Sink sink) {
        this.table = table;
        this.policy = policy;
        this.encoder = encoder;
        this.sink = sink;
        this.threshold = policy.settings().threshold();
        this.flushNanos = policy.settings().flushNanos();
    }

    /** The services, for the firewall mark of a connection (cp->fwmark, which the table does not keep). */
    public void services(ServiceTable services) {
        this.services = services;
    }

    /** The application helpers' sequence adjustments, sent with connections that have SEQ flags; may be null. */
    public void seq(SeqAdjustments seq) {
        this.seq = seq;
    }

    /**
     * ip_vs_in_hook()'s tail: an inbound packet of {@code cp} was handled (its in_pkts already
     * counted, or about to be released for a one-packet connection).
     */
    public void connectionIn(int cp, long nowNanos) {
        final int pkts = (table.flags(cp) & ConnFlags.ONE_PACKET) != 0 ? threshold : table.inPkts(cp);
        syncConnection(cp, pkts, nowNanos);
    }

    /**
     * ip_vs_conn_expire()'s expire_later on a master: a connection that could not expire because
     * it still controls others was kept for another 60 s and is sent with pkts = sync_threshold,
     * so that the backups keep it too. The table calls this (see ShardCore).
     */
    public void controllerKept(int cp, long nowNanos) {
        syncConnection(cp, threshold, nowNanos);
    }

    /**
     * ip_vs_sync_conn(): sends {@code cp} when the policy says so, then walks its controllers (a
     * template counts one more packet, any other controller uses the threshold). Version 0 skips
     * IPv6 connections and stops at a connection it does not send; version 1 walks on (the
     * "goto control").
     */
    public void syncConnection(int cp, int pkts, long nowNanos) {
        final boolean v1 = encoder.version() == 1;
        int c = cp;
        int count = pkts;
        while (true) {
            final int flags = table.flags(c);
            final boolean onePacket = (flags & ConnFlags.ONE_PACKET) != 0;
            if (v1) {
                if (!onePacket && policy.needed(table, c, count, nowNanos)) {
                    // engine data without a destination ends the walk
                    if (ConnectionEntries.peDataInvalid(table, c)) {
                        return;
                    }
                    append(c, nowNanos);
                }
            } else {
                if (table.af(c) != 4 || onePacket || !policy.needed(table, c, count, nowNanos)) {
                    return;
                }
                append(c, nowNanos);
            }
            c = table.control(c);
            if (c == ConnectionTable.NONE) {
                return;
            }
            count = (table.flags(c) & ConnFlags.TEMPLATE) != 0 ? table.incrementInPkts(c) : threshold;
        }
    }

    private void append(int c, long nowNanos) {
        final SyncEntry entry = filler.fill(table, c, services, seq);
        if (encoder.isEmpty()) {
            firstUse = nowNanos;
        }
        if (!encoder.append(entry)) {
            // sb_queue_tail(): the full buffer goes, the entry starts a new one
            emit(nowNanos);
            firstUse = nowNanos;
            encoder.append(entry);
        }
        entries++;
    }

    /** Hands out the partly filled message once it is old enough (the sender thread's 2 s rule). */
    public void flushIfDue(long nowNanos) {
        if (!encoder.isEmpty() && nowNanos - firstUse >= flushNanos) {
            emit(nowNanos);
        }
    }

    /** Hands out whatever the current message holds. */
    public void flush(long nowNanos) {
        if (!encoder.isEmpty()) {
            emit(nowNanos);
        }
    }

    private void emit(long nowNanos) {
        final byte[] message = new byte[encoder.length()];
        encoder.buffer().getBytes(0, message);
        encoder.reset();
        messages++;
        sink.message(message, firstUse, nowNanos);
    }

    /** Entries written so far. */
    public long entries() {
        return entries;
    }

    /** Messages handed to the sink so far. */
    public long messages() {
        return messages;
    }

    public SyncPolicy policy() {
        return policy;
    }
}
