package org.actorvs.forward;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.ParsedFrame;
import org.actorvs.sched.Flow;
import org.actorvs.service.Destination;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.Schedule;
import org.agrona.DirectBuffer;

/**
 * Creates the connection entry for a packet that may start one: ip_vs_schedule() and, for
 * persistent services, ip_vs_sched_persist() with its templates. Runs inside the shard on the
 * packet path, calling the scheduler object its service published (the kernel schedules inside the
 * packet path too). One per shard; not thread-safe.
 */
final class ConnectionScheduler {
    /** ip_vs_schedule's *ignored = 1: the packet must not be scheduled and passes untouched. */
    static final int IGNORED = -2;
    /** *ignored = 0: no destination; the caller applies ip_vs_leave(). */
    static final int NO_DESTINATION = -3;
    /** *ignored = -1: the entry could not be created (table full). */
    static final int FAILED = -4;
    /**
     * *ignored = -1 from ip_vs_conn_fill_param_persist(): the persistence engine found no data in the
     * packet (SIP: no Call-ID, or not UDP). The kernel drops such a packet, without ICMP.
     */
    static final int NO_PE_DATA = -5;

    /** FTPDATA: active FTP data connections are never scheduled (they are created by the FTP helper). */
    private static final int FTP_DATA_PORT = 20;

    private final ConnectionTable table;
    private final DestinationRegistry registry;
    private final Flow flow = new Flow();

    ConnectionScheduler(ConnectionTable table, DestinationRegistry registry) {
        this.table = table;
        this.registry = registry;
    }

    /** Returns the new connection's index, or one of the negative codes above. */
    int schedule(Schedule svc, DirectBuffer buffer, ParsedFrame f, IpvsSettings settings, long nowNanos) {
        if (f.srcPort == FTP_DATA_PORT) {
            return IGNORED;
        }
        flow.af = f.ipVersion;
        flow.protocol = f.protocol;
        flow.srcHi = f.srcHi;
        flow.srcLo = f.srcLo;
        flow.dstHi = f.dstHi;
        flow.dstLo = f.dstLo;
        flow.srcPort = f.srcPort;
        flow.dstPort = f.dstPort;
        if (svc.persistent()) {
            return schedulePersistent(svc, buffer, f, settings, nowNanos);
        }
        // Non-persistent services schedule only packets for their own port; a port-zero service
        // must be persistent (ip_vs_schedule logs "port zero only supported in persistent services").
        if (svc.fwmark() == 0 && f.dstPort != svc.port()) {
            return NO_DESTINATION;
        }
        Destination dest = svc.scheduler().schedule(flow);
        if (dest == null) {
            return NO_DESTINATION;
        }
        int cp = table.insert(f.protocol, f.ipVersion, f.srcHi, f.srcLo, f.srcPort, f.dstHi, f.dstLo, f.dstPort,
                dest.addrHi(), dest.addrLo(), dest.port() != 0 ? dest.port() : f.dstPort,
                connectionFlags(svc, f, dest), dest.id(), ConnectionTable.NONE, nowNanos);
        return cp == ConnectionTable.NONE ? FAILED : cp;
    }

    /**
     * ip_vs_sched_persist(): find or create the client's template (client network, masked; port 0)
     * and create the connection under its control. FTP services key templates on port 0 so the
     * data connections follow the control connection; firewall-mark services key on the mark, so
     * every port and protocol the mark covers shares one template; a port-zero service keys on port
     * 0. With {@code --pe sip} the template also carries the SIP Call-ID (ip_vs_sip_fill_param), so
     * each call of a client network has its own.
     */
    private int schedulePersistent(Schedule svc, DirectBuffer buffer, ParsedFrame f, IpvsSettings settings,
            long nowNanos) {
        long snetHi = f.srcHi & svc.netmaskHi();
        long snetLo = f.srcLo & svc.netmaskLo();
        int tProtocol = f.protocol;
        long tvHi = f.dstHi;
        long tvLo = f.dstLo;
        int tvPort = 0;
        if (f.dstPort == svc.port()) {
            if (svc.port() != Schedule.FTP_PORT) {
                tvPort = f.dstPort;
            }
        } else if (svc.fwmark() != 0) {
            tProtocol = IpProtocol.HOPOPTS; // IPPROTO_IP: fwmark templates carry no protocol
            tvHi = 0;
            tvLo = svc.fwmark() & 0xFFFF_FFFFL;
        }
        DirectBuffer pe = null;
        int peOffset = 0;
        int peLength = 0;
        if (svc.peSip()) {
            long callId = f.protocol == IpProtocol.UDP
                    ? SipCallId.find(buffer, f.payloadOffset, f.payloadLength) : SipCallId.NONE;
            if (callId == SipCallId.NONE) {
                return NO_PE_DATA;
            }
            pe = buffer;
            peOffset = SipCallId.offset(callId);
            peLength = SipCallId.length(callId);
        }
        int ct = pe == null
                ? table.lookupTemplate(tProtocol, f.ipVersion, snetHi, snetLo, 0, tvHi, tvLo, tvPort)
                : table.lookupTemplate(tProtocol, f.ipVersion, snetHi, snetLo, 0, tvHi, tvLo, tvPort,
                        pe, peOffset, peLength);
        Destination dest;
        if (ct == ConnectionTable.NONE || !templateValid(ct, settings)) {
            dest = svc.scheduler().schedule(flow);
            if (dest == null) {
                return NO_DESTINATION;
            }
            int tdPort = f.dstPort == svc.port() && svc.port() != Schedule.FTP_PORT ? dest.port() : 0;
            ct = table.insert(tProtocol, f.ipVersion, snetHi, snetLo, 0, tvHi, tvLo, tvPort,
                    dest.addrHi(), dest.addrLo(), tdPort, ConnFlags.TEMPLATE | dest.connFlags(), dest.id(),
                    ConnectionTable.NONE, nowNanos, pe, peOffset, peLength);
            if (ct == ConnectionTable.NONE) {
                return FAILED;
            }
            // ct->timeout = svc->timeout: the template keeps it even if the service's changes later.
            table.setTimeout(ct, svc.persistentTimeoutSeconds(), nowNanos);
        } else {
            dest = registry.byId(table.destId(ct));
            // Using the template restarts its timer with its own timeout (ip_vs_conn_put).
            table.setTimeout(ct, table.timeoutSeconds(ct), nowNanos);
        }
        int dport = f.dstPort == svc.port() && dest.port() != 0 ? dest.port() : f.dstPort;
        int cp = table.insert(f.protocol, f.ipVersion, f.srcHi, f.srcLo, f.srcPort, f.dstHi, f.dstLo, f.dstPort,
                dest.addrHi(), dest.addrLo(), dport, connectionFlags(svc, f, dest), dest.id(), ct, nowNanos);
        return cp == ConnectionTable.NONE ? FAILED : cp;
    }

    /**
     * ip_vs_check_template(): a template is usable while its destination is available and — with
     * expire_quiescent_template — not quiescent (weight 0). An unusable one is invalidated: its
     * ports become 0xFFFF so a new template can take its key, and it lives on while connections it
     * controls do.
     */
    private boolean templateValid(int ct, IpvsSettings settings) {
        int destId = table.destId(ct);
        Destination dest = destId < 0 ? null : registry.byId(destId);
        if (dest == null || !dest.available() || (settings.expireQuiescentTemplate() && dest.weight() == 0)) {
            table.invalidateTemplate(ct);
            return false;
        }
        return true;
    }

    /** ip_vs_bind_dest(): a connection inherits its destination's flags; only UDP keeps ONE_PACKET. */
    private static int connectionFlags(Schedule svc, ParsedFrame f, Destination dest) {
        int flags = dest.connFlags();
        if (svc.onePacket() && f.protocol == IpProtocol.UDP) {
            flags |= ConnFlags.ONE_PACKET;
        }
        return flags;
    }
}
