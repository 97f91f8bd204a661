package org.actorvs.sync;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.SctpStates;
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

    private static final String[] TEMPLATE_NAMES = {"NONE", "ASSURED"};

    private SyncProtocols() {
    }

    /** pp->num_states of the protocol, or 0 when the protocol is not one IPVS balances. */
    public static int stateCount(int protocol) {
        switch (protocol) {
            case TCP:
                return TcpStates.COUNT;
            case SCTP:
                return SctpStates.COUNT;
            case UDP:
            case ESP:
            case AH:
                return 1;
            default:
                return 0;
        }
    }

    /**
     * The state name /proc/net/ip_vs_conn and ipvsadm -L -c print, as ip_vs_state_name(): a
     * template by its own names whatever its protocol, "ERR!" for any state out of range and for
     * a protocol without state names (AH, ESP), "NONE" for protocol 0.
     */
    public static String stateName(int protocol, int flags, int state) {
        if ((flags & ConnFlags.TEMPLATE) != 0) {
            return state >= 0 && state < TEMPLATE_NAMES.length ? TEMPLATE_NAMES[state] : "ERR!";
        }
        switch (protocol) {
            case TCP:
                return TcpStates.name(state);
            case SCTP:
                return SctpStates.name(state);
            case UDP:
                return state == 0 ? "UDP" : "ERR!";
            case 0:
                return "NONE";
            default:
                return "ERR!";
        }
    }
}
