package org.actorvs.conn;

/** TCP connection states with the kernel's numbers (IP_VS_TCP_S_*, ip_vs_proto_tcp.c). */
public final class TcpStates {
    public static final int NONE = 0;
    public static final int ESTABLISHED = 1;
    public static final int SYN_SENT = 2;
    public static final int SYN_RECV = 3;
    public static final int FIN_WAIT = 4;
    public static final int TIME_WAIT = 5;
    public static final int CLOSE = 6;
    public static final int CLOSE_WAIT = 7;
    public static final int LAST_ACK = 8;
    public static final int LISTEN = 9;
    public static final int SYNACK = 10;
    /** Number of states (IP_VS_TCP_S_LAST). */
    public static final int COUNT = 11;

    private static final String[] NAMES = {
        "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT",
        "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK",
    };

    // As tcp_state_active_table: only these count in a destination's active connections.
    private static final boolean[] ACTIVE = {
        false, true, true, true, false, false, false, false, false, false, true,
    };

    private TcpStates() {
    }

    /** The state's name as ipvsadm and /proc/net/ip_vs_conn print it; "ERR!" when out of range, as tcp_state_name(). */
    public static String name(int state) {
        return state >= 0 && state < COUNT ? NAMES[state] : "ERR!";
    }

    /** Whether a connection in this state is counted as active (tcp_state_active()). */
    public static boolean isActive(int state) {
        return state >= 0 && state < COUNT && ACTIVE[state];
    }
}
