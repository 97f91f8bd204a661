package org.actorvs.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.actorvs.admin.SyncDump;
import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.Timeouts;

/**
 * What a kernel backup's connection table holds after applying decoded entries, reduced to what
 * ipvsadm lists: ip_vs_proc_conn()'s lookup (templates by their PE data too, as the SIP engine's
 * ct_match), replacement of a connection whose destination changed (unless the message is an
 * INACTIVE expiry notice), and update of state and timeout, keeping the first destination.
 */
final class BackupModel implements SyncMessageDecoder.EntryHandler {
    private static final int PRO = 0;
    private static final int EXPIRE = 1;
    private static final int STATE = 2;
    private static final int DESTINATION = 5;

    private final Timeouts timeouts = new Timeouts();
    private final Map<String, String[]> rows = new LinkedHashMap<>();
    private final Map<String, String> peData = new LinkedHashMap<>();

    @Override
    public void onEntry(SyncEntry e) {
        String[] row = SyncDump.row(e, timeouts).trim().split("\\s+");
        String key = e.af() + " " + row[PRO] + " " + row[3] + " " + row[4] + " " + e.template()
                + (e.template() ? " " + e.peDataString() : "");
        String[] old = rows.get(key);
        if (old != null && !e.template() && !old[DESTINATION].equals(row[DESTINATION])) {
            if ((e.flags() & ConnFlags.INACTIVE) != 0) {
                return;
            }
            rows.remove(key);
            old = null;
        }
        if (old == null) {
            rows.put(key, row);
            if (e.template() && e.peDataLength() > 0) {
                peData.put(key, e.peNameString() + " " + e.peDataString());
            }
        } else {
            old[STATE] = row[STATE];
            old[EXPIRE] = row[EXPIRE];
        }
    }

    /** Each connection as "pro state source virtual destination". */
    List<String> connections() {
        List<String> out = new ArrayList<>();
        for (String[] r : rows.values()) {
            out.add(withoutExpire(r));
        }
        return out;
    }

    /** The timeout in seconds the connection listed as {@code connection} was given. */
    long timeoutSeconds(String connection) {
        for (String[] r : rows.values()) {
            if (withoutExpire(r).equals(connection)) {
                return expireSeconds(r);
            }
        }
        throw new IllegalArgumentException("no connection " + connection);
    }

    /** "pe-name pe-data" of the templates that carry PE data, as ipvsadm --persistent-conn lists them. */
    List<String> templatesWithPeData() {
        List<String> out = new ArrayList<>();
        peData.forEach((key, pe) -> out.add(withoutExpire(rows.get(key)) + " " + pe));
        return out;
    }

    static String withoutExpire(String[] r) {
        return r[PRO] + " " + r[STATE] + " " + r[3] + " " + r[4] + " " + r[5];
    }

    static long expireSeconds(String[] r) {
        String[] mmss = r[EXPIRE].split(":");
        return Long.parseLong(mmss[0]) * 60 + Long.parseLong(mmss[1]);
    }
}
