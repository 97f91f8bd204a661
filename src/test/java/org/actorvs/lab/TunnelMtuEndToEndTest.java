package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Path-MTU discovery through an IP-in-IP director: the tun lab (every veth MTU 1500), where the
 * client's full-size TCP segments (1500 bytes, DF set as Linux sets it on TCP) no longer fit once
 * the director adds its 20-byte outer header. The director must answer them as ip_vs_tunnel_xmit()
 * does — ICMP fragmentation needed, next-hop MTU 1500 - 20, from the VIP (icmp_send() sources an
 * error from the offending packet's destination when that is local) — so that the client's kernel
 * shrinks its segments and the transfer completes.
 */
class TunnelMtuEndToEndTest {
    private static final String VIP = "10.77.0.100";
    private static final int BODY_BYTES = 200 * 1024;
    /**
     * POSTs BODY_BYTES to the VIP, waits until the peer has acknowledged every byte (SIOCOUTQ,
     * alias TIOCOUTQ, reaches 0), then prints that, the socket's path MTU (tcp_info.tcpi_pmtu) and
     * the answer's status line. Every wait is bounded; any failure exits non-zero.
     */
    private static final String UPLOAD = String.join("\n",
            "import fcntl, socket, struct, sys, termios, time",
            "body = b'x' * " + BODY_BYTES,
            "s = socket.create_connection(('" + VIP + "', 80), timeout=20)",
            "s.sendall(b'POST / HTTP/1.1\\r\\nHost: " + VIP + "\\r\\nConnection: close\\r\\n'",
            "          + b'Content-Length: %d\\r\\n\\r\\n' % len(body) + body)",
            "deadline = time.monotonic() + 20",
            "while struct.unpack('i', fcntl.ioctl(s, termios.TIOCOUTQ, b'\\0' * 4))[0] > 0:",
            "    if time.monotonic() > deadline:",
            "        sys.exit('body not acknowledged in 20 s')",
            "    time.sleep(0.05)",
            "print('acked', len(body))",
            "print('pmtu', struct.unpack('I', s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)[60:64])[0])",
            "answer = b''",
            "while b'\\r\\n' not in answer:",
            "    chunk = s.recv(4096)",
            "    if not chunk:",
            "        break",
            "    answer += chunk",
            "print(answer.split(b'\\r\\n')[0].decode())");

    private final String name = "avtmt" + ThreadLocalRandom.current().nextInt(100);
    private final String client = name + "c1";
    private final List<LabProcess> processes = new ArrayList<>();
    private Process capture;
    private Path pcap;

    @BeforeEach
    void labUp() {
        LabHost.requireNamespaces();
        processes.addAll(TunnelEndToEndTest.upLab(name));
        processes.add(DirectRoutingEndToEndTest.startDirector(name,
                LabHost.repository().resolve("conf/examples/tun.conf")));
    }

    @AfterEach
    void labDown() throws IOException {
        if (capture != null) {
            capture.destroyForcibly();
        }
        processes.forEach(LabProcess::close);
        DirectRoutingEndToEndTest.downLab(name);
        if (pcap != null) {
            Files.deleteIfExists(pcap);
        }
    }

    @Test
    void fullSizeDfSegmentGetsTheClientFragmentationNeededWithMtu1480FromTheVip() throws Exception {
        pcap = Files.createTempFile("actorvs-tunmtu", ".pcap");
        Path captureLog = Files.createTempFile("actorvs-tunmtu", ".log");
        try {
            // The first destination-unreachable the client sees, whatever its code or source.
            capture = new ProcessBuilder("ip", "netns", "exec", client, "timeout", "30", "tcpdump", "-i", "eth0",
                    "-n", "-U", "-c", "1", "-Z", "root", "-w", pcap.toString(), "icmp[icmptype] == icmp-unreach")
                    .redirectErrorStream(true).redirectOutput(captureLog.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.readString(captureLog).contains("listening on")) {
                assertTrue(capture.isAlive() && System.nanoTime() < deadline,
                        "tcpdump did not start: " + Files.readString(captureLog));
                Thread.sleep(50);
            }

            LabHost.Result upload = upload();

            // tcpdump exits 0 once it has its packet; 124 is timeout(1) ending a capture that saw none.
            assertTrue(capture.waitFor(10, TimeUnit.SECONDS) && capture.exitValue() == 0,
                    "no ICMP destination unreachable reached the client; upload: " + upload.output());
            LabHost.Result fields = LabHost.run(List.of("tshark", "-r", pcap.toString(), "-T", "fields",
                    "-E", "separator=,", "-E", "occurrence=f",
                    "-e", "icmp.type", "-e", "icmp.code", "-e", "icmp.mtu", "-e", "ip.src", "-e", "eth.src"), 30);
            // tshark warns about running as root on stderr first; its answer is the last line.
            String[] lines = fields.output().strip().split("\n");
            String directorMac = LabHost.run(List.of("ip", "netns", "exec", name + "d1",
                    "cat", "/sys/class/net/eth0/address"), 10).output().strip();
            assertEquals("3,4,1480," + VIP + "," + directorMac, lines[lines.length - 1],
                    "type, code, next-hop MTU, source address and sender MAC of the ICMP the client got (tshark "
                            + fields.output() + "); upload: " + upload.output());
        } finally {
            Files.deleteIfExists(captureLog);
        }
    }

    @Test
    void clientLowersItsPathMtuTo1480AndTheTwoHundredKilobytePostCompletes() {
        LabHost.Result upload = upload();

        assertEquals(0, upload.exitCode(), upload.output());
        assertTrue(upload.output().contains("acked " + BODY_BYTES), "whole body acknowledged: " + upload.output());
        assertTrue(upload.output().contains("pmtu 1480"), "the socket's path MTU: " + upload.output());
        assertTrue(upload.output().contains("HTTP/1.1 "), "an HTTP answer arrived: " + upload.output());
        LabHost.Result route = LabHost.run(List.of("ip", "netns", "exec", client, "ip", "route", "get", VIP), 10);
        assertTrue(route.output().contains("mtu 1480"), "the client's route cache holds the learnt MTU: "
                + route.output());
    }

    private LabHost.Result upload() {
        return LabHost.run(List.of("ip", "netns", "exec", client, "/usr/bin/python3", "-c", UPLOAD), 45);
    }
}
