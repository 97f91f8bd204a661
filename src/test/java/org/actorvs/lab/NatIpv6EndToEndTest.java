package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * An IPv6 NAT virtual service end to end in the lab's NAT topology: the client resolves the VIP
 * and the real servers their gateway by neighbour discovery answered by the director, and the
 * director resolves the real servers and the client by its own solicitations — no static
 * neighbour anywhere.
 */
class NatIpv6EndToEndTest {
    private static final String VIP6_URL = "http://[fd00:77::100]/";

    private static final String CONFIG = String.join("\n",
            "actorvs {",
            "  node-name = d1",
            "  interfaces = [",
            "    { name = eth0, ipv4 = \"10.77.0.11/24\", ipv6 = \"fd00:77::11/64\" }",
            "    { name = eth1, ipv4 = \"10.78.0.1/24\", ipv6 = \"fd00:78::1/64\" }",
            "  ]",
            "  owned-addresses = [",
            "    { address = \"fd00:77::100\", dev = eth0 }",
            "    { address = \"fd00:78::fe\", dev = eth1 }",
            "  ]",
            "  services { rules-file = \"%s\" }",
            "}", "");

    private static final String RULES = String.join("\n",
            "-A -t [fd00:77::100]:80 -s rr",
            "-a -t [fd00:77::100]:80 -r [fd00:78::21]:80 -m -w 1",
            "-a -t [fd00:77::100]:80 -r [fd00:78::22]:80 -m -w 1",
            "-a -t [fd00:77::100]:80 -r [fd00:78::23]:80 -m -w 1", "");

    @Test
    void anIpv6NatServiceAnswersTheClientFromAllThreeRealServersResolvedByNeighbourDiscovery() throws IOException {
        LabHost.requireIpv6();
        try (NatLab lab = NatLab.up("avt6")) {
            Path rules = Files.writeString(lab.work().resolve("v6.rules"), RULES);
            Path config = Files.writeString(lab.work().resolve("v6.conf"), CONFIG.formatted(rules));
            try (LabProcess d = lab.director(config)) {
                LabHost.Result r = LabHost.run(List.of("ip", "netns", "exec", lab.namespace("c1"), "sh", "-c",
                        "for i in $(seq 30); do curl -6 -s --max-time 5 " + VIP6_URL + " || echo failed; done"), 300);
                assertEquals(0, r.exitCode(), r.output());
                List<String> answers = r.output().lines().filter(l -> !l.isBlank()).toList();
                Map<String, Integer> split = new TreeMap<>();
                answers.forEach(a -> split.merge(a, 1, Integer::sum));
                assertEquals(Map.of("r1", 10, "r2", 10, "r3", 10), split, "round robin over the three: "
                        + answers + "\n" + d.output());

                String directorFront = mac(lab, "d1", "eth0");
                String directorBack = mac(lab, "d1", "eth1");
                assertTrue(neighbour(lab, "c1", "fd00:77::100").contains("lladdr " + directorFront),
                        "the client resolved the VIP to the director's front MAC");
                for (String rs : List.of("r1", "r2", "r3")) {
                    assertTrue(neighbour(lab, rs, "fd00:78::fe").contains("lladdr " + directorBack),
                            rs + " resolved its gateway to the director's back MAC");
                }
                assertTrue(d.isAlive(), d.output());
            }
        }
    }

    private static String mac(NatLab lab, String host, String dev) {
        LabHost.Result r = LabHost.run(List.of("ip", "netns", "exec", lab.namespace(host), "cat",
                "/sys/class/net/" + dev + "/address"), 10);
        assertEquals(0, r.exitCode(), r.output());
        return r.output().strip();
    }

    private static String neighbour(NatLab lab, String host, String address) {
        LabHost.Result r = LabHost.run(List.of("ip", "netns", "exec", lab.namespace(host), "ip", "-6", "neigh",
                "show", address), 10);
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }
}
