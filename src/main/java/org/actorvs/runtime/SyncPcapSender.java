package org.actorvs.runtime;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;

import org.actorvs.forward.Port;
import org.actorvs.io.PcapFileWriter;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.IpProtocol;
import org.actorvs.sync.SyncDaemon;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An offline master's "socket": each message becomes the Ethernet/IPv4/UDP frame the kernel's
 * master would put on the wire (from the interface's MAC and address to the group's multicast MAC,
 * TTL as configured, DF clear since the kernel sends with IP_PMTUDISC_DONT), written to a pcap
 * file stamped with the capture time that produced it. Deterministic: the source port is fixed
 * (the kernel's is ephemeral) and the IP id counts from 1.
 */
public final class SyncPcapSender implements org.actorvs.sync.SyncSender {
    /** The source port of the frames: an ephemeral port, fixed so that replays write the same bytes. */
    public static final int SOURCE_PORT = 49152;
    private static final int ETHERNET_HEADER = 14;
    private static final int IPV4_UDP_HEADERS = 28;

    private final PcapFileWriter writer;
    private final FrameBuilder frame = new FrameBuilder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ETHERNET_HEADER + 65_535]);
    private final long srcMac;
    private final int srcIp;
    private final int group;
    private final long groupMac;
    private final int port;
    private final int ttl;
    private int ipId;
    private long frames;

    public SyncPcapSender(Path file, Port from, SyncDaemon daemon) throws IOException {
        if (!(daemon.group() instanceof Inet4Address)) {
            throw new IllegalArgumentException("a sync capture is written for an IPv4 group only, not "
                    + daemon.group().getHostAddress());
        }
        if (!from.hasIpv4()) {
            throw new IllegalArgumentException("interface " + from.name() + " has no IPv4 address to send sync from");
        }
        byte[] g = daemon.group().getAddress();
        this.group = (g[0] & 0xFF) << 24 | (g[1] & 0xFF) << 16 | (g[2] & 0xFF) << 8 | (g[3] & 0xFF);
        // RFC 1112: 01:00:5e and the low 23 bits of the group
        this.groupMac = 0x01005E000000L | (group & 0x7FFFFFL);
        this.srcMac = from.mac();
        this.srcIp = (int) from.ipv4();
        this.port = daemon.port();
        this.ttl = daemon.ttl();
        this.writer = new PcapFileWriter(file);
    }

    @Override
    public boolean send(byte[] message, long nowNanos) throws IOException {
        if (message.length > 65_535 - IPV4_UDP_HEADERS) {
            throw new IOException("a sync message of " + message.length + " bytes does not fit one IPv4 datagram");
        }
        ipId = (ipId + 1) & 0xFFFF;
        frame.ethernet(groupMac, srcMac).ipv4(srcIp, group, IpProtocol.UDP, ttl, ipId, false).udp(SOURCE_PORT, port)
                .payload(message);
        int length = frame.build(buffer, 0);
        writer.write(nowNanos, buffer, 0, length);
        frames++;
        return true;
    }

    /** Frames written. */
    public long frames() {
        return frames;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
