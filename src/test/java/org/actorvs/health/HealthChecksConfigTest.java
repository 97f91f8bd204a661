package org.actorvs.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.junit.jupiter.api.Test;

/** The health-checks section of actorvs.conf. */
class HealthChecksConfigTest {
    private static final String HEAD = String.join("\n",
            "actorvs {",
            "  node-name = d1",
            "  interfaces = [ { name = eth0, mac = \"02:00:00:00:00:01\", ipv4 = \"10.77.0.11/24\" } ]",
            "  services = [ { protocol = tcp, vip = \"10.77.0.100\", port = 80, destinations = [",
            "    { address = \"10.78.0.21\", forward = masq }",
            "    { address = \"10.78.0.22\", port = 8080, forward = masq, weight = 2 } ] } ]",
            "");

    private static DirectorConfig load(String checks) throws ConfigError {
        return DirectorConfigLoader.parse(HEAD + "  health-checks = [ " + checks + " ]\n}\n", "test.conf");
    }

    @Test
    void aServiceCheckCoversEveryRealServerWithKeepalivedsDefaults() throws ConfigError {
        List<HealthCheckSpec> checks = load("{ service = \"tcp/10.77.0.100:80\", type = tcp }").healthChecks();
        assertEquals(2, checks.size());
        HealthCheckSpec second = checks.get(0).port() == 8080 ? checks.get(0) : checks.get(1);
        assertEquals(new HealthCheckSpec.Tcp(8080), second.check());
        assertEquals(new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(5), 1, Duration.ofSeconds(1),
                HealthPolicy.OnFailure.REMOVE, false), second.policy());
    }

    @Test
    void anHttpCheckOfOneRealServerTakesEveryKey() throws ConfigError {
        List<HealthCheckSpec> checks = load(String.join(" ", "{ service = \"tcp/10.77.0.100:80\",",
                "destination = \"10.78.0.22:8080\", type = http, port = 81, path = \"/health\",",
                "status = [200, \"300-399\"], digest = \"9B3A0C85A887A256D6939DA88AABD8CD\", interval = 2s,",
                "timeout = 1s, retries = 3, delay-before-retry = 500ms, on-failure = inhibit, alpha = on }"))
                .healthChecks();
        assertEquals(1, checks.size());
        assertEquals(new HealthCheckSpec.Http(81, "/health", List.of(new HttpGetChecker.StatusRange(200, 200),
                new HttpGetChecker.StatusRange(300, 399)), "9b3a0c85a887a256d6939da88aabd8cd"), checks.get(0).check());
        assertEquals(new HealthPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 3, Duration.ofMillis(500),
                HealthPolicy.OnFailure.INHIBIT, true), checks.get(0).policy());
    }

    @Test
    void anHttpCheckWaitsThreeSecondsBeforeARetryByDefault() throws ConfigError {
        HealthCheckSpec c = load("{ service = \"tcp/10.77.0.100:80\", type = http }").healthChecks().get(0);
        assertEquals(Duration.ofSeconds(3), c.policy().delayBeforeRetry());
        assertEquals(HttpGetChecker.DEFAULT_STATUS, ((HealthCheckSpec.Http) c.check()).status());
    }

    @Test
    void anUnknownServiceIsAnErrorAtItsLine() {
        ConfigError e = assertThrows(ConfigError.class, () -> load("\n{ service = \"tcp/10.77.0.100:81\", type = tcp }"));
        assertEquals("actorvs.health-checks[0].service", e.key());
        assertEquals(8, e.line());
        assertTrue(e.problem().contains("no service TCP 10.77.0.100:81"), e.problem());
    }

    @Test
    void aRealServerTheServiceDoesNotHaveIsAnError() {
        ConfigError e = assertThrows(ConfigError.class,
                () -> load("{ service = \"tcp/10.77.0.100:80\", destination = \"10.78.0.23\", type = tcp }"));
        assertEquals("actorvs.health-checks[0].destination", e.key());
    }

    @Test
    void httpKeysOnATcpCheckAreAnError() {
        ConfigError e = assertThrows(ConfigError.class,
                () -> load("{ service = \"tcp/10.77.0.100:80\", type = tcp, path = \"/\" }"));
        assertEquals("actorvs.health-checks[0].path", e.key());
    }

    @Test
    void aMalformedDigestOrStatusIsAnError() {
        assertEquals("actorvs.health-checks[0].digest", assertThrows(ConfigError.class,
                () -> load("{ service = \"tcp/10.77.0.100:80\", type = http, digest = \"abc\" }")).key());
        assertEquals("actorvs.health-checks[0].status[1]", assertThrows(ConfigError.class,
                () -> load("{ service = \"tcp/10.77.0.100:80\", type = http, status = [200, \"2xx\"] }")).key());
    }

    @Test
    void aRealServerCheckedTwiceIsAnError() {
        ConfigError e = assertThrows(ConfigError.class, () -> load("{ service = \"tcp/10.77.0.100:80\", type = tcp },"
                + " { service = \"tcp/10.77.0.100:80\", destination = \"10.78.0.21\", type = http }"));
        assertTrue(e.problem().contains("checked twice"), e.problem());
    }

    @Test
    void aMisspeltKeyIsAnError() {
        ConfigError e = assertThrows(ConfigError.class,
                () -> load("{ service = \"tcp/10.77.0.100:80\", type = tcp, retrys = 2 }"));
        assertTrue(e.problem().contains("did you mean 'retries'"), e.problem());
    }
}
