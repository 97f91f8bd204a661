package org.actorvs.forward;

import java.nio.ByteOrder;

import org.actorvs.app.AppConnections;
import org.actorvs.app.AppRegistry;
import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.conn.TcpStateTable;
import org.actorvs.conn.TcpStates;
import org.actorvs.packet.Checksum;
import org.actorvs.packet.DropCounters;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameParser;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.Ipv6Flyweight;
import org.actorvs.packet.ParsedFrame;
import org.actorvs.packet.TcpFlyweight;
import org.actorvs.packet.UdpFlyweight;
import org.actorvs.service.Destination;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.Schedule;
import org.actorvs.service.ServiceTable;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One shard's packet path: the kernel's ip_vs_out() and ip_vs_in() hooks, their ICMP handlers
 * (ip_vs_out_icmp, ip_vs_in_icmp) and the transmitters of ip_vs_xmit.c, over frames the shard
 * owns. Single-threaded; the shard actor is its only caller.
 *
 * <p>Order per frame, as the kernel's hooks run at LOCAL_IN: parse; frames not for this director's
 * MACs or sent by it pass; IPv4 fragments are reassembled (or dropped); related ICMP errors are
 * translated; a NAT reply (ip_vs_out) is rewritten back to the virtual address; otherwise the
 * connection is looked up or scheduled (ip_vs_in) and the packet transmitted by the connection's
 * forwarding method. Every frame ends in one counted {@link Outcome}.
 *
 * <p>On the established-flow path nothing allocates: flyweights and the parse result are reused and
 * rewrites patch checksums incrementally (RFC 1624).
 */
public final class PacketProcessor {
    private static final int IPV4_HEADER = Ipv4Flyweight.MIN_HEADER_LENGTH;
    private static final int IPV6_HEADER = Ipv6Flyweight.HEADER_LENGTH;
    /** Smallest IPv4 MTU a tunnel may have (ip_vs_tunnel_xmit: mtu < 68 is an error). */
    private static final int MIN_TUNNEL_MTU = 68;
    private static final int ECN_MASK = 0x03;
    private static final int ECN_CE = 0x03;
    private static final int ECN_ECT_0 = 0x02;

    private final FrameParser parser;
    private final ParsedFrame frame = new ParsedFrame();
    /** The packet an ICMP error quotes, and for errors about tunnelled packets the packet inside it. */
    private final ParsedFrame quote = new ParsedFrame();
    private final ParsedFrame innerQuote = new ParsedFrame();
    private final ConnectionTable table;
    private final DestinationRegistry registry;
    private final Egress egress;
    private final IcmpSender icmp;
    private final ConnectionScheduler scheduler;
    private final Ipv4Reassembler reassembler;
    private final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter();
    private final long[] localMacs;
    private final OutcomeCounters outcomes = new OutcomeCounters();
    private final DropCounters drops = new DropCounters();
    private final TrafficCounters traffic = new TrafficCounters();
    private final UnsafeBuffer reassembled = new UnsafeBuffer(new byte[Egress.L2_ROOM + 65_535]);
    private final UnsafeBuffer tunnel = new UnsafeBuffer(new byte[Egress.L2_ROOM + IPV6_HEADER + 65_535]);
    private final FragmentForwarder fragmentForwarder = new FragmentForwarder();
    /** The application helpers' side of this shard's connections; null when built without a registry. */
    private final AppConnections apps;
    private ServiceTable services = ServiceTable.EMPTY;
    private IpvsSettings settings;
    private int tunnelIpId;
    /** The sync master's hook, null while no master runs. */
    private InboundHook inboundHook;
    /** Largest fragment of the datagram being handled when it was reassembled here, else 0. */
    private int reassembledMaxFragment;

    /**
     * @param localMacs the MAC addresses of this director's ports: only frames sent to one of them
     *                  are handled (the kernel's PACKET_HOST), frames sent from one are its own
     */
    public PacketProcessor(ConnectionTable table, DestinationRegistry registry, Egress egress, long[] localMacs,
            IpvsSettings settings) {
        this(table, registry, egress, localMacs, settings, null);
    }

    /**
     * @param apps the director's application helpers (one registry shared by all shards), or null for
     *             none; NAT connections to a helper's port are bound to it and their payload inspected
     */
    public PacketProcessor(ConnectionTable table, DestinationRegistry registry, Egress egress, long[] localMacs,
            IpvsSettings settings, AppRegistry apps) {
        this.table = table;
        this.apps = apps == null ? null : new AppConnections(table, apps);
        this.registry = registry;
        this.egress = egress;
        this.icmp = new IcmpSender(egress);
        this.scheduler = new ConnectionScheduler(table, registry);
        this.localMacs = localMacs.clone();
        this.settings = settings;
        this.parser = new FrameParser(settings.verifyChecksums());
        this.reassembler = new Ipv4Reassembler(settings.fragmentMemoryBytes(), settings.fragmentTimeoutNanos(), 64);
    }

    /** The services a scheduler actor published; swapped in by the shard between batches. */
    public void services(ServiceTable services) {
        this.services = services;
    }

    public void settings(IpvsSettings settings) {
        this.settings = settings;
    }

    /** Set by the shard while a sync master runs; null removes it. */
    public void inboundHook(InboundHook hook) {
        this.inboundHook = hook;
    }

    public OutcomeCounters outcomes() {
        return outcomes;
    }

    public DropCounters drops() {
        return drops;
    }

    public TrafficCounters traffic() {
        return traffic;
    }

    public IcmpSender icmp() {
        return icmp;
    }

    public Egress egress() {
        return egress;
    }

    public Ipv4Reassembler reassembler() {
        return reassembler;
    }

    /** The helpers' per-connection state of this shard (sequence adjustments, counters), or null. */
    public AppConnections apps() {
        return apps;
    }

    /** Handles one received frame; the buffer may be rewritten in place and sent. */
    public Outcome process(MutableDirectBuffer buffer, int offset, int length, long nowNanos) {
        Outcome o = handle(buffer, offset, length, nowNanos);
        outcomes.increment(o);
        return o;
    }

    private Outcome handle(MutableDirectBuffer buffer, int offset, int length, long nowNanos) {
        ParsedFrame f = frame;
        reassembledMaxFragment = 0;
        int reason = parser.parse(buffer, offset, length, f);
        if (reason != 0) {
            drops.increment(reason);
            return Outcome.MALFORMED;
        }
        if (f.ipVersion == 0) {
            return Outcome.UNSUPPORTED_PROTOCOL;
        }
        // ipvs_property: a frame this director sent came back to it (a looped capture).
        if (isLocalMac(EthernetFlyweight.srcMac(buffer, offset))) {
            return Outcome.OWN_FRAME;
        }
        // pkt_type != PACKET_HOST: broadcast, multicast or another host's frame.
        if (!isLocalMac(EthernetFlyweight.dstMac(buffer, offset))) {
            return Outcome.NOT_FOR_US;
        }
        if (f.fragment) {
            if (f.ipVersion == 6 || !settings.reassembleFragments()) {
                return Outcome.FRAGMENT_DROPPED;
            }
            // ip_vs_gather_frags(): IPVS works on whole datagrams.
            int n = reassembler.offer(buffer, offset, length, f, nowNanos, reassembled, 0);
            if (n == Ipv4Reassembler.HELD) {
                return Outcome.FRAGMENT_HELD;
            }
            if (n < 0) {
                return Outcome.FRAGMENT_DROPPED;
            }
            reassembledMaxFragment = reassembler.lastMaxFragmentLength();
            buffer = reassembled;
            offset = 0;
            length = n;
            reason = parser.parse(buffer, offset, length, f);
            if (reason != 0) {
                drops.increment(reason);
                return Outcome.MALFORMED;
            }
        }
        int protocol = f.protocol;
        if (protocol == IpProtocol.ICMP && f.ipVersion == 4 || protocol == IpProtocol.ICMPV6 && f.ipVersion == 6) {
            return icmpError(buffer, offset, nowNanos);
        }
        if (protocol != IpProtocol.TCP && protocol != IpProtocol.UDP) {
            return Outcome.UNSUPPORTED_PROTOCOL;
        }

        // ip_vs_out(): a reply of a NAT connection, from the real server to the client.
        int cp = table.lookupOut(protocol, f.ipVersion, f.srcHi, f.srcLo, f.srcPort, f.dstHi, f.dstLo, f.dstPort);
        if (cp != ConnectionTable.NONE && (table.flags(cp) & ConnFlags.FWD_MASK) == ConnFlags.MASQ) {
            return handleResponse(cp, buffer, offset, nowNanos);
        }
        if (cp == ConnectionTable.NONE && settings.natIcmpSend()
                && services.hasNatRealServer(f.ipVersion, protocol, f.srcHi, f.srcLo, f.srcPort)
                && !(protocol == IpProtocol.TCP && (f.tcpFlags & TcpFlyweight.RST) != 0)) {
            // nat_icmp_send: tell the real server there is no such connection (not for its RSTs).
            sendIcmpError(buffer, offset, IcmpSender.ICMP_DEST_UNREACH, IcmpSender.ICMP_PORT_UNREACH,
                    IcmpSender.ICMPV6_DEST_UNREACH, IcmpSender.ICMPV6_PORT_UNREACH, 0, false, nowNanos);
            return Outcome.NAT_ICMP_SENT;
        }
        return ipvsIn(buffer, offset, nowNanos);
    }

    /** ip_vs_in(): a packet from a client for a connection or a virtual service. */
    private Outcome ipvsIn(MutableDirectBuffer buffer, int offset, long nowNanos) {
        ParsedFrame f = frame;
        int protocol = f.protocol;
        int cp = table.lookupIn(protocol, f.ipVersion, f.srcHi, f.srcLo, f.srcPort, f.dstHi, f.dstLo, f.dstPort);
        boolean syn = protocol == IpProtocol.TCP && (f.tcpFlags & TcpFlyweight.SYN) != 0;
        if (cp != ConnectionTable.NONE && syn && settings.connReuseMode() != 0 && f.firstFragment && reschedule(cp)) {
            // A new connection reusing the ports of a finished one (conn_reuse_mode). The kernel
            // drops the SYN instead when conntrack still tracks the old flow; this director keeps
            // no conntrack, so it always reschedules. Unhashing now lets the new entry take the key.
            table.expireNow(cp);
            cp = ConnectionTable.NONE;
        }
        if (cp == ConnectionTable.NONE) {
            if (!f.firstFragment) {
                return Outcome.NOT_SCHEDULABLE;
            }
            // tcp_conn_schedule(): only SYN may start a TCP connection (any non-RST with sloppy_tcp;
            // SYN+ACK is allowed, for active FTP); UDP: any datagram.
            if (protocol == IpProtocol.TCP
                    && ((f.tcpFlags & TcpFlyweight.RST) != 0 || !(syn || settings.sloppyTcp()))) {
                return Outcome.NOT_SCHEDULABLE;
            }
            // The fwmark services' match rules stand in for the netfilter mark (skb->mark).
            int mark = services.mark(f.ipVersion, protocol, f.srcHi, f.srcLo, f.dstHi, f.dstLo, f.dstPort);
            Schedule svc = services.find(f.ipVersion, mark, protocol, f.dstHi, f.dstLo, f.dstPort);
            if (svc == null) {
                return Outcome.NO_SERVICE;
            }
            cp = scheduler.schedule(svc, buffer, f, settings, nowNanos);
            if (cp == ConnectionScheduler.IGNORED) {
                return Outcome.NOT_SCHEDULABLE;
            }
            if (cp == ConnectionScheduler.FAILED) {
                return Outcome.TABLE_FULL;
            }
            if (cp == ConnectionScheduler.NO_PE_DATA) {
                return Outcome.NO_PERSISTENCE_DATA;
            }
            if (cp == ConnectionScheduler.NO_DESTINATION) {
                return leave(svc, buffer, offset, nowNanos);
            }
            traffic.connection(table.destId(cp));
            if (apps != null) {
                apps.bind(cp);
            }
        }
        int destId = table.destId(cp);
        if (destId >= 0 && !registry.byId(destId).available()) {
            // The destination was removed: drop silently, without restarting the timer; with
            // expire_nodest_conn the entry goes now so the client's next attempt is rescheduled.
            if (settings.expireNodestConn()) {
                table.expireNow(cp);
            }
            return Outcome.DESTINATION_UNAVAILABLE;
        }
        traffic.in(destId, f.l3End - f.l3Offset);
        int flags = table.flags(cp);
        if (protocol == IpProtocol.TCP) {
            int direction = (flags & ConnFlags.NOOUTPUT) != 0 ? TcpStateTable.INPUT_ONLY : TcpStateTable.INPUT;
            table.tcpTransition(cp, direction, f.tcpFlags, settings.secureTcp(), nowNanos);
        } else {
            table.udpTouch(cp, nowNanos);
        }
        Outcome o = transmit(cp, flags & ConnFlags.FWD_MASK, buffer, offset, nowNanos);
        if ((flags & ConnFlags.ONE_PACKET) == 0) {
            table.incrementInPkts(cp);
        }
        if (inboundHook != null) {
            inboundHook.inbound(cp, nowNanos);
        }
        if ((flags & ConnFlags.ONE_PACKET) != 0) {
            // One-packet scheduling: the entry served this datagram only and goes now, as
            // ip_vs_conn_put() expires an OPS connection at once, so the next datagram is scheduled
            // afresh against unchanged destination counters.
            table.expireImmediately(cp, null, nowNanos);
        }
        return o;
    }

    /**
     * The SYN-on-existing-entry rules of ip_vs_in(): with expire_nodest_conn a SYN for a quiescent
     * destination's connection reschedules; otherwise is_new_conn_expected() — an uncontrolled TCP
     * entry in TIME_WAIT (or, with conn_reuse_mode bit 2, FIN_WAIT on a NOOUTPUT connection).
     */
    private boolean reschedule(int cp) {
        int destId = table.destId(cp);
        if (settings.expireNodestConn() && destId >= 0 && registry.byId(destId).weight() == 0) {
            return true;
        }
        if (table.control(cp) != ConnectionTable.NONE || table.protocol(cp) != IpProtocol.TCP) {
            return false;
        }
        int state = table.state(cp);
        return state == TcpStates.TIME_WAIT
                || ((settings.connReuseMode() & 2) != 0 && state == TcpStates.FIN_WAIT
                        && (table.flags(cp) & ConnFlags.NOOUTPUT) != 0);
    }

    /**
     * ip_vs_leave(): a service matched but no destination could take the packet. FTP services let
     * packets for other ports of their address pass; everyone else gets ICMP port unreachable.
     * (The kernel's cache_bypass for firewall-mark services is not offered.)
     */
    private Outcome leave(Schedule svc, MutableDirectBuffer buffer, int offset, long nowNanos) {
        if (svc.port() == Schedule.FTP_PORT && frame.dstPort != Schedule.FTP_PORT) {
            return Outcome.FTP_OTHER_PORT;
        }
        sendIcmpError(buffer, offset, IcmpSender.ICMP_DEST_UNREACH, IcmpSender.ICMP_PORT_UNREACH,
                IcmpSender.ICMPV6_DEST_UNREACH, IcmpSender.ICMPV6_PORT_UNREACH, 0, true, nowNanos);
        return Outcome.NO_DESTINATION;
    }

    /** handle_response(): NAT reply — source back to the virtual address and port. */
    private Outcome handleResponse(int cp, MutableDirectBuffer buffer, int offset, long nowNanos) {
        ParsedFrame f = frame;
        Outcome ttl = checkTtl(buffer, offset, false, nowNanos);
        if (ttl != null) {
            return ttl;
        }
        if (apps != null && apps.isBound(cp)) {
            // tcp_snat_handler(): the helper sees the reply before its source is rewritten.
            int verdict = apps.packetOut(cp, buffer, offset, f, nowNanos);
            if (verdict != AppConnections.ACCEPT) {
                return Outcome.APP_DROPPED;
            }
            buffer = apps.buffer();
            offset = apps.frameOffset();
        }
        snat(buffer, f, table.vaddrHi(cp), table.vaddrLo(cp), table.vport(cp));
        decrementTtl(buffer, f);
        int destId = table.destId(cp);
        traffic.out(destId, f.l3End - f.l3Offset);
        if (f.protocol == IpProtocol.TCP) {
            table.tcpTransition(cp, TcpStateTable.OUTPUT, f.tcpFlags, settings.secureTcp(), nowNanos);
        } else {
            // udp_state_transition() with IP_VS_DIR_OUTPUT: a reply also assures the controlling template
            table.udpTransition(cp, TcpStateTable.OUTPUT, nowNanos);
        }
        return route(buffer, offset, f.ipVersion, f.dstHi, f.dstLo, -1, false, Outcome.FORWARDED_OUT, nowNanos);
    }

    /** The connection's transmitter (cp->packet_xmit). */
    private Outcome transmit(int cp, int method, MutableDirectBuffer buffer, int offset, long nowNanos) {
        ParsedFrame f = frame;
        switch (method) {
            case ConnFlags.MASQ: {
                Outcome ttl = checkTtl(buffer, offset, true, nowNanos);
                if (ttl != null) {
                    return ttl;
                }
                if ((table.flags(cp) & ConnFlags.NO_CPORT) != 0 && f.firstFragment) {
                    // ip_vs_nat_xmit(): the first client packet of an entry announced without client
                    // port (a passive FTP data connection) completes it.
                    table.fillClientPort(cp, f.srcPort);
                }
                if (apps != null && apps.isBound(cp)) {
                    // tcp_dnat_handler(): the helper sees the packet before its destination is rewritten.
                    int verdict = apps.packetIn(cp, buffer, offset, f, nowNanos);
                    if (verdict != AppConnections.ACCEPT) {
                        return Outcome.APP_DROPPED;
                    }
                    buffer = apps.buffer();
                    offset = apps.frameOffset();
                }
                dnat(buffer, f, table.daddrHi(cp), table.daddrLo(cp), table.dport(cp));
                decrementTtl(buffer, f);
                return route(buffer, offset, f.ipVersion, table.daddrHi(cp), table.daddrLo(cp), table.destId(cp),
                        true, Outcome.FORWARDED_IN, nowNanos);
            }
            case ConnFlags.DROUTE: {
                Outcome ttl = checkTtl(buffer, offset, true, nowNanos);
                if (ttl != null) {
                    return ttl;
                }
                decrementTtl(buffer, f);
                // The packet is unchanged but for TTL: the real server is only the next hop.
                return route(buffer, offset, table.af(cp), table.daddrHi(cp), table.daddrLo(cp), table.destId(cp),
                        true, Outcome.FORWARDED_IN, nowNanos);
            }
            case ConnFlags.TUNNEL:
                return tunnel(cp, buffer, offset, nowNanos);
            case ConnFlags.BYPASS: {
                Outcome ttl = checkTtl(buffer, offset, false, nowNanos);
                if (ttl != null) {
                    return ttl;
                }
                decrementTtl(buffer, f);
                return route(buffer, offset, f.ipVersion, f.dstHi, f.dstLo, -1, false, Outcome.FORWARDED_IN, nowNanos);
            }
            default:
                // LOCALNODE: the host's own stack serves the connection (the VIP must be configured
                // there, as on a real server); the director leaves the frame alone.
                return Outcome.LOCAL_NODE;
        }
    }

    /**
     * Sends the parsed packet (in place) towards target, which routing turns into a next hop;
     * destId names the real server the target is (its next hop is cached per destination), or -1.
     * A packet longer than the egress MTU gets ICMP "fragmentation needed" / "packet too big" when
     * it may not be fragmented (DF, or IPv6), else is fragmented, as the kernel's output path does.
     */
    private Outcome route(MutableDirectBuffer buffer, int offset, int af, long targetHi, long targetLo, int destId,
            boolean towardsRealServer, Outcome success, long nowNanos) {
        ParsedFrame f = frame;
        if (!egress.routeToDestination(destId, af, targetHi, targetLo)) {
            return Outcome.NO_ROUTE;
        }
        int ipLength = f.l3End - f.l3Offset;
        int mtu = egress.lastMtu();
        if (ipLength > mtu) {
            boolean df = f.ipVersion == 6
                    || (Ipv4Flyweight.flagsAndFragmentOffset(buffer, f.l3Offset) & Ipv4Flyweight.FLAG_DF) != 0;
            if (df && reassembledMaxFragment > 0 && reassembledMaxFragment <= mtu) {
                // ip_exceeds_mtu() / IPSKB_FRAG_PMTU: a datagram rebuilt here from DF fragments
                // that each fit leaves as fragments of at most the largest original, DF kept.
                return fragmentAndSend(buffer, f.l3Offset, ipLength, reassembledMaxFragment, true, success);
            }
            if (df) {
                // Quoted from the rewritten packet, as the kernel's check runs after DNAT.
                sendIcmpError(buffer, offset, IcmpSender.ICMP_DEST_UNREACH, IcmpSender.ICMP_FRAG_NEEDED,
                        IcmpSender.ICMPV6_PKT_TOOBIG, 0, mtu, towardsRealServer, nowNanos);
                return Outcome.TOO_BIG;
            }
            return fragmentAndSend(buffer, f.l3Offset, ipLength, mtu, false, success);
        }
        return egress.sendViaLastHop(f.ipVersion, buffer, offset, f.l3Offset, ipLength, success);
    }

    private Outcome fragmentAndSend(MutableDirectBuffer buffer, int ipOffset, int ipLength, int mtu, boolean keepDf,
            Outcome success) {
        fragmentForwarder.result = success;
        int n = fragmenter.fragment(buffer, ipOffset, ipLength, mtu, keepDf, fragmentForwarder);
        return n > 0 ? fragmentForwarder.result : Outcome.FRAGMENT_DROPPED;
    }

    /** Sends each fragment through the hop already chosen; remembers the first failure. */
    private final class FragmentForwarder implements Ipv4Fragmenter.FragmentSink {
        Outcome result;

        @Override
        public void fragment(MutableDirectBuffer buf, int ipOffset, int ipLength) {
            Outcome o = egress.sendViaLastHop(4, buf, ipOffset - Egress.L2_ROOM, ipOffset, ipLength, result);
            if (o != result && result.kind() == Outcome.Kind.FORWARDED) {
                result = o;
            }
        }
    }

    /**
     * ip_vs_tunnel_xmit(): the packet inside a new IP header to the real server — IPIP (4) or
     * IPv6-in-IP (41) — from the egress port's address; outer TTL = inner TTL (after this hop's
     * decrement), DSCP copied with ECN encapsulated (INET_ECN_encapsulate), DF copied from the
     * inner packet when pmtu_disc is on, IP id 0 when DF is set (ip_select_ident without a socket).
     */
    private Outcome tunnel(int cp, MutableDirectBuffer buffer, int offset, long nowNanos) {
        ParsedFrame f = frame;
        // The outer header has the real server's family; connections hold one family for all
        // their addresses, so IPv6-service-over-IPv4-tunnel mixes are not representable yet.
        int outerAf = table.af(cp);
        Outcome ttl = checkTtl(buffer, offset, true, nowNanos);
        if (ttl != null) {
            return ttl;
        }
        long rsHi = table.daddrHi(cp);
        long rsLo = table.daddrLo(cp);
        if (!egress.routeToDestination(table.destId(cp), outerAf, rsHi, rsLo)) {
            return Outcome.NO_ROUTE;
        }
        Port port = egress.port(egress.lastHop().port);
        int outerHeader = outerAf == 4 ? IPV4_HEADER : IPV6_HEADER;
        int tunnelMtu = port.mtu() - outerHeader;
        int innerLength = f.l3End - f.l3Offset;
        boolean innerDf = f.ipVersion == 6
                || (Ipv4Flyweight.flagsAndFragmentOffset(buffer, f.l3Offset) & Ipv4Flyweight.FLAG_DF) != 0;
        if (tunnelMtu < MIN_TUNNEL_MTU) {
            return Outcome.TOO_BIG;
        }
        if (innerLength > tunnelMtu && innerDf) {
            sendIcmpError(buffer, offset, IcmpSender.ICMP_DEST_UNREACH, IcmpSender.ICMP_FRAG_NEEDED,
                    IcmpSender.ICMPV6_PKT_TOOBIG, 0, tunnelMtu, true, nowNanos);
            return Outcome.TOO_BIG;
        }
        decrementTtl(buffer, f);
        int innerTtl = f.ipVersion == 4 ? Ipv4Flyweight.ttl(buffer, f.l3Offset) : Ipv6Flyweight.hopLimit(buffer, f.l3Offset);
        int dsfield = f.ipVersion == 4
                ? buffer.getByte(f.l3Offset + Ipv4Flyweight.TOS_OFFSET) & 0xFF
                : (buffer.getInt(f.l3Offset, ByteOrder.BIG_ENDIAN) >>> 20) & 0xFF;
        int tos = (dsfield & ~ECN_MASK) | ((dsfield & ECN_MASK) == ECN_CE ? ECN_ECT_0 : dsfield & ECN_MASK);
        int outer = Egress.L2_ROOM;
        tunnel.putBytes(outer + outerHeader, buffer, f.l3Offset, innerLength);
        int innerProtocol = f.ipVersion == 4 ? IpProtocol.IPIP : IpProtocol.IPV6;
        boolean outerDf = settings.pmtuDisc() && innerDf;
        if (outerAf == 4) {
            writeIpv4Header(tunnel, outer, tos, IPV4_HEADER + innerLength, outerDf ? 0 : (tunnelIpId++ & 0xFFFF),
                    outerDf, innerTtl, innerProtocol, (int) port.ipv4(), (int) rsLo);
        } else {
            tunnel.putInt(outer, (6 << 28) | (tos << 20), ByteOrder.BIG_ENDIAN);
            tunnel.putShort(outer + Ipv6Flyweight.PAYLOAD_LENGTH_OFFSET, (short) innerLength, ByteOrder.BIG_ENDIAN);
            tunnel.putByte(outer + Ipv6Flyweight.NEXT_HEADER_OFFSET, (byte) innerProtocol);
            Ipv6Flyweight.hopLimit(tunnel, outer, innerTtl);
            Ipv6Flyweight.src(tunnel, outer, port.ipv6Hi(), port.ipv6Lo());
            Ipv6Flyweight.dst(tunnel, outer, rsHi, rsLo);
        }
        int total = outerHeader + innerLength;
        if (total > port.mtu()) {
            // Inner packet without DF: the outer packet may be fragmented (pmtu_disc or not).
            return fragmentAndSend(tunnel, outer, total, port.mtu(), false, Outcome.FORWARDED_IN);
        }
        return egress.sendViaLastHop(outerAf, tunnel, 0, outer, total, Outcome.FORWARDED_IN);
    }

    private static void writeIpv4Header(MutableDirectBuffer b, int at, int tos, int totalLength, int id, boolean df,
            int ttl, int protocol, int src, int dst) {
        b.putByte(at, (byte) 0x45);
        b.putByte(at + Ipv4Flyweight.TOS_OFFSET, (byte) tos);
        b.putShort(at + Ipv4Flyweight.TOTAL_LENGTH_OFFSET, (short) totalLength, ByteOrder.BIG_ENDIAN);
        b.putShort(at + Ipv4Flyweight.ID_OFFSET, (short) id, ByteOrder.BIG_ENDIAN);
        b.putShort(at + Ipv4Flyweight.FLAGS_FRAGMENT_OFFSET, (short) (df ? Ipv4Flyweight.FLAG_DF : 0), ByteOrder.BIG_ENDIAN);
        b.putByte(at + Ipv4Flyweight.TTL_OFFSET, (byte) ttl);
        b.putByte(at + Ipv4Flyweight.PROTOCOL_OFFSET, (byte) protocol);
        Ipv4Flyweight.src(b, at, src);
        Ipv4Flyweight.dst(b, at, dst);
        Ipv4Flyweight.checksum(b, at, 0);
        Ipv4Flyweight.checksum(b, at, Checksum.ipv4Header(b, at));
    }

    // ---------------------------------------------------------------- ICMP errors of connections

    /**
     * ip_vs_out_icmp() then ip_vs_in_icmp(): an ICMP error about a packet of a connection. Errors
     * are dest-unreachable, source-quench and time-exceeded (ICMPv6: types below 128); anything
     * else, and errors matching no connection, pass untouched.
     */
    private Outcome icmpError(MutableDirectBuffer buffer, int offset, long nowNanos) {
        ParsedFrame f = frame;
        int type = f.icmpType;
        if (f.ipVersion == 4) {
            if (type != IcmpSender.ICMP_DEST_UNREACH && type != IcmpSender.ICMP_SOURCE_QUENCH
                    && type != IcmpSender.ICMP_TIME_EXCEEDED) {
                return Outcome.UNSUPPORTED_PROTOCOL;
            }
        } else if ((type & IcmpSender.ICMPV6_INFOMSG_MASK) != 0) {
            return Outcome.UNSUPPORTED_PROTOCOL;
        }
        ParsedFrame q = quote;
        if (parser.parseQuoted(buffer, f.payloadOffset, f.l3End - f.payloadOffset, f.ipVersion, q) != 0) {
            return Outcome.ICMP_UNMATCHED;
        }
        if (f.ipVersion == 4 && q.protocol == IpProtocol.IPIP) {
            return tunnelledPacketError(buffer, offset, nowNanos);
        }
        if (!hasPorts(q)) {
            return Outcome.ICMP_UNMATCHED;
        }
        // ip_vs_out_icmp: from the real server's side about a client packet (client -> RS).
        int cp = table.lookupOut(q.protocol, q.ipVersion, q.dstHi, q.dstLo, q.dstPort, q.srcHi, q.srcLo, q.srcPort);
        if (cp != ConnectionTable.NONE && (table.flags(cp) & ConnFlags.FWD_MASK) == ConnFlags.MASQ) {
            if (!icmpChecksumValid(buffer)) {
                return Outcome.ICMP_BAD_CHECKSUM;
            }
            Outcome ttl = checkTtl(buffer, offset, false, nowNanos);
            if (ttl != null) {
                return ttl;
            }
            natIcmp(buffer, cp, true);
            decrementTtl(buffer, f);
            traffic.out(table.destId(cp), f.l3End - f.l3Offset);
            return route(buffer, offset, f.ipVersion, f.dstHi, f.dstLo, -1, false, Outcome.FORWARDED_ICMP, nowNanos);
        }
        // ip_vs_in_icmp: from the client's side about a packet the director sent (VIP -> client).
        cp = table.lookupIn(q.protocol, q.ipVersion, q.dstHi, q.dstLo, q.dstPort, q.srcHi, q.srcLo, q.srcPort);
        if (cp == ConnectionTable.NONE) {
            return Outcome.ICMP_UNMATCHED;
        }
        if (!icmpChecksumValid(buffer)) {
            return Outcome.ICMP_BAD_CHECKSUM;
        }
        traffic.in(table.destId(cp), f.l3End - f.l3Offset);
        int method = table.flags(cp) & ConnFlags.FWD_MASK;
        if (method == ConnFlags.MASQ) {
            Outcome ttl = checkTtl(buffer, offset, true, nowNanos);
            if (ttl != null) {
                return ttl;
            }
            natIcmp(buffer, cp, false);
            decrementTtl(buffer, f);
            return route(buffer, offset, f.ipVersion, table.daddrHi(cp), table.daddrLo(cp), table.destId(cp), true,
                    Outcome.FORWARDED_ICMP, nowNanos);
        }
        // DR, tunnel, bypass: the error goes to the real server unchanged, by the connection's method.
        Outcome o = transmit(cp, method, buffer, offset, nowNanos);
        return o == Outcome.FORWARDED_IN ? Outcome.FORWARDED_ICMP : o;
    }

    /**
     * ip_vs_in_icmp()'s IPIP case: a router between the director and a tunnel real server reports
     * an error about a tunnelled packet. The client is told instead, about its own packet, with the
     * same type and code; for "fragmentation needed" the MTU it may use is the tunnel's (route MTU
     * minus the outer header), and a client that did not set DF is not told at all.
     */
    private Outcome tunnelledPacketError(MutableDirectBuffer buffer, int offset, long nowNanos) {
        ParsedFrame f = frame;
        ParsedFrame outer = quote;
        if (!outer.firstFragment || !isLocalAddress(4, f.dstHi, f.dstLo)) {
            return Outcome.ICMP_UNMATCHED;
        }
        ParsedFrame inner = innerQuote;
        int innerOffset = outer.l3Offset + outer.l3HeaderLength;
        if (parser.parseQuoted(buffer, innerOffset, f.l3End - innerOffset, 4, inner) != 0 || !hasPorts(inner)) {
            return Outcome.ICMP_UNMATCHED;
        }
        // Not reversed: the quoted inner packet is the client's request to the VIP.
        int cp = table.lookupIn(inner.protocol, 4, inner.srcHi, inner.srcLo, inner.srcPort, inner.dstHi, inner.dstLo,
                inner.dstPort);
        if (cp == ConnectionTable.NONE) {
            return Outcome.ICMP_UNMATCHED;
        }
        if (!icmpChecksumValid(buffer)) {
            return Outcome.ICMP_BAD_CHECKSUM;
        }
        int info = buffer.getInt(f.l4Offset + 4, ByteOrder.BIG_ENDIAN);
        if (f.icmpType == IcmpSender.ICMP_DEST_UNREACH && f.icmpCode == IcmpSender.ICMP_FRAG_NEEDED) {
            if ((Ipv4Flyweight.flagsAndFragmentOffset(buffer, inner.l3Offset) & Ipv4Flyweight.FLAG_DF) == 0) {
                return Outcome.ICMP_CONSUMED;
            }
            int mtu = info & 0xFFFF;
            if (egress.routeToDestination(table.destId(cp), 4, table.daddrHi(cp), table.daddrLo(cp))) {
                mtu = Math.min(mtu == 0 ? Integer.MAX_VALUE : mtu, egress.lastMtu());
            }
            if (mtu > MIN_TUNNEL_MTU + IPV4_HEADER) {
                mtu -= IPV4_HEADER;
            }
            info = mtu;
        }
        int innerLength = f.l3End - inner.l3Offset;
        icmp.sendV4(f.icmpType, f.icmpCode, info, buffer, inner.l3Offset, innerLength, true, nowNanos);
        traffic.out(table.destId(cp), innerLength);
        return Outcome.ICMP_CONSUMED;
    }

    /**
     * ip_vs_nat_icmp(): translate an ICMP error for a NAT connection. Outbound (from the real
     * server): outer source and quoted destination become the virtual address and port. Inbound
     * (from the client's side): outer destination and quoted source become the real server's.
     * The ICMP checksum is recomputed over the whole message, as the kernel does.
     */
    private void natIcmp(MutableDirectBuffer buffer, int cp, boolean outbound) {
        ParsedFrame f = frame;
        ParsedFrame q = quote;
        long hi = outbound ? table.vaddrHi(cp) : table.daddrHi(cp);
        long lo = outbound ? table.vaddrLo(cp) : table.daddrLo(cp);
        int port = outbound ? table.vport(cp) : table.dport(cp);
        if (f.ipVersion == 4) {
            int addr = (int) lo;
            if (outbound) {
                patchIpv4Address(buffer, f.l3Offset, Ipv4Flyweight.SRC_OFFSET, addr);
                patchIpv4Address(buffer, q.l3Offset, Ipv4Flyweight.DST_OFFSET, addr);
            } else {
                patchIpv4Address(buffer, f.l3Offset, Ipv4Flyweight.DST_OFFSET, addr);
                patchIpv4Address(buffer, q.l3Offset, Ipv4Flyweight.SRC_OFFSET, addr);
            }
        } else if (outbound) {
            Ipv6Flyweight.src(buffer, f.l3Offset, hi, lo);
            Ipv6Flyweight.dst(buffer, q.l3Offset, hi, lo);
        } else {
            Ipv6Flyweight.dst(buffer, f.l3Offset, hi, lo);
            Ipv6Flyweight.src(buffer, q.l3Offset, hi, lo);
        }
        // Quoted ports: TCP and UDP keep them at the same place.
        buffer.putShort(q.l4Offset + (outbound ? 2 : 0), (short) port, ByteOrder.BIG_ENDIAN);
        int icmpLength = f.l3End - f.l4Offset;
        buffer.putShort(f.l4Offset + 2, (short) 0);
        int csum = f.ipVersion == 4
                ? Checksum.finish(Checksum.sum(buffer, f.l4Offset, icmpLength, 0))
                : Checksum.l4Checksum6(buffer, f.l4Offset, icmpLength, Ipv6Flyweight.srcHi(buffer, f.l3Offset),
                        Ipv6Flyweight.srcLo(buffer, f.l3Offset), Ipv6Flyweight.dstHi(buffer, f.l3Offset),
                        Ipv6Flyweight.dstLo(buffer, f.l3Offset), IpProtocol.ICMPV6);
        buffer.putShort(f.l4Offset + 2, (short) csum, ByteOrder.BIG_ENDIAN);
        if (outbound) {
            f.srcHi = hi;
            f.srcLo = lo;
        } else {
            f.dstHi = hi;
            f.dstLo = lo;
        }
    }

    /** Rewrites an IPv4 address field and patches that header's checksum (RFC 1624). */
    private static void patchIpv4Address(MutableDirectBuffer b, int ipOffset, int field, int addr) {
        int old = b.getInt(ipOffset + field, ByteOrder.BIG_ENDIAN);
        b.putInt(ipOffset + field, addr, ByteOrder.BIG_ENDIAN);
        Ipv4Flyweight.checksum(b, ipOffset, Checksum.update32(Ipv4Flyweight.checksum(b, ipOffset), old, addr));
    }

    /** A quote parsed OK carries the ports when it is TCP or UDP and not a later fragment. */
    private static boolean hasPorts(ParsedFrame q) {
        return q.firstFragment && (q.protocol == IpProtocol.TCP || q.protocol == IpProtocol.UDP);
    }

    private boolean icmpChecksumValid(MutableDirectBuffer buffer) {
        ParsedFrame f = frame;
        if (!settings.verifyChecksums()) {
            return true;
        }
        int length = f.l3End - f.l4Offset;
        if (f.ipVersion == 4) {
            return Checksum.fold(Checksum.sum(buffer, f.l4Offset, length, 0)) == 0xFFFF;
        }
        return Checksum.isL4Valid6(buffer, f.l4Offset, length, f.srcHi, f.srcLo, f.dstHi, f.dstLo, IpProtocol.ICMPV6);
    }

    // ---------------------------------------------------------------- rewrites

    /** Destination NAT of a client packet: VIP:vport -> RS:rport, checksums patched. */
    private void dnat(MutableDirectBuffer b, ParsedFrame f, long hi, long lo, int port) {
        rewrite(b, f, false, hi, lo, port);
        f.dstHi = hi;
        f.dstLo = lo;
        f.dstPort = port;
    }

    /** Source NAT of a reply: RS:rport -> VIP:vport, checksums patched. */
    private void snat(MutableDirectBuffer b, ParsedFrame f, long hi, long lo, int port) {
        rewrite(b, f, true, hi, lo, port);
        f.srcHi = hi;
        f.srcLo = lo;
        f.srcPort = port;
    }

    private static void rewrite(MutableDirectBuffer b, ParsedFrame f, boolean source, long hi, long lo, int port) {
        int ip = f.l3Offset;
        int l4 = f.l4Offset;
        boolean tcp = f.protocol == IpProtocol.TCP;
        int csumAt = l4 + (tcp ? TcpFlyweight.CHECKSUM_OFFSET : UdpFlyweight.CHECKSUM_OFFSET);
        int portAt = l4 + (source ? 0 : 2);
        // A later fragment carries no transport header; the first carries the ports and a checksum
        // over the whole datagram, which the incremental update keeps right.
        boolean hasL4 = f.firstFragment;
        int csum = hasL4 ? b.getShort(csumAt, ByteOrder.BIG_ENDIAN) & 0xFFFF : 0;
        int oldPort = hasL4 ? b.getShort(portAt, ByteOrder.BIG_ENDIAN) & 0xFFFF : 0;
        if (f.ipVersion == 4) {
            int field = source ? Ipv4Flyweight.SRC_OFFSET : Ipv4Flyweight.DST_OFFSET;
            int old = b.getInt(ip + field, ByteOrder.BIG_ENDIAN);
            int addr = (int) lo;
            patchIpv4Address(b, ip, field, addr);
            if (hasL4) {
                csum = tcp ? Checksum.update32(csum, old, addr) : Checksum.updateUdp32(csum, old, addr);
            }
        } else {
            long oldHi = source ? f.srcHi : f.dstHi;
            long oldLo = source ? f.srcLo : f.dstLo;
            if (source) {
                Ipv6Flyweight.src(b, ip, hi, lo);
            } else {
                Ipv6Flyweight.dst(b, ip, hi, lo);
            }
            if (hasL4) {
                csum = tcp ? Checksum.update128(csum, oldHi, oldLo, hi, lo)
                        : Checksum.updateUdp128(csum, oldHi, oldLo, hi, lo);
            }
        }
        if (hasL4) {
            b.putShort(portAt, (short) port, ByteOrder.BIG_ENDIAN);
            csum = tcp ? Checksum.update16(csum, oldPort, port) : Checksum.updateUdp16(csum, oldPort, port);
            b.putShort(csumAt, (short) csum, ByteOrder.BIG_ENDIAN);
        }
    }

    /**
     * decrement_ttl(): a packet whose TTL / hop limit would reach 0 is answered with ICMP time
     * exceeded and dropped. Returns null when the packet may go on.
     */
    private Outcome checkTtl(MutableDirectBuffer buffer, int offset, boolean toVip, long nowNanos) {
        if (frame.ttl > 1) {
            return null;
        }
        sendIcmpError(buffer, offset, IcmpSender.ICMP_TIME_EXCEEDED, IcmpSender.ICMP_EXC_TTL,
                IcmpSender.ICMPV6_TIME_EXCEED, IcmpSender.ICMPV6_EXC_HOPLIMIT, 0, toVip, nowNanos);
        return Outcome.TTL_EXCEEDED;
    }

    private static void decrementTtl(MutableDirectBuffer b, ParsedFrame f) {
        if (f.ipVersion == 4) {
            Ipv4Flyweight.decrementTtl(b, f.l3Offset);
        } else {
            Ipv6Flyweight.hopLimit(b, f.l3Offset, Ipv6Flyweight.hopLimit(b, f.l3Offset) - 1);
        }
        f.ttl--;
    }

    private void sendIcmpError(MutableDirectBuffer buffer, int offset, int type4, int code4, int type6, int code6,
            int info, boolean localDestination, long nowNanos) {
        ParsedFrame f = frame;
        int ipLength = f.l3End - f.l3Offset;
        if (f.ipVersion == 4) {
            icmp.sendV4(type4, code4, info, buffer, f.l3Offset, ipLength, localDestination, nowNanos);
        } else {
            icmp.sendV6(type6, code6, info, buffer, f.l3Offset, ipLength, f.protocol, f.l4Offset, f.firstFragment,
                    localDestination, nowNanos);
        }
    }

    private boolean isLocalMac(long mac) {
        for (long m : localMacs) {
            if (m == mac) {
                return true;
            }
        }
        return false;
    }

    /** Whether an address is one of the director's own port addresses. */
    private boolean isLocalAddress(int af, long hi, long lo) {
        for (int i = 0; i < egress.portCount(); i++) {
            Port p = egress.port(i);
            if (af == 4 ? p.ipv4() == lo : (p.ipv6Hi() == hi && p.ipv6Lo() == lo)) {
                return true;
            }
        }
        return false;
    }
}
