package org.actorvs.sync;

import java.util.ArrayList;
import java.util.List;

import org.actorvs.app.SeqAdjustments;
import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.service.ServiceTable;

/**
 * A whole connection table as v1 sync messages, for a {@link BulkTransfer}: every connection a
 * master would ever send (not ONE_PACKET, not engine data without a destination), each written
 * as ip_vs_sync_conn() writes it, whatever the sync policy says. Run on the thread that owns the
 * table; allocates the messages it returns.
 */
public final class TableSnapshot {
    /** Messages up to this size: a bulk transfer is not bound by a datagram, only by the 16-bit size. */
    public static final int MESSAGE_LENGTH = SyncLimits.MAX_DATAGRAM;

    private TableSnapshot() {
    }

    /**
     * @param services for the firewall mark of each connection
     * @param seq      the application helpers' sequence adjustments, or null
     * @param syncId   stamped on every message
     */
    public static List<byte[]> messages(ConnectionTable table, ServiceTable services, SeqAdjustments seq, int syncId) {
        final ConnectionEntries filler = new ConnectionEntries();
        final SyncMessageEncoder encoder = new SyncMessageEncoder(1, syncId, MESSAGE_LENGTH);
        final List<byte[]> out = new ArrayList<>();
        table.forEach(c -> {
            if ((table.flags(c) & ConnFlags.ONE_PACKET) != 0 || ConnectionEntries.peDataInvalid(table, c)) {
                return;
            }
            final SyncEntry entry = filler.fill(table, c, services, seq);
            if (!encoder.append(entry)) {
                out.add(take(encoder));
                encoder.append(entry);
            }
        });
        if (!encoder.isEmpty()) {
            out.add(take(encoder));
        }
        return out;
    }

    /** Copies the encoder's message out and starts the next one. */
    static byte[] take(SyncMessageEncoder encoder) {
        final byte[] message = new byte[encoder.length()];
        encoder.buffer().getBytes(0, message);
        encoder.reset();
        return message;
    }
}
