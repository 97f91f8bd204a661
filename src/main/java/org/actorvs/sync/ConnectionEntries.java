package org.actorvs.sync;

import org.actorvs.app.SeqAdjustments;
import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.service.ServiceTable;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Turns one connection of a table into the {@link SyncEntry} a master sends for it, as
 * ip_vs_sync_conn() fills its entry: shared by the per-packet {@link SyncMaster} and the whole-table
 * {@link TableSnapshot}. One reused entry: single-threaded, allocates only in the constructor.
 */
final class ConnectionEntries {
    private final SyncEntry entry = new SyncEntry();
    private final UnsafeBuffer peScratch = new UnsafeBuffer(new byte[OptionFlyweight.PE_DATA_MAX_LENGTH]);

    /**
     * @param services for the firewall mark of a connection (cp->fwmark, which the table does not keep)
     * @param seq      the application helpers' sequence adjustments, or null
     * @return the filled entry, valid until the next call
     */
    SyncEntry fill(ConnectionTable table, int c, ServiceTable services, SeqAdjustments seq) {
        final int af = table.af(c);
        final int protocol = table.protocol(c);
        final int flags = table.flags(c) & ~ConnFlags.HASHED;
        long vHi = table.vaddrHi(c);
        long vLo = table.vaddrLo(c);
        final boolean markTemplate = protocol == 0 && (flags & ConnFlags.TEMPLATE) != 0;
        if (FwmarkTemplates.is(af, protocol, flags)) {
            vHi = FwmarkTemplates.wireHi(vLo);
            vLo = 0;
        }
        final int fwmark = markTemplate ? (int) table.vaddrLo(c)
                : services.mark(af, protocol, table.caddrHi(c), table.caddrLo(c), table.vaddrHi(c), table.vaddrLo(c),
                        table.vport(c));
        entry.clear()
                .connection(af, protocol, flags, table.state(c))
                .client(table.caddrHi(c), table.caddrLo(c), table.cport(c))
                .virtual(vHi, vLo, table.vport(c))
                .destination(table.daddrHi(c), table.daddrLo(c), table.dport(c))
                .fwmark(fwmark)
                .timeoutSeconds(table.timeoutSeconds(c));
        if ((flags & ConnFlags.SEQ_MASK) != 0 && seq != null && seq.has(c)) {
            entry.seq(seq.initSeq(c, SeqAdjustments.IN), seq.delta(c, SeqAdjustments.IN),
                    seq.previousDelta(c, SeqAdjustments.IN), seq.initSeq(c, SeqAdjustments.OUT),
                    seq.delta(c, SeqAdjustments.OUT), seq.previousDelta(c, SeqAdjustments.OUT));
        }
        final int peLength = table.peData(c, peScratch, 0);
        if (peLength > 0) {
            // the only engine there is; the table keeps its data, not its name
            entry.peData(peScratch, 0, peLength).peName(SyncProtocols.SIP_ENGINE);
        }
        return entry;
    }

    /** "SYNC, connection pe_data invalid": engine data without a destination is never sent. */
    static boolean peDataInvalid(ConnectionTable table, int c) {
        return table.peDataLength(c) > 0 && table.destId(c) < 0;
    }
}
