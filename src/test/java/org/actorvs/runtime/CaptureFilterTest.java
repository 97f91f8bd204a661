package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.actorvs.forward.Port;
import org.actorvs.lab.LabHost;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.MacAddress;
import org.actorvs.admin.IpvsadmRules;
import org.actorvs.service.RuleSet;
import org.junit.jupiter.api.Test;

class CaptureFilterTest {
    private static final Path CAPTURE = Path.of("src/test/resources/replay/v1-run.traffic.pcap");

    /** The services of the kernel capture's director: 10.99.0.10:80 NAT to .21 and .24 on port 8080. */
    private static String filter() throws Exception {
        RuleSet rules = IpvsadmRules.read(String.join("\n",
                "-A -t 10.99.0.10:80 -s rr",
                "-a -t 10.99.0.10:80 -r 10.99.0.21:8080 -m -w 1",
                "-a -t 10.99.0.10:80 -r 10.99.0.24:8080 -m -w 1",
                "-A -f 7 -s rr",
                "#actorvs fwmark 7 match tcp dst 10.98.0.0/16",
                "-a -f 7 -r 10.99.0.22:0 -g -w 1", ""));
        Port port = new Port(0, "eth0", MacAddress.parse("52:54:00:99:00:02"),
                InetAddresses.parseIpv4("10.99.0.2") & 0xFFFF_FFFFL, 0, 0, 1500, -1);
        return CaptureFilter.of(rules, List.of(port));
    }

    @Test
    void namesArpNeighbourDiscoveryTheVirtualAddressTheNatRealServersAndTheMarkPrefixes() throws Exception {
        String f = filter();
        assertTrue(f.startsWith("arp or (icmp6 and ip6[7] == 255 and (ip6[40] == 135 or ip6[40] == 136))"
                + " or ip dst host 10.99.0.10 or "), f);
        assertTrue(f.contains("ip src host 10.99.0.21"), f);
        assertTrue(f.contains("ip src host 10.99.0.24"), f);
        assertTrue(f.contains("ip dst net 10.98.0.0/16"), f);
        assertTrue(f.contains("(icmp and ip dst host 10.99.0.2)"), f);
    }

    @Test
    void aVirtualRouterAddsItsAdverts() throws Exception {
        Port port = new Port(0, "eth0", MacAddress.parse("52:54:00:99:00:02"),
                InetAddresses.parseIpv4("10.99.0.2") & 0xFFFF_FFFFL, 0, 0, 1500, -1);
        assertTrue(CaptureFilter.of(RuleSet.EMPTY, List.of(port), true).contains("(ip proto 112)"));
        assertFalse(CaptureFilter.of(RuleSet.EMPTY, List.of(port), false).contains("112"));
    }

    @Test
    void libpcapAdmitsExactlyTheFramesOfTheServiceFromAKernelCapture() throws Exception {
        LabHost.requireNamespaces();
        // The client's frames to 10.99.0.10, the real servers' replies from .21/.24 and the ARP of the
        // capture and its IPv6 neighbour discovery pass; the kernel director's own forwarded copies
        // (to .21/.24, from .10) and the other IPv6 chatter do not. tcpdump counts with libpcap's own compiler.
        Path out = Files.createTempFile("filter", ".pcap");
        try {
            LabHost.Result r = LabHost.run(List.of("tcpdump", "-n", "-r", CAPTURE.toString(), "-w", out.toString(),
                    filter()), 30);
            assertEquals(0, r.exitCode(), r.output());
            LabHost.Result all = LabHost.run(List.of("tcpdump", "-n", "-r", out.toString()), 30);
            long total = all.output().lines().filter(l -> l.matches("^\\d\\d:.*")).count();
            long foreign = all.output().lines().filter(l -> l.matches("^\\d\\d:.*") && !admitted(l)).count();
            assertTrue(total > 100, "frames admitted: " + total);
            assertEquals(0, foreign, all.output());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** tcpdump's line: "hh:mm:ss.us IP src[.port] > dst[.port]: ..." or "... ARP, ...". */
    private static boolean admitted(String line) {
        if (line.contains(" ARP, ") || line.contains("ICMP6, neighbor solicitation")
                || line.contains("ICMP6, neighbor advertisement")) {
            return true;
        }
        Matcher m = Pattern.compile(" IP (\\S+) > (\\S+): ").matcher(line);
        if (!m.find()) {
            return false;
        }
        String src = address(m.group(1));
        String dst = address(m.group(2));
        return dst.equals("10.99.0.10") || src.equals("10.99.0.21") || src.equals("10.99.0.24")
                || dst.equals("10.99.0.2") && line.contains(": ICMP ");
    }

    /** "10.99.0.21.8080" without its port; "10.99.0.23" as it is. */
    private static String address(String endpoint) {
        String[] parts = endpoint.split("\\.");
        return parts.length == 5 ? endpoint.substring(0, endpoint.lastIndexOf('.')) : endpoint;
    }
}
