package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

import org.actorvs.io.MemoryPacketIo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin API and actorvsadm against a real (offline) director, through real HTTP. */
@Timeout(60)
class AdminApiTest {
    private static final String TOKEN = "0123456789abcdef-token";
    private static AdminFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new AdminFixture(Optional.empty(), MemoryPacketIo::new);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @BeforeEach
    void emptyTable() throws Exception {
        assertEquals(200, fx.request("POST", "/api/rules", "").statusCode());
    }

    private static void ok(String... args) {
        AdminFixture.Run r = fx.cli(args);
        assertEquals(0, r.status(), String.join(" ", args) + ": " + r.err());
    }

    @Test
    void kernelMastersCommandsSaveExactlyAsItsIpvsadmDid() throws Exception {
        for (String command : AdminFixture.masterCommands()) {
            ok(command.split(" "));
        }
        AdminFixture.Run save = fx.cli("-S", "-n");
        assertEquals(0, save.status(), save.err());
        assertEquals(AdminFixture.masterSave(), save.out());
    }

    @Test
    void listingHasIpvsadmsWidthsFlagsAndOrder() {
        ok("-A", "-f", "7", "-s", "wlc");
        ok("-a", "-f", "7", "-r", "10.99.0.22", "-g");
        ok("-A", "-u", "10.99.0.13:53", "-s", "sh", "-b", "sh-port");
        ok("-a", "-u", "10.99.0.13:53", "-r", "10.99.0.24:5353", "-m");
        ok("-A", "-t", "10.99.0.10:80", "-s", "rr", "-p", "300", "-M", "255.255.255.0");
        ok("-a", "-t", "10.99.0.10:80", "-r", "10.99.0.21:8080", "-m", "-w", "2");
        AdminFixture.Run list = fx.cli("-L", "-n");
        assertEquals(0, list.status(), list.err());
        String size = Long.toString(2L * 262_144); // kernel-v1.conf: 2 shards of the default capacity
        assertEquals(String.join("\n",
                "IP Virtual Server version 1.2.1 (size=" + size + ")",
                "Prot LocalAddress:Port Scheduler Flags",
                "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
                "TCP  10.99.0.10:80 rr persistent 300 mask 255.255.255.0",
                "  -> 10.99.0.21:8080" + " ".repeat(14) + "Masq    2      0          0" + " ".repeat(9),
                "UDP  10.99.0.13:53 sh (sh-port)",
                "  -> 10.99.0.24:5353" + " ".repeat(14) + "Masq    1      0          0" + " ".repeat(9),
                "FWM  7 wlc",
                "  -> 10.99.0.22:0" + " ".repeat(17) + "Route   1      0          0" + " ".repeat(9),
                ""), list.out());
    }

    @Test
    void oneServiceIsListedWithoutBannerAndThresholdsInTheirColumns() {
        ok("-A", "-t", "10.99.0.10:80", "-s", "rr");
        ok("-a", "-t", "10.99.0.10:80", "-r", "10.99.0.21:8080", "-m", "-x", "100", "-y", "50");
        AdminFixture.Run list = fx.cli("-L", "-n", "--thresholds", "-t", "10.99.0.10:80");
        assertEquals(0, list.status(), list.err());
        assertEquals(String.join("\n",
                "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn ",
                "  -> RemoteAddress:Port",
                "TCP  10.99.0.10:80 rr",
                "  -> 10.99.0.21:8080" + " ".repeat(14) + "100        50         0          0" + " ".repeat(9),
                ""), list.out());
        AdminFixture.Run missing = fx.cli("-L", "-n", "-t", "10.99.0.11:80");
        assertEquals(1, missing.status());
        assertEquals("No such service\n", missing.err());
    }

    @Test
    void statsAndRatesKeepIpvsadmColumnsAndSayRatesAreUnavailable() {
        ok("-A", "-t", "10.99.0.10:80", "-s", "rr");
        ok("-a", "-t", "10.99.0.10:80", "-r", "10.99.0.21:8080", "-m");
        AdminFixture.Run stats = fx.cli("-L", "-n", "--stats");
        assertEquals(String.join("\n",
                "IP Virtual Server version 1.2.1 (size=524288)",
                "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes",
                "  -> RemoteAddress:Port",
                "TCP  10.99.0.10:80" + " ".repeat(15) + "        0".repeat(5),
                "  -> 10.99.0.21:8080" + " ".repeat(13) + "        0".repeat(5),
                ""), stats.out());
        AdminFixture.Run rate = fx.cli("-L", "-n", "--rate");
        assertEquals(0, rate.status(), rate.err());
        assertTrue(rate.out().contains("\nRates unavailable: " + AdminApi.RATES_NOTE + "\n"), rate.out());
        assertTrue(rate.out().contains("\nTCP  10.99.0.10:80" + " ".repeat(15) + "      n/a".repeat(5) + "\n"), rate.out());
    }

    @Test
    void editErrorsReadLikeIpvsadmsAndFailWithStatusOne() {
        ok("-A", "-t", "10.99.0.10:80", "-s", "rr");
        AdminFixture.Run again = fx.cli("-A", "-t", "10.99.0.10:80", "-s", "rr");
        assertEquals(1, again.status());
        assertTrue(again.err().startsWith("line 1: `-t 10.99.0.10:80': Service already exists"), again.err());
        AdminFixture.Run noDest = fx.cli("-d", "-t", "10.99.0.10:80", "-r", "10.99.0.21:80");
        assertEquals(1, noDest.status());
        assertTrue(noDest.err().contains("`-r 10.99.0.21:80': No such destination"), noDest.err());
    }

    @Test
    void syntaxErrorsAreCaughtBeforeTheDaemonWithStatusTwo() {
        AdminFixture.Run r = fx.cli("-a", "-t", "10.99.0.10:80", "-r", "10.99.0.21", "-w", "70000");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("`-w 70000': "), r.err());
        assertTrue(r.err().contains("Try `actorvsadm -h'"), r.err());
    }

    @Test
    void commandEndpointNamesTheBadArgument() throws Exception {
        HttpResponse<String> r = fx.request("POST", "/api/commands", "-a -t 10.99.0.10:80 -r 10.99.0.21 -w 70000");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("{\"error\":\"`-w 70000': "), r.body());
    }

    @Test
    void setTimeoutsReachesTheSharedTableAndListsAsIpvsadm() {
        ok("--set", "100", "0", "30");
        AdminFixture.Run t = fx.cli("-L", "--timeout");
        assertEquals("Timeout (tcp tcpfin udp): 100 120 30\n", t.out());
        assertEquals(100, fx.director.setup().timeouts().tcpEstablished());
        ok("--set", "900", "120", "300");
    }

    @Test
    void replacingTheRulesAppliesTheDiffAndRestoreAddsToTheTable() throws Exception {
        HttpResponse<String> r = fx.request("POST", "/api/rules", AdminFixture.masterSave());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"added\":[\"-t 10.99.0.10:80\""), r.body());
        assertEquals(AdminFixture.masterSave(), fx.request("GET", "/api/rules", null).body());
        assertEquals(8, fx.director.services().size());
        AdminFixture.Run restore = fx.cliWithInput("-A -t 10.99.0.50:80 -s rr\n-A -t 10.99.0.10:80 -s rr\n", Map.of(), "-R");
        assertEquals(1, restore.status());
        assertTrue(restore.err().startsWith("line 2: `-t 10.99.0.10:80': Service already exists"), restore.err());
        assertEquals(AdminFixture.masterSave(), fx.cli("-S", "-n").out(), "all or nothing");
        assertEquals(0, fx.cliWithInput("-A -t 10.99.0.50:80 -s rr\n", Map.of(), "-R").status());
        assertTrue(fx.cli("-S", "-n").out().contains("-A -t 10.99.0.50:80 -s rr\n"));
    }

    @Test
    void zeroNeedsAnExistingService() {
        ok("-A", "-t", "10.99.0.10:80", "-s", "rr");
        ok("-Z");
        ok("-Z", "-t", "10.99.0.10:80");
        AdminFixture.Run r = fx.cli("-Z", "-t", "10.99.0.11:80");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("No such service"), r.err());
    }

    @Test
    void unreachableDaemonIsReportedWithStatusOne() {
        AdminFixture.Run r = fx.cli("--admin", "http://127.0.0.1:1", "-L", "-n");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("Can't reach the ActorVS director at http://127.0.0.1:1"), r.err());
    }

    @Test
    void hostileRequestsGetJsonErrorsAndTheDaemonCarriesOn() throws Exception {
        assertEquals(404, fx.request("GET", "/api/nope", null).statusCode());
        assertEquals(404, fx.request("GET", "/../etc/passwd", null).statusCode());
        HttpResponse<String> wrongMethod = fx.request("DELETE", "/api/rules", null);
        assertEquals(405, wrongMethod.statusCode());
        assertTrue(wrongMethod.body().contains("GET or POST"), wrongMethod.body());
        HttpResponse<String> big = fx.request("POST", "/api/rules", "#".repeat(AdminServer.MAX_BODY + 1));
        assertEquals(413, big.statusCode());
        HttpResponse<String> badJson = fx.request("PUT", "/api/timeouts", "{\"tcp\": 1, \"tcpfin\": ");
        assertEquals(400, badJson.statusCode());
        assertTrue(badJson.body().startsWith("{\"error\":\"invalid JSON"), badJson.body());
        assertEquals(400, fx.request("PUT", "/api/timeouts", "{\"tcp\":1,\"tcpfin\":1,\"udp\":1,\"x\":1}").statusCode());
        assertEquals(400, fx.request("PUT", "/api/timeouts", "{\"tcp\":-1,\"tcpfin\":1,\"udp\":1}").statusCode());
        assertEquals(400, fx.request("PUT", "/api/timeouts", "[]").statusCode());
        HttpResponse<String> limit = fx.request("GET", "/api/connections?limit=abc", null);
        assertEquals(400, limit.statusCode());
        assertTrue(limit.body().contains("limit: 'abc'"), limit.body());
        assertEquals(400, fx.request("GET", "/api/connections?offset=-1", null).statusCode());
        assertEquals(400, fx.request("GET", "/api/services?verbose", null).statusCode());
        assertEquals(400, fx.request("POST", "/api/commands", "-L -n").statusCode());
        assertEquals(400, fx.request("POST", "/api/commands", "\u0000\u0001 -A").statusCode());
        assertEquals(400, fx.request("POST", "/api/rules?mode=merge", "").statusCode());
        assertEquals(200, fx.request("GET", "/api/services", null).statusCode());
        assertEquals(200, fx.request("GET", "/api/connections?offset=0&limit=10", null).statusCode());
    }

    @Test
    void withATokenEveryRequestMustCarryIt() throws Exception {
        try (AdminServer guarded = AdminServer.start(new org.actorvs.config.DirectorConfig.Admin(
                java.net.InetAddress.getLoopbackAddress(), 0, Optional.of(TOKEN)), fx.director)) {
            String url = "http://127.0.0.1:" + guarded.port();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpRequest.Builder get = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/services"));
            HttpResponse<String> none = http.send(get.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, none.statusCode());
            assertEquals(Optional.of("Bearer"), none.headers().firstValue("WWW-Authenticate"));
            assertEquals(401, http.send(get.header("Authorization", "Bearer wrong").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            AdminFixture.Run withoutToken = fx.cliWithInput("", Map.of(), "--admin", url, "-L", "-n");
            assertEquals(1, withoutToken.status());
            assertTrue(withoutToken.err().startsWith("missing or wrong token"), withoutToken.err());
            AdminFixture.Run withToken = fx.cliWithInput("", Map.of("ACTORVS_ADMIN_TOKEN", TOKEN), "--admin", url, "-L", "-n");
            assertEquals(0, withToken.status(), withToken.err());
        }
    }
}
