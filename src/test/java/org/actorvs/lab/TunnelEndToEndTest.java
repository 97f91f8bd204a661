package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IP-in-IP end to end: the tun lab, a director process with conf/examples/tun.conf, and on each
 * real server an {@link org.actorvs.io.IpipDecapsulator} standing in for the ipip module this
 * kernel lacks. Every answer proves the director encapsulated the client's packets to the right
 * real server, which then answered the client directly.
 */
class TunnelEndToEndTest {
    private final String name = "avttn" + ThreadLocalRandom.current().nextInt(10);
    private final List<LabProcess> processes = new ArrayList<>();

    @BeforeEach
    void labUp() {
        LabHost.requireNamespaces();
        processes.addAll(upLab(name));
    }

    /**
     * Brings up the tun lab {@code lab} with an {@link org.actorvs.io.IpipDecapsulator} on each real
     * server; the decapsulators, for the caller to close.
     */
    static List<LabProcess> upLab(String lab) {
        DirectRoutingEndToEndTest.upLab(lab, "tun");
        List<LabProcess> decapsulators = new ArrayList<>();
        for (int r = 1; r <= 3; r++) {
            String ns = lab + "r" + r;
            // A failure here leaves earlier decapsulators to lab.sh down, which ends every process in the lab.
            decapsulators.add(LabProcess.start(ns, "org.actorvs.io.IpipDecapsulator",
                    List.of("--in", "eth0", "--out", "vipd"), "decapsulating IPIP", LabProcess.DIRECTOR_START_SECONDS));
        }
        return decapsulators;
    }

    @AfterEach
    void labDown() {
        processes.forEach(LabProcess::close);
        DirectRoutingEndToEndTest.downLab(name);
    }

    @Test
    void roundRobinOverIpipTunnelsSplitsCurlRequestsEquallyOverTheThreeRealServers() {
        processes.add(DirectRoutingEndToEndTest.startDirector(name,
                LabHost.repository().resolve("conf/examples/tun.conf")));

        List<String> answers = LabProcess.curlSequence(name + "c1", DirectRoutingEndToEndTest.VIP_URL, 90);

        assertEquals(Map.of("r1", 30, "r2", 30, "r3", 30), LabProcess.tally(answers),
                "rr over three tunnelled real servers, 90 connections: " + answers);
    }
}
