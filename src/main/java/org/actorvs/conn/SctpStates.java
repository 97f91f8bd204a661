package org.actorvs.conn;

/**
 * SCTP association states with the kernel's numbers (IP_VS_SCTP_S_*, ip_vs.h) and the names
 * /proc/net/ip_vs_conn and {@code ipvsadm -L -c} print for them (sctp_state_name_table,
 * ip_vs_proto_sctp.c). This director forwards no SCTP itself; such entries reach its table from
 * a sync master.
 */
public final class SctpStates {
    public static final int NONE = 0;
    public static final int INIT1 = 1;
    public static final int INIT = 2;
    public static final int COOKIE_SENT = 3;
    public static final int COOKIE_REPLIED = 4;
    public static final int COOKIE_WAIT = 5;
    public static final int COOKIE = 6;
    public static final int COOKIE_ECHOED = 7;
    public static final int ESTABLISHED = 8;
    public static final int SHUTDOWN_SENT = 9;
    public static final int SHUTDOWN_RECEIVED = 10;
    public static final int SHUTDOWN_ACK_SENT = 11;
    public static final int REJECTED = 12;
    public static final int CLOSED = 13;
    /** Number of states (IP_VS_SCTP_S_LAST, the protocol's num_states). */
    public static final int COUNT = 14;

    // The kernel's short forms: "C-" for COOKIE_, "S-" for SHUTDOWN_, so that they fit the 11-wide column.
    private static final String[] NAMES = {
        "NONE", "INIT1", "INIT", "C-SENT", "C-REPLIED", "C-WAIT", "COOKIE", "C-ECHOED", "ESTABLISHED",
        "S-SENT", "S-RECEIVED", "S-ACK-SENT", "REJECTED", "CLOSED",
    };

    private SctpStates() {
    }

    /** The state's name; "ERR!" when out of range, as sctp_state_name(). */
    public static String name(int state) {
        return state >= 0 && state < COUNT ? NAMES[state] : "ERR!";
    }
}
