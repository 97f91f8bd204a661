package org.actorvs.sync;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.TcpStates;
import org.actorvs.conn.TemplateStates;
import org.actorvs.conn.Timeouts;
import org.actorvs.packet.IpAddress;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Sends, as an ActorVS sync master would, a mix of connections to the IPVS sync group: the sender
 * that deploy/kernel-ipvs/backup-check.sh runs beside a real kernel backup (KernelBackupJudgeTest).
 *
 * <p>{@code java -cp <test classpath> org.actorvs.sync.KernelJudgeSender --version 0|1 [--syncid N]}. The
 * group, port and the sending interface's address come from the harness's environment
 * (KIPVS_SYNC_GROUP, KIPVS_SYNC_PORT, KIPVS_HOST_ADDR); the syncid defaults to KIPVS_SYNCID.
 * After the mix it sends {@link #foreignConnection()} under another syncid, which a backup
 * filtering on this syncid must ignore.
 */
public final class KernelJudgeSender {
    static final String CLIENT = "10.99.0.1";
    static final String CLIENT6 = "fd00:99::1";
    /** Filler connections: enough to need several messages in both versions. */
    static final int BULK = 80;
    /** The SIP persistence engine's Call-ID data of the two SIP templates. */
    static final String[] CALL_IDS = {"judge-call-1@10.99.0.1", "judge-call-22@10.99.0.6"};
    private static final int FWMARK = 1;

    private KernelJudgeSender() {
    }

    public static void main(String[] args) throws IOException {
        int version = 1;
        int syncId = Integer.parseInt(System.getenv().getOrDefault("KIPVS_SYNCID", "0"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--version" -> version = Integer.parseInt(args[i + 1]);
                case "--syncid" -> syncId = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("usage: KernelJudgeSender --version 0|1 [--syncid N]");
            }
        }
        InetAddress host = InetAddress.getByName(System.getenv("KIPVS_HOST_ADDR"));
        InetSocketAddress group = new InetSocketAddress(InetAddress.getByName(System.getenv("KIPVS_SYNC_GROUP")),
                Integer.parseInt(System.getenv("KIPVS_SYNC_PORT")));
        List<byte[]> messages = messages(version, syncId, connections());
        messages.addAll(messages(version, foreignSyncId(syncId), List.of(foreignConnection())));
        // As the kernel master's socket: bound to the interface's address, multicast TTL 1, no loop.
        try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
            channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, NetworkInterface.getByInetAddress(host));
            channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
            channel.bind(new InetSocketAddress(host, 0));
            for (byte[] m : messages) {
                channel.send(ByteBuffer.wrap(m), group);
            }
        }
        System.out.println("KernelJudgeSender: sent " + messages.size() + " v" + version + " messages, syncid " + syncId
                + " (the last one with syncid " + foreignSyncId(syncId) + ")");
    }

    /** A syncid other than {@code syncId}, 1..255, so that even a backup with syncid 0 is not it. */
    static int foreignSyncId(int syncId) {
        return syncId % 255 + 1;
    }

    /** The messages a master with this version and syncid sends for {@code entries}, in order. */
    static List<byte[]> messages(int version, int syncId, List<SyncEntry> entries) {
        SyncMessageEncoder encoder = new SyncMessageEncoder(version, syncId, SyncLimits.masterMaxLength(0, false));
        List<byte[]> out = new ArrayList<>();
        for (SyncEntry e : entries) {
            if (!encoder.append(e)) {
                out.add(copy(encoder));
                encoder.reset();
                encoder.append(e);
            }
        }
        if (!encoder.isEmpty()) {
            out.add(copy(encoder));
        }
        return out;
    }

    private static byte[] copy(SyncMessageEncoder encoder) {
        byte[] m = new byte[encoder.length()];
        encoder.buffer().getBytes(0, m);
        return m;
    }

    /**
     * The mix, each with the flags and timeout (cp->timeout) a master gives it. Every entry has its
     * own backup key (protocol, client, virtual, template or not, PE data), so a backup lists one
     * row per entry; v0 cannot carry the IPv6 ones.
     */
    static List<SyncEntry> connections() {
        Timeouts t = new Timeouts();
        int masq = ConnFlags.MASQ;
        int droute = ConnFlags.DROUTE | ConnFlags.NOOUTPUT;
        int tunnel = ConnFlags.TUNNEL | ConnFlags.NOOUTPUT;
        int template = ConnFlags.TEMPLATE | ConnFlags.INACTIVE;
        int assured = TemplateStates.ASSURED;
        List<SyncEntry> all = new ArrayList<>();
        // TCP NAT in every state a master syncs (ip_vs_sync_conn_needed()); leaving ESTABLISHED
        // makes a connection INACTIVE (set_tcp_state()).
        int[] synced = {TcpStates.ESTABLISHED, TcpStates.FIN_WAIT, TcpStates.CLOSE, TcpStates.CLOSE_WAIT,
            TcpStates.TIME_WAIT};
        for (int i = 0; i < synced.length; i++) {
            int flags = synced[i] == TcpStates.ESTABLISHED ? masq : masq | ConnFlags.INACTIVE;
            all.add(tcp(flags, synced[i], t, CLIENT, 40001 + i, "10.99.0.10", 80, "10.99.0.21", 8080));
        }
        all.add(tcp(droute, TcpStates.ESTABLISHED, t, CLIENT, 40011, "10.99.0.11", 80, "10.99.0.22", 80));
        all.add(tcp(droute | ConnFlags.INACTIVE, TcpStates.FIN_WAIT, t, CLIENT, 40012, "10.99.0.11", 80,
                "10.99.0.22", 80));
        all.add(tcp(tunnel, TcpStates.ESTABLISHED, t, CLIENT, 40021, "10.99.0.12", 80, "10.99.0.23", 80));
        all.add(tcp(tunnel | ConnFlags.INACTIVE, TcpStates.TIME_WAIT, t, CLIENT, 40022, "10.99.0.12", 80,
                "10.99.0.23", 80));
        // An FTP control connection whose payload a helper resized: sequence data, conntrack.
        all.add(tcp(masq | ConnFlags.IN_SEQ | ConnFlags.OUT_SEQ | ConnFlags.NFCT, TcpStates.ESTABLISHED, t, CLIENT,
                40031, "10.99.0.15", 21, "10.99.0.21", 21).seq(0x1000_0000, 4, 0, 0xF000_0001, -4, 0));
        all.add(udp(masq, t, CLIENT, 40041, "10.99.0.13", 53, "10.99.0.21", 5353));
        all.add(udp(masq, t, CLIENT, 40042, "10.99.0.13", 53, "10.99.0.24", 5353));
        // Persistence (-p 300): a template with the connections it controls, and one without any.
        all.add(entry(SyncProtocols.TCP, masq | template, assured, 300, CLIENT, 0, "10.99.0.14", 443,
                "10.99.0.24", 8443));
        all.add(tcp(masq, TcpStates.ESTABLISHED, t, CLIENT, 40051, "10.99.0.14", 443, "10.99.0.24", 8443));
        all.add(tcp(masq | ConnFlags.INACTIVE, TcpStates.TIME_WAIT, t, CLIENT, 40052, "10.99.0.14", 443,
                "10.99.0.24", 8443));
        all.add(entry(SyncProtocols.TCP, masq | template, assured, 300, "10.99.0.5", 0, "10.99.0.14", 443,
                "10.99.0.21", 8443));
        // A firewall-mark service's template: protocol IP, the mark as virtual address, port 0.
        all.add(entry(0, droute | template, assured, 300, "10.99.0.7", 0, "0.0.0." + FWMARK, 0, "10.99.0.22", 0)
                .fwmark(FWMARK));
        // SIP persistence engine (-p 60 --pe sip): templates keyed by Call-ID, and a call they control.
        for (int i = 0; i < CALL_IDS.length; i++) {
            byte[] callId = CALL_IDS[i].getBytes(StandardCharsets.US_ASCII);
            all.add(entry(SyncProtocols.UDP, masq | template | ConnFlags.NFCT, assured, 60, "10.99.0." + (1 + 5 * i),
                    0, "10.99.0.16", 5060, "10.99.0.2" + (1 + 3 * i), 5060)
                    .peData(new UnsafeBuffer(callId), 0, callId.length).peName(SyncProtocols.SIP_ENGINE));
        }
        all.add(udp(masq, t, CLIENT, 40061, "10.99.0.16", 5060, "10.99.0.21", 5060));
        // IPv6 (v1 only).
        all.add(tcp(masq, TcpStates.ESTABLISHED, t, CLIENT6, 40071, "fd00:99::10", 80, "fd00:99::21", 8080));
        all.add(tcp(masq | ConnFlags.INACTIVE, TcpStates.CLOSE_WAIT, t, CLIENT6, 40072, "fd00:99::10", 80,
                "fd00:99::21", 8080));
        all.add(udp(masq, t, CLIENT6, 40073, "fd00:99::13", 53, "fd00:99::21", 5353));
        all.add(entry(SyncProtocols.TCP, masq | template, assured, 300, CLIENT6, 0, "fd00:99::14", 443,
                "fd00:99::21", 8443));
        for (int i = 0; i < BULK; i++) {
            all.add(tcp(masq, TcpStates.ESTABLISHED, t, CLIENT, 41000 + i, "10.99.0.10", 80,
                    i % 2 == 0 ? "10.99.0.21" : "10.99.0.24", 8080));
        }
        return all;
    }

    /** Sent under {@link #foreignSyncId}: no backup listing may show it. */
    static SyncEntry foreignConnection() {
        return tcp(ConnFlags.MASQ, TcpStates.ESTABLISHED, new Timeouts(), CLIENT, 49999, "10.99.0.10", 80,
                "10.99.0.21", 8080);
    }

    private static SyncEntry tcp(int flags, int state, Timeouts t, String client, int cport, String vip, int vport,
            String dest, int dport) {
        return entry(SyncProtocols.TCP, flags, state, t.tcp(state), client, cport, vip, vport, dest, dport);
    }

    private static SyncEntry udp(int flags, Timeouts t, String client, int cport, String vip, int vport, String dest,
            int dport) {
        return entry(SyncProtocols.UDP, flags, 0, t.udp(), client, cport, vip, vport, dest, dport);
    }

    private static SyncEntry entry(int protocol, int flags, int state, long timeout, String client, int cport,
            String vip, int vport, String dest, int dport) {
        IpAddress c = IpAddress.parse(client);
        IpAddress v = IpAddress.parse(vip);
        IpAddress d = IpAddress.parse(dest);
        return new SyncEntry().connection(c.af(), protocol, flags, state).client(c.hi(), c.lo(), cport)
                .virtual(v.hi(), v.lo(), vport).destination(d.hi(), d.lo(), dport).timeoutSeconds(timeout);
    }
}
