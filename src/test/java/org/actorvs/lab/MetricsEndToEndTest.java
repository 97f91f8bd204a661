package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The daemon's metrics endpoint in the NAT lab: 30 HTTP requests through the VIP, then /metrics as
 * Prometheus would fetch it from inside the director's namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsEndToEndTest {
    private static final int REQUESTS = 30;
    private static final int PORT = 9410;
    private static final String SERVICE = "tcp/10.77.0.100:80";
    private NatLab lab;

    @BeforeAll
    void lab() throws IOException {
        lab = NatLab.up("avtm");
    }

    @AfterAll
    void down() throws IOException {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void theServiceCountsThirtyConnectionsSplitOverItsRealServers() throws IOException {
        try (LabProcess d = lab.director(lab.config("rr", NatLab.service("rr", 1, 1, 1), ""))) {
            LabHost.Result requests = LabHost.run(List.of("ip", "netns", "exec", lab.namespace("c1"), "sh", "-c",
                    "for i in $(seq " + REQUESTS + "); do curl -s --max-time 5 http://10.77.0.100/ || echo failed; done"),
                    300);
            assertEquals(0, requests.exitCode(), requests.output());
            assertEquals(REQUESTS, requests.output().lines().filter(l -> l.matches("r[123]")).count(),
                    requests.output());

            LabHost.Result scrape = LabHost.run(List.of("ip", "netns", "exec", lab.namespace("d1"), "curl", "-s",
                    "--max-time", "10", "http://127.0.0.1:" + PORT + "/metrics"), 30);
            assertEquals(0, scrape.exitCode(), scrape.output() + "\n" + d.output());
            String text = scrape.output();
            assertEquals(REQUESTS, sum(text, "actorvs_service_connections_total\\{service=\"" + Pattern.quote(SERVICE)
                    + "\"\\}"), text);
            assertEquals(REQUESTS, sum(text, "actorvs_server_connections_total\\{server=\"10\\.78\\.0\\.2[123]:80\","
                    + "service=\"" + Pattern.quote(SERVICE) + "\"\\}"), text);
            assertEquals(3, count(text, "actorvs_server_connections_total\\{server=\"[^\"]+\",service=\""
                    + Pattern.quote(SERVICE) + "\"\\} 10\\.0"), "round robin: 10 each\n" + text);
            assertEquals(1, count(text, "jvm_memory_used_bytes\\{area=\"heap\"\\} \\S+"), "JVM metrics are served");
            // A live director resolves the real servers' MACs: the ARP figures the Grafana
            // dashboard (deploy/grafana) plots are there (offline replays have no ARP).
            for (String arp : List.of("actorvs_arp_frames_total{", "actorvs_ndp_frames_total{",
                    "actorvs_arp_neighbours ", "actorvs_arp_resolutions_failed_total ")) {
                assertEquals(true, text.contains("\n" + arp), arp + " is served:\n" + text);
            }
        }
    }

    private static long sum(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(text);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return (long) total;
    }

    private static long count(String text, String line) {
        return Pattern.compile("(?m)^" + line + "$").matcher(text).results().count();
    }
}
