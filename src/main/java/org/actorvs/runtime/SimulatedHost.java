package org.actorvs.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.actorvs.packet.ArpFlyweight;
import org.actorvs.packet.DropReason;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.FrameParser;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.ParsedFrame;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One host of the simulated lab: an IPv4 address on an Ethernet segment, just enough ARP to find
 * its next hop (a frame waits for the answer, as the kernel's arp_queue holds it) and TCP segments
 * built with {@link FrameBuilder}. Everything it receives is parsed with checksums verified, so a
 * frame the director got wrong is counted here instead of being understood. Frames arrive on the
 * segment's thread ({@link SimulatedSegment}) while the demo opens connections and times them out
 * on others, hence the synchronisation.
 */
abstract class SimulatedHost {
    private static final int TTL = 64;
    private static final int WINDOW = 65_535;

    final String name;
    final int ip;
    final long mac;
    private final int netmask;
    private final int gateway;
    private final Consumer<byte[]> wire;
    private final FrameParser parser = new FrameParser(true);
    private final ParsedFrame parsed = new ParsedFrame();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Map<Integer, Long> arpCache = new HashMap<>();
    private final Map<Integer, List<Segment>> waitingForArp = new HashMap<>();
    private long badFrames;
    private int ipId;

    /** A TCP segment to send once its next hop's MAC is known. */
    record Segment(int dstIp, int srcPort, int dstPort, int seq, int ack, int flags, byte[] payload) {
    }

    /**
     * @param wire    puts a frame on this host's segment
     * @param gateway next hop for addresses off the segment (0: none)
     */
    SimulatedHost(String name, int ip, int prefixLength, int gateway, Consumer<byte[]> wire) {
        this.name = name;
        this.ip = ip;
        this.mac = macOf(ip);
        this.netmask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        this.gateway = gateway;
        this.wire = wire;
    }

    /** A locally administered MAC that shows the address: 02:00:a:b:c:d. */
    static long macOf(int ipv4) {
        return 0x0200_0000_0000L | (ipv4 & 0xFFFF_FFFFL);
    }

    /** A frame the segment hands to this host (broadcast, multicast or addressed to its MAC). */
    final synchronized void receive(byte[] frame) {
        view.wrap(frame);
        if (parser.parse(view, 0, frame.length, parsed) != DropReason.OK.code()) {
            badFrames++;
            return;
        }
        if (parsed.etherType == EthernetFlyweight.ETHER_TYPE_ARP) {
            onArp(arp.wrap(view, parsed.l3Offset));
        } else if (parsed.ipVersion == 4 && parsed.dst4 == ip && parsed.protocol == IpProtocol.TCP
                && !parsed.fragment) {
            byte[] payload = new byte[parsed.payloadLength];
            view.getBytes(parsed.payloadOffset, payload);
            onTcp(parsed.src4, parsed.srcPort, parsed.dstPort, parsed.tcpSeq, parsed.tcpAck, parsed.tcpFlags, payload,
                    EthernetFlyweight.srcMac(view, 0));
        }
    }

    private void onArp(ArpFlyweight a) {
        int sender = a.senderIp();
        long senderMac = a.senderMac();
        if (a.targetIp() != ip) {
            // Not for us. As arp_process() with arp_accept=0: no new entry, but an entry we have
            // follows a gratuitous announcement at once (arp_is_garp(): sender IP = target IP,
            // and for a reply target MAC = sender MAC) — a VRRP master taking the VIP over.
            boolean gratuitous = sender == a.targetIp()
                    && (a.op() == ArpFlyweight.OP_REQUEST || a.targetMac() == senderMac);
            if (gratuitous && arpCache.containsKey(sender)) {
                arpCache.put(sender, senderMac);
            }
            return;
        }
        // As arp_process(): a request for our address also teaches us the asker.
        arpCache.put(sender, senderMac);
        if (a.op() == ArpFlyweight.OP_REQUEST) {
            send(new FrameBuilder().ethernet(senderMac, mac).arp(ArpFlyweight.OP_REPLY, mac, ip, senderMac, sender));
        }
        List<Segment> waiting = waitingForArp.remove(sender);
        if (waiting != null) {
            waiting.forEach(this::sendSegment);
        }
    }

    /**
     * A TCP segment addressed to this host, its checksums verified.
     *
     * @param from the Ethernet source: the director that forwarded it
     */
    abstract void onTcp(int srcIp, int srcPort, int dstPort, int seq, int ack, int flags, byte[] payload, long from);

    /** Sends a segment, resolving the next hop with ARP first when it is not known yet. */
    final synchronized void sendSegment(Segment s) {
        int hop = ((s.dstIp() ^ ip) & netmask) == 0 || gateway == 0 ? s.dstIp() : gateway;
        Long hopMac = arpCache.get(hop);
        if (hopMac == null) {
            List<Segment> waiting = waitingForArp.computeIfAbsent(hop, h -> new ArrayList<>());
            if (waiting.isEmpty()) {
                send(new FrameBuilder().ethernet(EthernetFlyweight.BROADCAST_MAC, mac)
                        .arp(ArpFlyweight.OP_REQUEST, mac, ip, 0, hop));
            }
            waiting.add(s);
            return;
        }
        send(new FrameBuilder().ethernet(hopMac, mac)
                .ipv4(ip, s.dstIp(), IpProtocol.TCP, TTL, ++ipId & 0xFFFF, true)
                .tcp(s.srcPort(), s.dstPort(), s.seq(), s.ack(), s.flags(), WINDOW)
                .payload(s.payload()));
    }

    private void send(FrameBuilder frame) {
        byte[] bytes = new byte[frame.frameLength()];
        frame.build(new UnsafeBuffer(bytes), 0);
        wire.accept(bytes);
    }

    /** Frames this host refused: malformed or with a wrong checksum. */
    final synchronized long badFrames() {
        return badFrames;
    }
}
