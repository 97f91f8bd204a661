package org.actorvs.sync;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.SctpStates;
import org.actorvs.conn.TcpStates;

/**
 * Whether a connection is sent to the backups now: the kernel's ip_vs_sync_conn_needed(), rule
 * for rule. Single-threaded: one per shard, like the table it reads.
 *
 * <p>The kernel's clock is jiffies; here one jiffy is a millisecond of the caller's clock. The
 * per-connection cp->sync_endtime (last reported expiry, low two bits the retry count) only matters
 * with a refresh period, so it is kept in an array by entry index only then. The kernel sets it at
 * ip_vs_conn_new(); here a slot is reset when its entry counts its first inbound packet (pkts 1, the
 * packet that created a scheduled connection or the first evaluation of a template) and an unset
 * slot reads as "now". That differs from the kernel only for an entry first seen here later than
 * it was made (an FTP data connection a helper announced, an entry a sync backup made before its
 * promotion), and then only when the timeout is below 20 s.
 */
public final class SyncPolicy {
    private static final int TCP = SyncProtocols.TCP;
    private static final int SCTP = SyncProtocols.SCTP;
    private static final int TCP_SYNC_STATES = 1 << TcpStates.ESTABLISHED | 1 << TcpStates.FIN_WAIT
            | 1 << TcpStates.CLOSE | 1 << TcpStates.CLOSE_WAIT | 1 << TcpStates.TIME_WAIT;
    private static final int SCTP_SYNC_STATES = 1 << SctpStates.ESTABLISHED | 1 << SctpStates.SHUTDOWN_SENT
            | 1 << SctpStates.SHUTDOWN_RECEIVED | 1 << SctpStates.SHUTDOWN_ACK_SENT | 1 << SctpStates.CLOSED;
    private static final long NANOS_PER_JIFFY = 1_000_000L;
    private static final long JIFFIES_PER_SECOND = 1000L;
    /** The 10 s floor of the refresh window (10UL * HZ). */
    private static final long MIN_REFRESH_DIFF = 10 * JIFFIES_PER_SECOND;
    private static final long UNSET = Long.MIN_VALUE;

    private final SyncSettings settings;
    private final long refreshPeriod;
    private final long[] syncEndtime;

    /** @param capacity the capacity of the table whose entries are asked about */
    public SyncPolicy(SyncSettings settings, int capacity) {
        this.settings = settings;
        this.refreshPeriod = settings.refreshPeriodSeconds() * JIFFIES_PER_SECOND;
        if (refreshPeriod > 0) {
            syncEndtime = new long[capacity];
            java.util.Arrays.fill(syncEndtime, UNSET);
        } else {
            syncEndtime = null;
        }
    }

    public SyncSettings settings() {
        return settings;
    }

    /**
     * ip_vs_sync_conn_needed(): {@code pkts} is the connection's inbound packet count (its
     * in_pkts after this packet; the threshold for a one-packet connection or a non-template
     * controller). Records old_state and the reported expiry when the answer is yes.
     */
    public boolean needed(ConnectionTable table, int cp, int pkts, long nowNanos) {
        final long now = nowNanos / NANOS_PER_JIFFY;
        if (syncEndtime != null && pkts == 1) {
            syncEndtime[cp] = UNSET;
        }
        final long orig = syncEndtime == null || syncEndtime[cp] == UNSET ? now & ~3L : syncEndtime[cp];
        final long timeout = table.timeoutSeconds(cp) * JIFFIES_PER_SECOND;
        long n = (now + timeout) & ~3L;
        final int flags = table.flags(cp);
        final int protocol = table.protocol(cp);
        if ((flags & ConnFlags.TEMPLATE) != 0) {
            // templates: no state test, no forcing
        } else if (settings.persistMode() && inPersistence(table, cp)) {
            return false;
        } else if (protocol == TCP || protocol == SCTP) {
            final int state = table.state(cp);
            final int eligible = protocol == TCP ? TCP_SYNC_STATES : SCTP_SYNC_STATES;
            if ((1 << state & eligible) == 0) {
                return false;
            }
            final int established = protocol == TCP ? TcpStates.ESTABLISHED : SctpStates.ESTABLISHED;
            // a change into a closing state goes out at once, whatever the counts
            if (state != table.oldState(cp) && state != established) {
                return set(table, cp, n);
            }
        }
        if (refreshPeriod > 0) {
            final long diff = n - orig;
            final long minDiff = Math.max(timeout >> 1, MIN_REFRESH_DIFF);
            // the expiry has not moved enough to be worth a message
            if (Math.abs(diff) < Math.min(refreshPeriod, minDiff)) {
                final int retries = (int) (orig & 3);
                if (retries >= settings.retries()) {
                    return false;
                }
                if (now < orig - timeout + (refreshPeriod >> 3)) {
                    return false;
                }
                n |= retries + 1;
            }
        }
        final int period = settings.period();
        if (period > 0) {
            if ((flags & ConnFlags.TEMPLATE) == 0 && pkts % period != settings.threshold()) {
                return false;
            }
        } else if (refreshPeriod == 0 && pkts != settings.threshold()) {
            return false;
        }
        // the kernel answers "cmpxchg succeeded || force"; with one thread the store always succeeds
        return set(table, cp, n);
    }

    private boolean set(ConnectionTable table, int cp, long n) {
        table.setOldState(cp, table.state(cp));
        if (syncEndtime != null) {
            syncEndtime[cp] = n;
        }
        return true;
    }

    /** in_persistence(): whether a template is somewhere up the connection's control chain. */
    private static boolean inPersistence(ConnectionTable table, int cp) {
        for (int c = table.control(cp); c != ConnectionTable.NONE; c = table.control(c)) {
            if ((table.flags(c) & ConnFlags.TEMPLATE) != 0) {
                return true;
            }
        }
        return false;
    }
}
