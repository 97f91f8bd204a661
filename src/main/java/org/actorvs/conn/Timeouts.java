package org.actorvs.conn;

import java.util.Arrays;

/**
 * Per-state protocol timeouts in seconds: the TCP table of ip_vs_proto_tcp.c, the UDP timeout of
 * ip_vs_proto_udp.c and the SCTP table of ip_vs_proto_sctp.c. Shared by every shard and changed by
 * the admin ({@code ipvsadm --set}), so a change publishes a fresh array: readers on the packet path
 * see one consistent table without locks. The SCTP table has no setter, as the kernel has none.
 */
public final class Timeouts {
    /** Largest accepted value: INT_MAX / HZ for HZ = 1000, the strictest common kernel setting. */
    public static final int MAX_SECONDS = Integer.MAX_VALUE / 1000;

    private static final int[] TCP_DEFAULTS = {
        2,        // NONE
        15 * 60,  // ESTABLISHED
        2 * 60,   // SYN_SENT
        60,       // SYN_RECV
        2 * 60,   // FIN_WAIT
        2 * 60,   // TIME_WAIT
        10,       // CLOSE
        60,       // CLOSE_WAIT
        30,       // LAST_ACK
        2 * 60,   // LISTEN
        120,      // SYNACK
    };
    /** tcp_timeouts[IP_VS_TCP_S_LAST]: what the kernel's table holds past its last state. */
    private static final int TCP_OUT_OF_RANGE = 2;
    private static final int UDP_DEFAULT = 5 * 60;
    /** IP_VS_SCTP_MAX_RTO: (60 + 1) * HZ. */
    private static final int SCTP_MAX_RTO = 61;
    private static final int[] SCTP = {
        2,             // NONE
        4,             // INIT1: (0 + 3 + 1) * HZ
        SCTP_MAX_RTO,  // INIT
        SCTP_MAX_RTO,  // COOKIE_SENT
        SCTP_MAX_RTO,  // COOKIE_REPLIED
        SCTP_MAX_RTO,  // COOKIE_WAIT
        SCTP_MAX_RTO,  // COOKIE
        SCTP_MAX_RTO,  // COOKIE_ECHOED
        15 * 60,       // ESTABLISHED
        SCTP_MAX_RTO,  // SHUTDOWN_SENT
        SCTP_MAX_RTO,  // SHUTDOWN_RECEIVED
        SCTP_MAX_RTO,  // SHUTDOWN_ACK_SENT
        4,             // REJECTED
        SCTP_MAX_RTO,  // CLOSED
    };
    /** sctp_timeouts[IP_VS_SCTP_S_LAST]. */
    private static final int SCTP_OUT_OF_RANGE = 2;

    private volatile int[] tcp = TCP_DEFAULTS.clone();
    private volatile int udp = UDP_DEFAULT;

    /** The timeout of a TCP state. */
    public int tcp(int state) {
        int[] table = tcp;
        return state >= 0 && state < table.length ? table[state] : TCP_OUT_OF_RANGE;
    }

    /** The UDP timeout (the one UDP state, "UDP"). */
    public int udp() {
        return udp;
    }

    /** The timeout of an SCTP state (sctp_timeouts[]). */
    public int sctp(int state) {
        return state >= 0 && state < SCTP.length ? SCTP[state] : SCTP_OUT_OF_RANGE;
    }

    /** {@code tcp} of {@code ipvsadm -L --timeout}. */
    public int tcpEstablished() {
        return tcp(TcpStates.ESTABLISHED);
    }

    /** {@code tcpfin} of {@code ipvsadm -L --timeout}. */
    public int tcpFin() {
        return tcp(TcpStates.FIN_WAIT);
    }

    /**
     * {@code ipvsadm --set tcp tcpfin udp}, as ip_vs_set_timeout(): writes the ESTABLISHED, FIN_WAIT
     * and UDP timeouts; 0 leaves a value unchanged. Returns false, changing nothing, when any value is
     * negative or above {@link #MAX_SECONDS} (the kernel's EINVAL).
     */
    public synchronized boolean set(int tcpSeconds, int tcpFinSeconds, int udpSeconds) {
        if (!valid(tcpSeconds) || !valid(tcpFinSeconds) || !valid(udpSeconds)) {
            return false;
        }
        int[] table = Arrays.copyOf(tcp, tcp.length);
        if (tcpSeconds != 0) {
            table[TcpStates.ESTABLISHED] = tcpSeconds;
        }
        if (tcpFinSeconds != 0) {
            table[TcpStates.FIN_WAIT] = tcpFinSeconds;
        }
        tcp = table;
        if (udpSeconds != 0) {
            udp = udpSeconds;
        }
        return true;
    }

    private static boolean valid(int seconds) {
        return seconds >= 0 && seconds <= MAX_SECONDS;
    }
}
