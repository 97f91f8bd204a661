package org.actorvs.conn;

import static org.actorvs.conn.TcpStates.CLOSE;

/**
 * The IPVS TCP state transition tables of a current kernel (tcp_states and tcp_states_dos in
 * ip_vs_proto_tcp.c), indexed by direction, event and current state.
 */
public final class TcpStateTable {
    /** Client to director. */
    public static final int INPUT = 0;
    /** Real server to client, seen by the director (NAT). */
    public static final int OUTPUT = 1;
    /** Client to director on a connection whose replies bypass the director (NOOUTPUT). */
    public static final int INPUT_ONLY = 2;

    public static final int EVENT_SYN = 0;
    public static final int EVENT_FIN = 1;
    public static final int EVENT_ACK = 2;
    public static final int EVENT_RST = 3;

    /** TCP header flag bits, as in the flags byte of a TCP header. */
    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_ACK = 0x10;

    private static final int NO = TcpStates.NONE;
    private static final int ES = TcpStates.ESTABLISHED;
    private static final int SS = TcpStates.SYN_SENT;
    private static final int SR = TcpStates.SYN_RECV;
    private static final int FW = TcpStates.FIN_WAIT;
    private static final int TW = TcpStates.TIME_WAIT;
    private static final int CL = TcpStates.CLOSE;
    private static final int CW = TcpStates.CLOSE_WAIT;
    private static final int LA = TcpStates.LAST_ACK;
    private static final int LI = TcpStates.LISTEN;
    private static final int SA = TcpStates.SYNACK;

    // Rows: direction * 4 + event; columns: current state NO ES SS SR FW TW CL CW LA LI SA.
    private static final int[][] NORMAL = {
        // INPUT
        {SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR},
        {CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW},
        {ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES},
        {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR},
        // OUTPUT
        {SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR},
        {TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW},
        {ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES},
        {CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL},
        // INPUT_ONLY
        {SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR},
        {CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW},
        {ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES},
        {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL},
    };

    // The secure_tcp ("dos") table: SYNACK is reached from SYN floods' typical states instead of SYN_RECV.
    private static final int[][] SECURE = {
        // INPUT
        {SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SA},
        {CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, SA},
        {ES, ES, SS, SR, FW, TW, CL, CW, CL, LI, SA},
        {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL},
        // OUTPUT
        {SS, ES, SS, SA, SS, SS, SS, SS, SS, LI, SA},
        {TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW},
        {ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES},
        {CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL},
        // INPUT_ONLY
        {SA, ES, ES, SR, SA, SA, SA, SA, SA, SA, SA},
        {CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW},
        {ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES},
        {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL},
    };

    private TcpStateTable() {
    }

    /**
     * The table event for a segment's TCP flags, by priority RST, SYN, FIN, ACK (tcp_state_idx());
     * -1 when none is set, which the caller turns into CLOSE as set_tcp_state() does.
     */
    public static int event(int tcpFlags) {
        if ((tcpFlags & TCP_RST) != 0) {
            return EVENT_RST;
        }
        if ((tcpFlags & TCP_SYN) != 0) {
            return EVENT_SYN;
        }
        if ((tcpFlags & TCP_FIN) != 0) {
            return EVENT_FIN;
        }
        if ((tcpFlags & TCP_ACK) != 0) {
            return EVENT_ACK;
        }
        return -1;
    }

    /**
     * The next state. An event of -1 (no flag) gives CLOSE, as set_tcp_state(); so does any other
     * out-of-range argument, where the kernel would read past its table.
     */
    public static int next(int state, int direction, int event, boolean secure) {
        if (state < 0 || state >= TcpStates.COUNT || direction < INPUT || direction > INPUT_ONLY
                || event < EVENT_SYN || event > EVENT_RST) {
            return CLOSE;
        }
        return (secure ? SECURE : NORMAL)[direction * 4 + event][state];
    }
}
