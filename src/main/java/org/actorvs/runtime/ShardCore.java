package org.actorvs.runtime;

import java.util.ArrayList;
import java.util.List;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.TcpStates;
import org.actorvs.forward.NeighbourQueue;
import org.actorvs.forward.Outcome;
import org.actorvs.forward.PacketProcessor;
import org.actorvs.packet.DropReason;
import org.actorvs.packet.IpProtocol;
import org.actorvs.service.ServiceTable;
import org.actorvs.sync.SyncApplier;
import org.actorvs.sync.SyncEntry;
import org.actorvs.sync.SyncMaster;
import org.actorvs.sync.SyncMessageDecoder;
import org.actorvs.sync.SyncMessageEncoder;
import org.actorvs.sync.SyncPolicy;
import org.actorvs.sync.SyncSettings;
import org.actorvs.sync.TableSnapshot;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a packet shard does, without the actor: run each frame of a batch through the shard's
 * {@link PacketProcessor}, expire connections on the shard's timer wheel, and report. Single-threaded.
 *
 * <p>A frame whose handling throws is counted and skipped: the table and every other frame of the
 * batch survive (the kernel would drop that one packet). The exception is logged at most once per
 * {@link #FAILURE_LOG_INTERVAL_NANOS}, since a bad frame can arrive at line rate.
 *
 * <p>Sync: while a master runs, the packet path hands each inbound connection update to this
 * shard's {@link SyncMaster} (its own message buffer, flushed on the tick once old enough), and so
 * does the timer wheel for each controller it keeps past its expiry (ip_vs_conn_expire()); a
 * backup's entries for this shard's clients arrive as a v1 message and are applied by its
 * {@link SyncApplier}, so a backup's table is the same structure an active director uses.
 */
public final class ShardCore {
    private static final Logger LOG = LoggerFactory.getLogger(ShardCore.class);
    static final long FAILURE_LOG_INTERVAL_NANOS = 10_000_000_000L;
    /** Expiries per tick: bounds the pause a mass expiry can put into the packet path. */
    private static final int EXPIRY_LIMIT = 100_000;

    private final int index;
    private final ConnectionTable table;
    private final PacketProcessor processor;
    private final BatchTimes batchTimes = new BatchTimes();
    private final DestinationTraffic traffic = new DestinationTraffic();
    /** Null for a shard built without one: it cannot be a sync backup. */
    private final SyncApplier syncApplier;
    private final SyncMessageDecoder syncDecoder = new SyncMessageDecoder(0);
    private final SyncMessageDecoder.EntryHandler applyEntry = this::applyEntry;
    private SyncMaster syncMaster;
    private ServiceTable services = ServiceTable.EMPTY;
    private int applyThreshold;
    private long applyNow;
    private long frames;
    private long batches;
    private long failures;
    private long lastFailureLog = Long.MIN_VALUE;
    private long lastNow;

    public ShardCore(int index, ConnectionTable table, PacketProcessor processor) {
        this(index, table, processor, null);
    }

    /** @param syncApplier applies a sync backup's entries to {@code table}, or null */
    public ShardCore(int index, ConnectionTable table, PacketProcessor processor, SyncApplier syncApplier) {
        this.index = index;
        this.table = table;
        this.processor = processor;
        this.syncApplier = syncApplier;
    }

    /** Handles every frame of the batch in order, on the frames' own clock; the caller releases it. */
    public void process(FrameBatch batch) {
        // Timed per batch, not per frame: two clock reads spread over up to a batch of frames.
        long start = System.nanoTime();
        batches++;
        for (int i = 0; i < batch.count(); i++) {
            long now = batch.timestamp(i);
            lastNow = now;
            frames++;
            try {
                processor.process(batch.buffer(), batch.offset(i), batch.length(i), now);
            } catch (RuntimeException e) {
                failed(e, now);
            }
        }
        batchTimes.record(System.nanoTime() - start);
    }

    private void failed(RuntimeException e, long now) {
        failures++;
        if (lastFailureLog == Long.MIN_VALUE || now - lastFailureLog >= FAILURE_LOG_INTERVAL_NANOS) {
            lastFailureLog = now;
            LOG.error("shard {}: a frame's handling failed ({} failures so far); the frame is dropped", index,
                    failures, e);
        }
    }

    /**
     * Expires what is due at {@code nowNanos}, and looks at the packets held for unresolved next
     * hops: a safety net under the neighbour watch ({@link #watchNeighbours}) that also asks again
     * for resolutions that were lost.
     */
    public int tick(long nowNanos) {
        lastNow = nowNanos;
        int expired = table.poll(nowNanos, null, EXPIRY_LIMIT);
        if (syncMaster != null) {
            syncMaster.flushIfDue(nowNanos);
        }
        if (!processor.egress().neighbourQueue().isEmpty()) {
            processor.egress().tickNeighbours(processor.icmp(), nowNanos);
        }
        return expired;
    }

    /**
     * From now on {@code wake} is told, on the neighbour cache's owner thread, when a neighbour
     * changes while this shard holds packets for unresolved next hops; it must make the shard call
     * {@link #flushNeighbours} on its own thread (a message to its actor), and must not block.
     */
    public void watchNeighbours(Runnable wake) {
        processor.egress().watchNeighbours(wake);
    }

    /**
     * Sends the packets held for next hops resolved by now, drops (with ICMP host unreachable)
     * those whose resolution failed; returns how many still wait.
     */
    public int flushNeighbours(long nowNanos) {
        return processor.egress().flushNeighbours(processor.icmp(), nowNanos);
    }

    public void services(ServiceTable services) {
        traffic.services(services, processor.traffic());
        this.services = services;
        processor.services(services);
        if (syncMaster != null) {
            syncMaster.services(services);
        }
        if (syncApplier != null) {
            syncApplier.services(services);
        }
    }

    /**
     * Starts this shard's part of a sync master (replacing one already running, whose partly
     * filled message is dropped as the kernel's stopping master thread drops its current buffer).
     */
    public void startSyncMaster(int version, int syncId, int maxLength, SyncSettings settings, SyncMaster.Sink sink) {
        SyncMaster master = new SyncMaster(table, new SyncPolicy(settings, table.capacity()),
                new SyncMessageEncoder(version, syncId, maxLength), sink);
        master.services(services);
        master.seq(processor.apps() == null ? null : processor.apps().seq());
        syncMaster = master;
        processor.inboundHook(master::connectionIn);
        table.setKeptListener(master::controllerKept);
    }

    public void stopSyncMaster() {
        syncMaster = null;
        processor.inboundHook(null);
        table.setKeptListener(null);
    }

    /** Sends the sync master's partly filled message now (end of an offline replay). */
    public void flushSync() {
        if (syncMaster != null) {
            syncMaster.flush(lastNow);
        }
    }

    public SyncMaster syncMaster() {
        return syncMaster;
    }

    /**
     * Applies a v1 message of entries for this shard's clients, built by the sync backup from what
     * it accepted. Returns the decoder's status (OK unless the message was not one the backup built).
     */
    public int applySync(byte[] message, int threshold, long nowNanos) {
        if (syncApplier == null) {
            throw new IllegalStateException("shard " + index + " has no sync applier");
        }
        applyThreshold = threshold;
        applyNow = nowNanos;
        return syncDecoder.decode(new UnsafeBuffer(message), 0, message.length, applyEntry);
    }

    private void applyEntry(SyncEntry entry) {
        syncApplier.apply(entry, applyThreshold, applyNow);
    }

    /** Every connection a master would send, as v1 messages (a bulk transfer's share of this shard). */
    public List<byte[]> dumpSync() {
        return TableSnapshot.messages(table, services, processor.apps() == null ? null : processor.apps().seq(), 0);
    }

    public SyncApplier syncApplier() {
        return syncApplier;
    }

    public ShardStats stats() {
        long[] outcomes = new long[Outcome.count()];
        for (Outcome o : Outcome.values()) {
            outcomes[o.ordinal()] = processor.outcomes().get(o);
        }
        long[] drops = new long[DropReason.COUNT];
        for (DropReason r : DropReason.values()) {
            drops[r.code()] = processor.drops().get(r);
        }
        NeighbourQueue q = processor.egress().neighbourQueue();
        return new ShardStats(index, frames, batches, failures, outcomes, drops, table.size(), table.capacity(),
                table.refusedFull(), processor.traffic().copy(),
                new ShardStats.HeldPackets(q.packets(), q.sent(), q.evicted(), q.failed()));
    }

    /** What the metrics endpoint reads, counted and copied now (a walk over the table: not per packet). */
    public ShardMetrics metrics() {
        long[] tcp = new long[TcpStates.COUNT];
        long[] other = new long[3];
        table.forEach(i -> {
            if ((table.flags(i) & ConnFlags.TEMPLATE) != 0) {
                other[2]++;
            } else if (table.protocol(i) == IpProtocol.TCP && table.state(i) < tcp.length) {
                tcp[table.state(i)]++;
            } else {
                other[table.protocol(i) == IpProtocol.UDP ? 0 : 1]++;
            }
        });
        return new ShardMetrics(stats(), batchTimes.snapshot(), tcp, other[0], other[1], other[2],
                traffic.snapshot(processor.traffic()));
    }

    /** Copies of every entry, at most {@code limit}, with expiry relative to the shard's last clock. */
    public List<ConnectionView> connections(int limit) {
        List<ConnectionView> out = new ArrayList<>();
        table.forEach(i -> {
            if (out.size() < limit) {
                out.add(ConnectionView.of(table, i, lastNow));
            }
        });
        return out;
    }

    public int index() {
        return index;
    }

    public PacketProcessor processor() {
        return processor;
    }

    public ConnectionTable table() {
        return table;
    }
}
