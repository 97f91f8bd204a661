package org.actorvs.sync;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.TcpStates;

/**
 * The protocols a sync backup accepts and their state numbers, as the kernel's registered
 * ip_vs_protocol entries (ip_vs_proto_get(), pp->num_states), plus the names ipvsadm prints.
 */
public final class SyncProtocols {
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int SCTP = 132;
    public static final int ESP = 50;
    public static final int AH = 51;
    /** The only persistence engine the kernel has ("sip", ip_vs_pe_sip). */
    public static final String SIP_ENGINE = "sip";
    /** IP_VS_CTPL_S_LAST. */
    public static final int TEMPLATE_STATES = 2;

    private static final String[] SCTP_NAMES = {
        "NONE", "INIT1", "INIT", "COOKIE_SENT", "COOKIE_REPLIED", "COOKIE_WAIT", "COOKIE",
        "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT", "SHUTDOWN_RECEIVED", "SHUTDOWN_ACK_SENT",
        "REJECTED", "CLOSED",
    };
    private static final String[] TEMPLATE_NAMES = {"NONE", "ASSURED"};

    private SyncProtocols() {
    }

    /** pp->num_states of the protocol, or 0 when the protocol is not one IPVS balances. */
    public static int stateCount(int protocol) {
        switch (protocol) {
            case TCP:
                return TcpStates.COUNT;
            case SCTP:
                return SCTP_NAMES.length;
            case UDP:
            case ESP:
            case AH:
                return 1;
            default:
                return 0;
        }
    }

    /** The state name /proc/net/ip_vs_conn and ipvsadm -L -c print; "ERR!" when out of range, as the kernel. */
    public static String stateName(int protocol, int flags, int state) {
        if ((flags & ConnFlags.TEMPLATE) != 0) {
            return state >= 0 && state < TEMPLATE_NAMES.length ? TEMPLATE_NAMES[state] : "ERR!";
        }
        switch (protocol) {
            case TCP:
                return TcpStates.name(state);
            case SCTP:
                return state >= 0 && state < SCTP_NAMES.length ? SCTP_NAMES[state] : "ERR!";
            case UDP:
                return state == 0 ? "UDP" : "ERR!";
            default:
                return state == 0 ? "NONE" : "ERR!";
        }
    }
}
