package org.actorvs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.actorvs.forward.NeighbourCache;
import org.actorvs.forward.Port;
import org.actorvs.lab.LabHost;
import org.actorvs.packet.ArpFlyweight;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.MacAddress;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.PcapHandle;

/**
 * PcapLiveIo against a real Linux stack: a veth pair whose one end stays in this JVM's namespace
 * (where libpcap opens it; its own ARP is switched off so only our code answers) and whose other
 * end sits in a fresh namespace with an address, the "host" we talk to.
 */
class PcapLiveIoNamespaceTest {
    static final int OUR_IP = InetAddresses.parseIpv4("10.99.0.1");
    static final int PEER_IP = InetAddresses.parseIpv4("10.99.0.2");
    static final int UDP_PORT = 5555;

    private String ns;
    private String ours;
    private String peer;
    private Port port;
    private long peerMac;
    private PcapLiveIo io;
    private Injector injector;
    private NeighbourTable table;
    private ArpResponder responder;
    private final List<byte[]> received = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        LabHost.requireNamespaces();
        ns = "avt" + Integer.toHexString(0x10000 + ThreadLocalRandom.current().nextInt(0xEFFFF));
        ours = ns + "r";
        peer = ns + "n";
        sh("ip", "netns", "add", ns);
        sh("ip", "link", "add", ours, "type", "veth", "peer", "name", peer);
        sh("ip", "link", "set", peer, "netns", ns);
        sh("sysctl", "-qw", "net.ipv6.conf." + ours + ".disable_ipv6=1");
        sh("ip", "link", "set", ours, "arp", "off", "up");
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "addr", "add", "10.99.0.2/24", "dev", peer);
        sh("ip", "-n", ns, "link", "set", peer, "up");
        peerMac = MacAddress.parse(sh("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + peer + "/address").strip());
        final Port os = PcapLiveIo.portOf(0, ours);
        port = new Port(0, ours, os.mac(), OUR_IP & 0xFFFF_FFFFL, 0, 0, os.mtu(), -1);
        io = new PcapLiveIo(List.of(port), "arp or ip", 10);
        injector = io.openInjector();
        table = new NeighbourTable(io.ports(), NeighbourTable.Params.kernelDefaults());
        responder = new ArpResponder(io.ports(), table);
        responder.ownedAddresses(OwnedAddresses.builder().add(0, OUR_IP).build());
    }

    @AfterEach
    void tearDown() {
        if (io != null) {
            io.close();
        }
        if (ns != null) {
            LabHost.run(List.of("ip", "link", "del", ours), 10);
            LabHost.run(List.of("ip", "netns", "del", ns), 10);
        }
    }

    @Test
    void kernelArpRequestIsReceivedAnsweredAndTheKernelCachesOurMac() throws Exception {
        final Process ping = start("ip", "netns", "exec", ns, "ping", "-c", "3", "-i", "0.2", "-W", "1", "10.99.0.1");
        try {
            pump(5_000, () -> count(f -> isIcmpEcho(f) && EthernetFlyweight.dstMac(new UnsafeBuffer(f), 0) == port.mac()) > 0);
        } finally {
            ping.waitFor(5, TimeUnit.SECONDS);
            ping.destroyForcibly();
        }
        assertTrue(count(f -> isArp(f, ArpFlyweight.OP_REQUEST, PEER_IP, OUR_IP)) >= 1, "the kernel's ARP request was received");
        assertTrue(responder.count(ArpResponder.ANSWERED) >= 1);
        assertTrue(count(this::isIcmpEcho) >= 1, "after our answer the kernel sent its echo request to our MAC");
        final String neigh = sh("ip", "-n", ns, "neigh", "show", "10.99.0.1", "dev", peer);
        assertTrue(neigh.contains(MacAddress.format(port.mac())), neigh);
        assertTrue(neigh.contains("REACHABLE") || neigh.contains("STALE") || neigh.contains("DELAY"), neigh);
        assertEquals(peerMac, table.mac(4, 0, PEER_IP), "the asker was learnt from its request");
    }

    @Test
    void injectedUdpDatagramReachesASocketInTheNamespaceAndIsNotCapturedBack() throws Exception {
        final Process listener = start("ip", "netns", "exec", ns, "python3", "-c",
                "import socket,sys\n"
                        + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                        + "s.bind(('10.99.0.2'," + UDP_PORT + "))\n"
                        + "s.settimeout(5)\n"
                        + "print('ready',flush=True)\n"
                        + "d,a=s.recvfrom(2000)\n"
                        + "print(d.decode(),a[0],a[1],flush=True)\n");
        // A raw handle without the direction filter shows the frame did go out on this interface.
        final PcapHandle both = new PcapHandle.Builder(ours).snaplen(2048).timeoutMillis(10).immediateMode(true).build();
        try {
            final BufferedReader out = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            final byte[] marker = "hello-actorvs".getBytes(StandardCharsets.US_ASCII);
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[128]);
            final int length = new FrameBuilder().ethernet(peerMac, port.mac())
                    .ipv4(OUR_IP, PEER_IP, IpProtocol.UDP, 64, 1, true).udp(40000, UDP_PORT).payload(marker).build(frame, 0);
            injector.send(0, frame, 0, length);
            assertEquals(0, injector.failures());
            assertTrue(listener.waitFor(5, TimeUnit.SECONDS));
            assertEquals("hello-actorvs 10.99.0.1 40000", out.readLine());

            boolean seenBoth = false;
            for (int i = 0; i < 100 && !seenBoth; i++) {
                final byte[] raw = both.getNextRawPacket();
                seenBoth = raw != null && contains(raw, marker);
            }
            assertTrue(seenBoth, "a capture in both directions sees the injected frame");
            pump(300, () -> false);
            assertEquals(0, count(f -> contains(f, marker)), "our inbound-only capture never reads it back");
        } finally {
            both.close();
            listener.destroyForcibly();
        }
    }

    @Test
    void neighbourTableResolvesTheKernelsMacWithARealArpExchange() {
        table.resolutionNeeded(4, 0, PEER_IP, 0);
        pump(5_000, () -> table.mac(4, 0, PEER_IP) != NeighbourCache.UNRESOLVED);
        assertEquals(peerMac, table.mac(4, 0, PEER_IP));
        assertEquals(NeighbourTable.State.REACHABLE, table.state(PEER_IP), "a unicast reply confirms reachability");
        assertTrue(table.probesSent() >= 1);
        assertTrue(count(f -> isArp(f, ArpFlyweight.OP_REPLY, PEER_IP, OUR_IP)) >= 1);
    }

    @Test
    void injectAndReceiveAllocateNothingPerFrame() {
        // The namespace's kernel answers our echo requests without asking who we are.
        sh("ip", "-n", ns, "neigh", "replace", "10.99.0.1", "lladdr", MacAddress.format(port.mac()), "dev", peer,
                "nud", "permanent");
        final UnsafeBuffer request = new UnsafeBuffer(new byte[128]);
        final int length = new FrameBuilder().ethernet(peerMac, port.mac())
                .ipv4(OUR_IP, PEER_IP, IpProtocol.ICMP, 64, 1, true).icmp(8, 0, 0x1234_0001).build(request, 0);
        final EchoReplies replies = new EchoReplies();
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.getCurrentThreadAllocatedBytes();
        // Warm-up: the JIT, the first native calls and whatever classes they load.
        echo(request, length, replies, 1_000);

        final long before = threads.getCurrentThreadAllocatedBytes();
        final int frames = echo(request, length, replies, 10_000);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(frames >= 9_900, "the kernel answered (nearly) every request: " + frames);
        assertEquals(0, injector.failures());
        // One object per frame would be >= 16 bytes x 20,000 frames (10,000 out, 10,000 in).
        assertTrue(allocated < 16_384, allocated + " bytes allocated for " + frames + " round trips");
    }

    @Test
    void filterThatDoesNotCompileIsAnIoExceptionNamingIt() {
        final IOException e = assertThrows(IOException.class, () -> io.filter(0, "tcp port ((("));
        assertTrue(e.getMessage().contains("tcp port ((("), e.getMessage());
    }

    @Test
    void missingInterfaceIsAnIoException() {
        final Port missing = new Port(0, ns + "x", port.mac(), OUR_IP & 0xFFFF_FFFFL, 0, 0, port.mtu(), -1);
        final IOException e = assertThrows(IOException.class, () -> new PcapLiveIo(List.of(missing), ""));
        assertTrue(e.getMessage().startsWith(ns + "x: "), e.getMessage());
    }

    @Test
    void receiveReturnsEndOnceClosed() {
        io.close();
        assertEquals(PacketIo.END, io.receive(0, (p, b, o, l, t) -> { }));
    }

    /**
     * Sends echo requests in rounds small enough for the capture ring, reading the replies after
     * each round; returns the replies received. Allocates nothing itself, so the caller can count.
     * (With snaplen 65535 and libpcap's 2 MiB buffer the ring holds only about 16 frames.)
     */
    private int echo(DirectBuffer request, int length, EchoReplies replies, int frames) {
        final int round = 10;
        replies.count = 0;
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int sent = round; sent <= frames && System.nanoTime() < end; sent += round) {
            for (int i = 0; i < round; i++) {
                injector.send(0, request, 0, length);
            }
            final long deadline = Math.min(end, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
            while (replies.count < sent && System.nanoTime() < deadline) {
                io.receive(0, replies);
            }
        }
        return replies.count;
    }

    /** Counts ICMP echo replies from the peer. */
    private static final class EchoReplies implements FrameReceiver {
        int count;

        @Override
        public void onFrame(int port, DirectBuffer b, int o, int l, long t) {
            if (l >= 42 && EthernetFlyweight.etherType(b, o) == EthernetFlyweight.ETHER_TYPE_IPV4
                    && b.getByte(o + 23) == IpProtocol.ICMP && b.getByte(o + 34) == 0) {
                count++;
            }
        }
    }

    /** Reads the port, answering ARP and ticking the table as the runtime would, until done or the time is up. */
    private void pump(long millis, BooleanSupplier done) {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline && !done.getAsBoolean()) {
            table.tick(System.nanoTime(), injector);
            io.receive(0, (p, b, o, l, t) -> {
                final byte[] copy = new byte[l];
                b.getBytes(o, copy);
                received.add(copy);
                if (EthernetFlyweight.payloadEtherType(b, o) == EthernetFlyweight.ETHER_TYPE_ARP) {
                    responder.onFrame(p, b, o, l, t, injector);
                }
            });
        }
    }

    private long count(java.util.function.Predicate<byte[]> test) {
        return received.stream().filter(test).count();
    }

    private boolean isArp(byte[] f, int op, int senderIp, int targetIp) {
        final UnsafeBuffer b = new UnsafeBuffer(f);
        if (f.length < 42 || EthernetFlyweight.etherType(b, 0) != EthernetFlyweight.ETHER_TYPE_ARP) {
            return false;
        }
        return ArpFlyweight.op(b, 14) == op && ArpFlyweight.senderIp(b, 14) == senderIp
                && ArpFlyweight.targetIp(b, 14) == targetIp;
    }

    private boolean isIcmpEcho(byte[] f) {
        return f.length >= 42 && EthernetFlyweight.etherType(new UnsafeBuffer(f), 0) == EthernetFlyweight.ETHER_TYPE_IPV4
                && f[23] == IpProtocol.ICMP && f[34] == 8;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static Process start(String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String sh(String... command) {
        final LabHost.Result r = LabHost.run(List.of(command), 10);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ": " + r.output());
        return r.output();
    }
}
