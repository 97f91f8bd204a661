package org.actorvs.sync;

import org.actorvs.app.AppConnections;
import org.actorvs.app.SeqAdjustments;
import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.Timeouts;
import org.actorvs.service.Destination;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceTable;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A sync backup's side: one accepted entry into the shard's table, as the kernel's
 * ip_vs_proc_conn() does it. Single-threaded: the owning shard calls it.
 *
 * <ul>
 * <li>A connection is looked up as a packet would find it (NO_CPORT fallback included), a template
 * as a template (with its engine data). A connection found with another destination is replaced
 * unless the entry is INACTIVE, which then is a late expiry notice for it and is ignored.</li>
 * <li>An existing entry takes only INACTIVE and the SEQ bits (BACKUP_UPD_MASK), moving a count
 * between its destination's active and inactive connections when INACTIVE changes, and is bound
 * now if it had no destination (ip_vs_try_bind_dest()).</li>
 * <li>A new entry is bound to the backup's own destination (ip_vs_find_dest()), taking the
 * forwarding method and NOOUTPUT from it (ip_vs_bind_dest() for a SYNC entry); with no such
 * destination it is created unbound and still serves its packets.</li>
 * <li>Then state, old_state, in_pkts = sync_threshold, sequence data, and the timer (see
 * {@link #backupTimeoutSeconds}).</li>
 * </ul>
 *
 * <p>A template's state is taken as it comes, even beyond NONE and ASSURED: the kernel only logs
 * such a state (ip_vs_proc_sync_conn(), ip_vs_process_message_v0()) and stores all 16 bits of it.
 */
public final class SyncApplier {
    /** The entry made a new connection. */
    public static final int CREATED = 0;
    /** The entry updated a connection already there. */
    public static final int UPDATED = 1;
    /** An INACTIVE entry for a connection replaced since: ignored. */
    public static final int STALE = 2;
    /** The table had no room for a new entry. */
    public static final int TABLE_FULL = 3;
    public static final int RESULTS = 4;

    /** The 3*60*HZ of ip_vs_proc_conn(): templates, and protocols without a timeout table (AH, ESP). */
    public static final int DEFAULT_TIMEOUT_SECONDS = 180;

    private final ConnectionTable table;
    private final DestinationRegistry registry;
    private final Timeouts timeouts;
    private final AppConnections apps;
    private final UnsafeBuffer pe = new UnsafeBuffer(new byte[OptionFlyweight.PE_DATA_MAX_LENGTH]);
    private final long[] results = new long[RESULTS];
    private ServiceTable services = ServiceTable.EMPTY;

    /** @param apps the shard's application helpers (FTP), or null */
    public SyncApplier(ConnectionTable table, DestinationRegistry registry, Timeouts timeouts, AppConnections apps) {
        this.table = table;
        this.registry = registry;
        this.timeouts = timeouts;
        this.apps = apps;
    }

    /** The backup's own services, where new entries find their destination. */
    public void services(ServiceTable services) {
        this.services = services;
    }

    /**
     * Applies one entry (from a message the decoder accepted).
     *
     * @param threshold sync_threshold, which in_pkts is set to
     * @return CREATED, UPDATED, STALE or TABLE_FULL
     */
    public int apply(SyncEntry e, int threshold, long nowNanos) {
        final int result = applyEntry(e, threshold, nowNanos);
        results[result]++;
        return result;
    }

    private int applyEntry(SyncEntry e, int threshold, long nowNanos) {
        final int flags = e.backupFlags();
        final int af = e.af();
        final int protocol = e.protocol();
        final boolean template = (flags & ConnFlags.TEMPLATE) != 0;
        long vHi = e.vaddrHi();
        long vLo = e.vaddrLo();
        if (FwmarkTemplates.is(af, protocol, flags)) {
            vLo = FwmarkTemplates.tableLo(vHi);
            vHi = 0;
        }
        final int peLength = template ? e.peDataLength() : 0;
        if (peLength > 0) {
            for (int i = 0; i < peLength; i++) {
                pe.putByte(i, e.peData(i));
            }
        }
        int cp;
        if (!template) {
            cp = table.lookupIn(protocol, af, e.caddrHi(), e.caddrLo(), e.cport(), vHi, vLo, e.vport());
            if (cp != ConnectionTable.NONE && (table.dport(cp) != e.dport() || table.daddrHi(cp) != e.daddrHi()
                    || table.daddrLo(cp) != e.daddrLo())) {
                if ((flags & ConnFlags.INACTIVE) != 0) {
                    return STALE;
                }
                table.expireNow(cp);
                cp = ConnectionTable.NONE;
            }
        } else if (peLength > 0) {
            cp = table.lookupTemplate(protocol, af, e.caddrHi(), e.caddrLo(), e.cport(), vHi, vLo, e.vport(), pe, 0,
                    peLength);
        } else {
            cp = table.lookupTemplate(protocol, af, e.caddrHi(), e.caddrLo(), e.cport(), vHi, vLo, e.vport());
        }
        final int result;
        if (cp != ConnectionTable.NONE) {
            final int old = table.flags(cp);
            final int dest = table.destId(cp);
            if (((old ^ flags) & ConnFlags.INACTIVE) != 0 && !template && dest >= 0) {
                if ((flags & ConnFlags.INACTIVE) != 0) {
                    registry.activeToInactive(dest);
                } else {
                    registry.inactiveToActive(dest);
                }
            }
            table.setFlags(cp, (flags & ConnFlags.BACKUP_UPD_MASK) | (old & ~ConnFlags.BACKUP_UPD_MASK));
            if (dest < 0) {
                tryBindDestination(cp, e.fwmark());
            }
            result = UPDATED;
        } else {
            final Destination dest = findDestination(af, e.daddrHi(), e.daddrLo(), e.dport(), vHi, vLo, e.vport(),
                    protocol, e.fwmark(), flags);
            cp = table.insert(protocol, af, e.caddrHi(), e.caddrLo(), e.cport(), vHi, vLo, e.vport(), e.daddrHi(),
                    e.daddrLo(), e.dport(), dest == null ? flags : boundFlags(flags, protocol, dest),
                    dest == null ? -1 : dest.id(), ConnectionTable.NONE, nowNanos, peLength > 0 ? pe : null, 0,
                    peLength);
            if (cp == ConnectionTable.NONE) {
                return TABLE_FULL;
            }
            if (apps != null) {
                apps.bind(cp);
            }
            result = CREATED;
        }
        if (e.hasSeq() && apps != null) {
            copySeq(e, cp);
        }
        table.setInPkts(cp, threshold);
        table.setState(cp, e.state());
        table.setOldState(cp, e.state());
        table.setTimeout(cp, backupTimeoutSeconds(e, timeouts), nowNanos);
        return result;
    }

    /**
     * The timeout a backup arms for an entry, as ip_vs_proc_conn(): the one a v1 entry carries
     * (capped at what the table takes); else, v0 entries and v1 entries carrying 0, the timeout of
     * the entry's state from its protocol's table (pd->timeout_table: TCP, UDP, SCTP); else 3
     * minutes: templates, and AH/ESP, which have no table.
     */
    public static int backupTimeoutSeconds(SyncEntry e, Timeouts timeouts) {
        final long carried = e.timeoutSeconds();
        if (carried != 0) {
            return (int) Math.min(carried, Timeouts.MAX_SECONDS);
        }
        if (e.template()) {
            return DEFAULT_TIMEOUT_SECONDS;
        }
        switch (e.protocol()) {
            case SyncProtocols.TCP:
                return timeouts.tcp(e.state());
            case SyncProtocols.UDP:
                return timeouts.udp();
            case SyncProtocols.SCTP:
                return timeouts.sctp(e.state());
            default:
                return DEFAULT_TIMEOUT_SECONDS;
        }
    }

    /** The master's sequence adjustments, for the directions its flags say are in use. */
    private void copySeq(SyncEntry e, int cp) {
        final SeqAdjustments seq = apps.seq();
        final int flags = table.flags(cp);
        if ((flags & ConnFlags.IN_SEQ) != 0) {
            seq.set(table, cp, SeqAdjustments.IN, e.seq(SeqDataFlyweight.IN_INIT_SEQ_OFFSET),
                    e.seq(SeqDataFlyweight.IN_DELTA_OFFSET), e.seq(SeqDataFlyweight.IN_PREVIOUS_DELTA_OFFSET));
        }
        if ((flags & ConnFlags.OUT_SEQ) != 0) {
            seq.set(table, cp, SeqAdjustments.OUT, e.seq(SeqDataFlyweight.OUT_INIT_SEQ_OFFSET),
                    e.seq(SeqDataFlyweight.OUT_DELTA_OFFSET), e.seq(SeqDataFlyweight.OUT_PREVIOUS_DELTA_OFFSET));
        }
    }

    /** ip_vs_try_bind_dest(): an unbound entry gets the destination that may have appeared since. */
    private void tryBindDestination(int cp, int fwmark) {
        final int flags = table.flags(cp);
        final Destination dest = findDestination(table.af(cp), table.daddrHi(cp), table.daddrLo(cp), table.dport(cp),
                table.vaddrHi(cp), table.vaddrLo(cp), table.vport(cp), table.protocol(cp), fwmark, flags);
        if (dest == null) {
            return;
        }
        final int bound = boundFlags(flags, table.protocol(cp), dest);
        table.setFlags(cp, bound);
        table.setDestId(cp, dest.id());
        registry.connectionBound(dest.id(), bound);
        if (apps != null) {
            apps.bind(cp);
        }
    }

    /**
     * ip_vs_bind_dest() for an entry made by sync: the destination's method and NOOUTPUT replace
     * the master's; a connection keeps the master's INACTIVE, a template takes the destination's.
     */
    private static int boundFlags(int flags, int protocol, Destination dest) {
        int conn = dest.connFlags();
        if (protocol != SyncProtocols.UDP) {
            conn &= ~ConnFlags.ONE_PACKET;
        }
        if ((flags & ConnFlags.TEMPLATE) == 0) {
            conn &= ~ConnFlags.INACTIVE;
        }
        return (flags & ~(ConnFlags.FWD_MASK | ConnFlags.NOOUTPUT)) | conn;
    }

    /**
     * ip_vs_find_dest(): the service by mark or address, then the destination by address and
     * port, where a non-NAT connection of a fwmark service has port 0; failing that, the other port.
     */
    private Destination findDestination(int af, long dHi, long dLo, int dport, long vHi, long vLo, int vport,
            int protocol, int fwmark, int flags) {
        final Schedule svc = services.find(af, fwmark, protocol, vHi, vLo, vport);
        if (svc == null) {
            return null;
        }
        int port = dport;
        if (fwmark != 0 && (flags & ConnFlags.FWD_MASK) != ConnFlags.MASQ) {
            port = 0;
        }
        final Destination d = lookupDestination(svc, af, dHi, dLo, port);
        return d != null ? d : lookupDestination(svc, af, dHi, dLo, port ^ dport);
    }

    /** ip_vs_lookup_dest(): a destination still in the service's list. */
    private static Destination lookupDestination(Schedule svc, int af, long hi, long lo, int port) {
        for (Destination d : svc.destinations()) {
            if (d.af() == af && d.addrHi() == hi && d.addrLo() == lo && d.port() == port && d.available()) {
                return d;
            }
        }
        return null;
    }

    /** How many entries ended in {@code result} (CREATED ... TABLE_FULL). */
    public long count(int result) {
        return results[result];
    }
}
