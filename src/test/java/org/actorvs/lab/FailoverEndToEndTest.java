package org.actorvs.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An active/backup director pair (conf/examples/nat-pair-d1.conf and -d2.conf: VRRPv3 with 100 ms
 * adverts, connection sync on the back LAN, bulk table transfer at start) fails over and back
 * without breaking connections: 200 keep-alive HTTP connections from the client through the VIP,
 * a request on each every 100 ms; once the backup holds them all, the master is SIGKILLed and the
 * backup takes the VIP and the real servers' gateway. Then the old master returns, pulls the
 * table and preempts. The gaps each connection sees are printed; the assertions are that the
 * connections carry on, and (failback) that the returning director took the table before the VIPs.
 */
class FailoverEndToEndTest {
    private static final int CONNECTIONS = 200;
    /** Connections opened through d2 while d1 is down (failback). */
    private static final int OPENED_WHILE_DOWN = 50;
    private static final int IPV6_CONNECTIONS = 100;
    /** The client keeps one request in flight per connection and sends the next this long after a reply. */
    private static final double REQUEST_PERIOD_SECONDS = 0.1;
    /** After a role change the connections must carry on this long. */
    private static final int AFTER_CHANGE_SECONDS = 8;
    /** A bound to keep the test bounded, not a target: the target is well under a second. */
    private static final double TAKEOVER_BOUND_SECONDS = 10;
    private static final int ROLE_SECONDS = 30;
    /** The directors' log lines' time of day (src/test/resources/logback-test.xml). */
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final Pattern TOTAL = Pattern.compile("\"total\"\\s*:\\s*(\\d+)");
    private static final Pattern TOOK = Pattern.compile("bulk sync: took (\\d+) connections");
    private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-f:]{17})");
    private static final Pattern LINK_MAC = Pattern.compile("link/ether ([0-9a-f:]{17})");

    private NatLab lab;
    private final List<LabProcess> processes = new ArrayList<>();
    private final List<KeepAliveClients> clients = new ArrayList<>();

    @AfterEach
    void down() throws IOException {
        clients.forEach(KeepAliveClients::close);
        processes.forEach(LabProcess::close);
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void theBackupTakesOverTwoHundredLiveConnectionsWhenTheMasterIsKilled() throws Exception {
        Pair pair = pairCarrying("avtf");
        LabProcess d1 = pair.d1();
        LabProcess d2 = pair.d2();
        KeepAliveClients a = pair.clients();
        assertTrue(d1.isAlive(), d1.output());

        a.mark();
        LocalTime killed = LocalTime.now();
        d1.kill();
        LabProcess.sleep(TimeUnit.SECONDS.toMillis(AFTER_CHANGE_SECONDS));
        List<KeepAliveClients.Result> results = a.stop();

        double[] takeovers = KeepAliveClients.sorted(results, false);
        System.out.printf("failover: d1 killed at %s, d2 master %s after; roles:%n%s%n%s%n%s; d2 held %d synced"
                + " before the kill%n", killed.format(LOG_TIME), roleAfter(d2, "MASTER", killed), roles(d1), roles(d2),
                summary(results), pair.synced());
        assertCarriedOn(results, CONNECTIONS, d2);
        assertTrue(takeovers.length > 0 && takeovers[takeovers.length - 1] < TAKEOVER_BOUND_SECONDS,
                "takeovers " + Arrays.toString(takeovers));
    }

    @Test
    void theOldMasterReturnsWithTheWholeTableAndTakesEveryConnectionBack() throws Exception {
        Pair pair = pairCarrying("avtb");
        LabProcess d1 = pair.d1();
        LabProcess d2 = pair.d2();
        KeepAliveClients a = pair.clients();

        LocalTime killed = LocalTime.now();
        d1.kill();
        awaitRoleAfter(d2, "MASTER", killed);
        KeepAliveClients b = open("b", OPENED_WHILE_DOWN);
        // The first connections' replies resume within about a second of the takeover (TCP
        // retransmission); the failback's window opens after that, so its gaps are its own.
        LabProcess.sleep(2_000);

        a.mark();
        b.mark();
        LocalTime back = LocalTime.now();
        LabProcess d1Again = start("d1");
        awaitRole(d1Again, "MASTER");
        awaitRoleAfter(d2, "BACKUP", back);
        LabProcess.sleep(TimeUnit.SECONDS.toMillis(AFTER_CHANGE_SECONDS));
        List<KeepAliveClients.Result> first = a.stop();
        List<KeepAliveClients.Result> opened = b.stop();

        String log = d1Again.output();
        Matcher took = TOOK.matcher(log);
        assertTrue(took.find(), "d1 pulled no table at its return:\n" + log);
        long pulled = Long.parseLong(took.group(1));
        int masterAt = log.indexOf(": MASTER");
        System.out.printf("failback: d1 back at %s, pulled %d connections, master %s after; roles:%n%s%n%s%n"
                + "first %d: %s%nopened while d1 was down %d: %s%n", back.format(LOG_TIME), pulled,
                roleAfter(d1Again, "MASTER", back), roles(d1Again), roles(d2), CONNECTIONS, summary(first),
                OPENED_WHILE_DOWN, summary(opened));
        assertTrue(took.start() < masterAt, "d1 took the VIPs before it had the table:\n" + log);
        // Its backup daemon listened before the pull, so nothing d2 synced meanwhile was missed.
        int listening = log.indexOf("started backup sync daemon");
        assertTrue(listening >= 0 && listening < took.start(), "d1's backup daemon started after the pull:\n" + log);
        assertTrue(pulled >= CONNECTIONS + OPENED_WHILE_DOWN, "d1 pulled " + pulled + " connections");
        assertCarriedOn(first, CONNECTIONS, d1Again);
        assertCarriedOn(opened, OPENED_WHILE_DOWN, d1Again);
        // The connections now go through d1: the client and a real server reach the VIP and the
        // gateway at d1's MACs (its gratuitous ARP moved their caches back).
        assertEquals(mac("d1", "eth0"), neighbour("c1", "10.77.0.100"));
        assertEquals(mac("d1", "eth1"), neighbour("r1", "10.78.0.254"));
    }

    @Test
    void ipv6ConnectionsSurviveTheKillAndTheIpv6AddressesMoveToTheNewMaster() throws Exception {
        LabHost.requireIpv6();
        lab = NatLab.up("avtv", 2);
        LabProcess d1 = start("d1", ipv6Pair("d1"));
        awaitRole(d1, "MASTER");
        LabProcess d2 = start("d2", ipv6Pair("d2"));
        awaitRole(d2, "BACKUP");
        KeepAliveClients a = KeepAliveClients.open("a6", lab, lab.namespace("c1"), IPV6_CONNECTIONS, "fd00:77::100",
                REQUEST_PERIOD_SECONDS, 30);
        clients.add(a);
        awaitTable("d2", IPV6_CONNECTIONS);

        a.mark();
        LocalTime killed = LocalTime.now();
        d1.kill();
        awaitRoleAfter(d2, "MASTER", killed);
        LabProcess.sleep(TimeUnit.SECONDS.toMillis(AFTER_CHANGE_SECONDS));
        List<KeepAliveClients.Result> results = a.stop();
        System.out.printf("IPv6 failover: d2 master %s after the kill; %s%n", roleAfter(d2, "MASTER", killed),
                summary(results));
        assertCarriedOn(results, IPV6_CONNECTIONS, d2);
        // The client's and a real server's neighbour caches now hold d2's MACs for the moved addresses.
        assertEquals(mac("d2", "eth0"), neighbour("c1", "fd00:77::100"));
        assertEquals(mac("d2", "eth1"), neighbour("r1", "fd00:78::fe"));
    }

    /**
     * The pair example of {@code host} with IPv6 on both LANs, an IPv6 NAT service in place of the
     * IPv4 one, and the IPv6 VIP and gateway moving with mastership as excluded addresses
     * (keepalived's virtual_ipaddress_excluded: the IPv4 advert does not list them).
     */
    private Path ipv6Pair(String host) throws IOException {
        String d = host.substring(1);
        String rules = String.join("\n",
                "-A -t [fd00:77::100]:80 -s rr",
                "-a -t [fd00:77::100]:80 -r [fd00:78::21]:80 -m -w 1",
                "-a -t [fd00:77::100]:80 -r [fd00:78::22]:80 -m -w 1",
                "-a -t [fd00:77::100]:80 -r [fd00:78::23]:80 -m -w 1", "");
        Path config = lab.pairConfig(host, rules, conf -> conf
                .replace("ipv4 = \"10.77.0.1" + d + "/24\" }", "ipv4 = \"10.77.0.1" + d + "/24\", ipv6 = \"fd00:77::1" + d + "/64\" }")
                .replace("ipv4 = \"10.78.0." + d + "/24\" }", "ipv4 = \"10.78.0." + d + "/24\", ipv6 = \"fd00:78::" + d + "/64\" }")
                .replace("    sync-daemons = both\n", "    sync-daemons = both\n    excluded-addresses = [\n"
                        + "      { address = \"fd00:77::100\", dev = eth0 }\n      { address = \"fd00:78::fe\", dev = eth1 }\n    ]\n"));
        String edited = Files.readString(config);
        assertTrue(edited.contains("fd00:77::1" + d) && edited.contains("fd00:78::" + d + "/64")
                && edited.contains("excluded-addresses"), "the example changed shape:\n" + edited);
        return config;
    }

    private record Pair(LabProcess d1, LabProcess d2, KeepAliveClients clients, long synced) {
    }

    /** The pair up (d1 master, d2 backup) carrying CONNECTIONS connections that d2 holds by sync. */
    private Pair pairCarrying(String labPrefix) throws IOException {
        lab = NatLab.up(labPrefix, 2);
        LabProcess d1 = start("d1");
        awaitRole(d1, "MASTER");
        LabProcess d2 = start("d2");
        awaitRole(d2, "BACKUP");
        KeepAliveClients a = open("a", CONNECTIONS);
        return new Pair(d1, d2, a, awaitTable("d2", CONNECTIONS));
    }

    private KeepAliveClients open(String name, int connections) throws IOException {
        KeepAliveClients c = KeepAliveClients.open(name, lab, lab.namespace("c1"), connections, "10.77.0.100",
                REQUEST_PERIOD_SECONDS, 30);
        clients.add(c);
        return c;
    }

    private static void assertCarriedOn(List<KeepAliveClients.Result> results, int expected, LabProcess director) {
        assertEquals(expected, results.size(), "one result per connection");
        List<String> broken = results.stream().filter(r -> !r.carriedOn())
                .map(r -> r.index() + ":" + r.error() + "/" + r.replies()).toList();
        assertTrue(results.size() - broken.size() >= expected * 99 / 100,
                "at least 99% of the connections carry on: broken " + broken + "\n" + director + ":\n"
                        + director.output());
    }

    private static String summary(List<KeepAliveClients.Result> results) {
        double[] first = KeepAliveClients.sorted(results, false);
        double[] longest = KeepAliveClients.sorted(results, true);
        return String.format("%d of %d connections carried on; gap across the change: median %.3f s, 99th %.3f s,"
                + " max %.3f s; longest gap: median %.3f s, max %.3f s", results.stream()
                .filter(KeepAliveClients.Result::carriedOn).count(), results.size(),
                KeepAliveClients.percentile(first, 0.5), KeepAliveClients.percentile(first, 0.99),
                KeepAliveClients.percentile(first, 1.0), KeepAliveClients.percentile(longest, 0.5),
                KeepAliveClients.percentile(longest, 1.0));
    }

    /** When the director's log first reports {@code role} at or after {@code since}, as a delay. */
    private static String roleAfter(LabProcess director, String role, LocalTime since) {
        return director.output().lines().filter(l -> l.contains("VRRP instance") && l.endsWith(": " + role))
                .map(l -> LocalTime.parse(l.substring(0, 12), LOG_TIME)).filter(t -> !t.isBefore(since))
                .findFirst().map(t -> Duration.between(since, t).toMillis() + " ms").orElse("never");
    }

    /** A director's role changes with their time of day, as its log has them. */
    private static String roles(LabProcess director) {
        return director.output().lines().filter(l -> l.contains("VRRP instance"))
                .map(l -> "  " + director.toString().substring(0, director.toString().indexOf(' ')) + " "
                        + l.substring(0, Math.min(12, l.length())) + l.substring(l.lastIndexOf(':')))
                .collect(Collectors.joining("\n"));
    }

    private LabProcess start(String host) {
        return start(host, LabHost.repository().resolve("conf/examples/nat-pair-" + host + ".conf"));
    }

    private LabProcess start(String host, Path config) {
        LabProcess p = LabProcess.director(lab.namespace(host), config);
        processes.add(p);
        return p;
    }

    /** Waits until the director's table, filled by sync alone, holds at least {@code expected} entries. */
    private long awaitTable(String host, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long total = -1;
        String last = "";
        while (System.nanoTime() < deadline) {
            LabHost.Result r = LabHost.run(List.of("ip", "netns", "exec", lab.namespace(host), "curl", "-s",
                    "--max-time", "5", "http://127.0.0.1:9080/api/connections?limit=1"), 10);
            last = r.output();
            Matcher m = TOTAL.matcher(last);
            if (m.find()) {
                total = Long.parseLong(m.group(1));
                if (total >= expected) {
                    return total;
                }
            }
            LabProcess.sleep(250);
        }
        return fail(host + " held " + total + " synced connections, not " + expected + ", after 30 s: " + last);
    }

    private static void awaitRole(LabProcess director, String role) {
        await(director, role, () -> director.output().contains(": " + role));
    }

    /** Waits until the director reports {@code role} at or after {@code since}. */
    private static void awaitRoleAfter(LabProcess director, String role, LocalTime since) {
        await(director, role, () -> !roleAfter(director, role, since).equals("never"));
    }

    private static void await(LabProcess director, String role, BooleanSupplier reported) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROLE_SECONDS);
        while (!reported.getAsBoolean()) {
            if (System.nanoTime() > deadline || !director.isAlive()) {
                fail(director + " did not report " + role + " in " + ROLE_SECONDS + " s:\n" + director.output());
            }
            LabProcess.sleep(50);
        }
    }

    /** The MAC address of {@code dev} in the lab host's namespace. */
    private String mac(String host, String dev) {
        LabHost.Result r = LabHost.run(List.of("ip", "-n", lab.namespace(host), "link", "show", dev), 10);
        Matcher m = LINK_MAC.matcher(r.output());
        assertTrue(m.find(), r.output());
        return m.group(1);
    }

    /** The MAC the lab host's kernel has for {@code address}. */
    private String neighbour(String host, String address) {
        LabHost.Result r = LabHost.run(List.of("ip", "-n", lab.namespace(host), "neigh", "show", address), 10);
        Matcher m = LLADDR.matcher(r.output());
        assertTrue(m.find(), host + " has no neighbour entry for " + address + ": " + r.output());
        return m.group(1);
    }
}
