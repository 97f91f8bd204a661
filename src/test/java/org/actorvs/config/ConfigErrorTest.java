package org.actorvs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every class of configuration error names the file, the line and the key, and says what was expected. */
class ConfigErrorTest {
    /** Lines 1-3 of every test file; the line under test is line 4. */
    private static final String HEAD = """
            actorvs {
              node-name = d1
              interfaces = [ { name = eth0, ipv4 = "10.77.0.11/24" }, { name = eth1, ipv4 = "10.78.0.1/24" } ]
            """;

    private static ConfigError error(String line4) {
        return assertThrows(ConfigError.class, () -> DirectorConfigLoader.parse(HEAD + line4 + "\n}\n", "t.conf"));
    }

    @Test
    void unknownKeySuggestsTheNearestKnownOne() {
        ConfigError e = error("  shard = 4");
        assertEquals("t.conf:4: actorvs.shard: unknown key (did you mean 'shards'?)", e.getMessage());
        assertEquals(4, e.line());
        assertEquals("actorvs.shard", e.key());
    }

    @Test
    void unknownKeyFarFromAnyListsTheKnownOnes() {
        ConfigError e = error("  ipvs { frobnicate = on }");
        assertEquals("actorvs.ipvs.frobnicate", e.key());
        assertTrue(e.problem().startsWith("unknown key (expected one of expire_nodest_conn, "), e.problem());
    }

    @Test
    void sysctlNameWithDashesSuggestsTheUnderscoredOne() {
        assertEquals("t.conf:4: actorvs.ipvs.expire-nodest-conn: unknown key (did you mean 'expire_nodest_conn'?)",
                error("  ipvs { expire-nodest-conn = 1 }").getMessage());
    }

    @Test
    void wrongTypeSaysWhatWasExpectedAndFound() {
        assertEquals("t.conf:4: actorvs.timeouts.tcp: expected an integer 1..2147483, found the string \"long\"",
                error("  timeouts { tcp = long }").getMessage());
    }

    @Test
    void outOfRangeValueSaysTheRange() {
        assertEquals("t.conf:4: actorvs.ipvs.conn_reuse_mode: 4 is out of range (expected an integer 0..3)",
                error("  ipvs { conn_reuse_mode = 4 }").getMessage());
    }

    @Test
    void badSwitchValueListsTheAcceptedSpellings() {
        assertEquals("t.conf:4: actorvs.ipvs.sloppy_tcp: expected on/off, true/false, yes/no or 1/0, found the number 2",
                error("  ipvs { sloppy_tcp = 2 }").getMessage());
    }

    @Test
    void durationWithoutUnitIsRefused() {
        ConfigError e = error("  drain-timeout = 300");
        assertEquals("actorvs.drain-timeout", e.key());
        assertTrue(e.problem().startsWith("expected a duration with a unit"), e.problem());
    }

    @Test
    void listElementErrorsNameTheirIndex() {
        ConfigError e = error("  owned-addresses = [ { address = \"10.77.0.100\", dev = eth0 }, { address = \"10.77.0.300\", dev = eth0 } ]");
        assertEquals("t.conf:4: actorvs.owned-addresses[1].address: '10.77.0.300' is not an IPv4 or IPv6 address",
                e.getMessage());
    }

    @Test
    void missingRequiredKeyNamesIt() {
        ConfigError e = assertThrows(ConfigError.class,
                () -> DirectorConfigLoader.parse("actorvs {\n  interfaces = [ { name = eth0, ipv4 = \"10.0.0.1/8\" } ]\n}\n", "t.conf"));
        assertEquals("actorvs.node-name", e.key());
        assertTrue(e.problem().startsWith("missing"), e.problem());
        assertEquals(1, e.line());
    }

    @Test
    void settingsOutsideTheActorvsObjectAreUnknown() {
        ConfigError e = assertThrows(ConfigError.class, () -> DirectorConfigLoader.parse("shards = 2\n", "t.conf"));
        assertEquals("t.conf:1: shards: unknown key (expected one of actorvs)", e.getMessage());
    }

    @Test
    void duplicateInterfaceNamesTheFirstDefinition() {
        ConfigError e = assertThrows(ConfigError.class, () -> DirectorConfigLoader.parse("""
                actorvs {
                  node-name = d1
                  interfaces = [ { name = eth0, ipv4 = "10.77.0.11/24" },
                                 { name = eth0, ipv4 = "10.78.0.1/24" } ]
                }""", "t.conf"));
        assertEquals("t.conf:4: actorvs.interfaces[1].name: duplicate interface 'eth0' (first defined at actorvs.interfaces[0])",
                e.getMessage());
    }

    @Test
    void ownedAddressOnUnknownInterfaceListsTheInterfaces() {
        ConfigError e = error("  owned-addresses = [ { address = \"10.77.0.100\", dev = eth2 } ]");
        assertEquals("actorvs.owned-addresses[0].dev", e.key());
        assertEquals(4, e.line());
        assertTrue(e.problem().startsWith("unknown interface 'eth2' (interfaces are "), e.problem());
    }

    @Test
    void routeViaUnknownInterfaceIsRefused() {
        ConfigError e = error("  routes = [ { prefix = \"0.0.0.0/0\", via = \"10.77.0.1\", dev = wlan0 } ]");
        assertEquals("actorvs.routes[0].dev", e.key());
        assertTrue(e.problem().startsWith("unknown interface 'wlan0'"), e.problem());
    }

    @Test
    void routeGatewayOffTheInterfacesNetworkIsRefused() {
        assertEquals("t.conf:4: actorvs.routes[0].via: gateway 10.78.0.254 is not on eth0's network 10.77.0.11/24",
                error("  routes = [ { prefix = \"0.0.0.0/0\", via = \"10.78.0.254\", dev = eth0 } ]").getMessage());
    }

    @Test
    void routePrefixWithHostBitsIsRefused() {
        ConfigError e = error("  routes = [ { prefix = \"192.0.2.1/24\", dev = eth0 } ]");
        assertEquals("actorvs.routes[0].prefix", e.key());
        assertTrue(e.problem().contains("has bits set past /24"), e.problem());
    }

    @Test
    void badInlineServiceNamesTheServiceKey() {
        ConfigError e = error("  services = [ { protocol = tcp, vip = \"10.77.0.100\", port = 80, scheduler = wrrr } ]");
        assertEquals("actorvs.services[0].scheduler", e.key());
        assertTrue(e.problem().startsWith("unknown scheduler 'wrrr' (expected one of "), e.problem());
    }

    @Test
    void badDestinationNamesItsIndexAndKey() {
        ConfigError e = error("  services = [ { protocol = tcp, vip = \"10.77.0.100\", port = 80, destinations = ["
                + " { address = \"10.78.0.21\", forward = nat } ] } ]");
        assertEquals("t.conf:4: actorvs.services[0].destinations[0].forward: 'nat' is not one of masq, route, tunnel",
                e.getMessage());
    }

    @Test
    void kernelEditRefusalsAreReportedAtTheService() {
        ConfigError e = error("  services = [ { protocol = tcp, vip = \"10.77.0.100\", port = 80 },"
                + " { protocol = tcp, vip = \"10.77.0.100\", port = 80 } ]");
        assertEquals("actorvs.services[1]", e.key());
        assertEquals("Service already exists (TCP 10.77.0.100:80)", e.problem());
    }

    @Test
    void schedulerFlagOfAnotherSchedulerIsRefused() {
        ConfigError e = error("  services = [ { protocol = tcp, vip = \"10.77.0.100\", port = 80, scheduler = rr, sched-flags = [sh-port] } ]");
        assertEquals("t.conf:4: actorvs.services[0].sched-flags[0]: 'sh-port' is only for scheduler sh", e.getMessage());
    }

    @Test
    void hoconSyntaxErrorKeepsItsLine() {
        ConfigError e = error("  shards = [ 1");
        assertEquals("t.conf", e.file());
        assertTrue(e.line() >= 4, e.getMessage());
        assertEquals("", e.key());
    }

    @Test
    void rulesFileErrorNamesTheRulesFileAndItsLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.rules"), "-A -t 10.77.0.100:80 -s rr\n\n-a -t 10.77.0.100:80 -r 10.78.0.21:80 -m -w 70000\n");
        Path conf = dir.resolve("d.conf");
        Files.writeString(conf, HEAD + "  services { rules-file = \"bad.rules\" }\n}\n");
        ConfigError e = assertThrows(ConfigError.class, () -> DirectorConfigLoader.load(conf));
        assertEquals(dir.resolve("bad.rules").toString(), e.file());
        assertEquals(3, e.line());
        assertEquals("`-w 70000'", e.key());
        assertTrue(e.problem().endsWith("(actorvs.services.rules-file)"), e.problem());
    }

    @Test
    void missingRulesFileNamesItsPath(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("d.conf");
        Files.writeString(conf, HEAD + "  services { rules-file = \"gone.rules\" }\n}\n");
        ConfigError e = assertThrows(ConfigError.class, () -> DirectorConfigLoader.load(conf));
        assertEquals(conf + ":4: actorvs.services.rules-file: rules file " + dir.resolve("gone.rules") + " not found",
                e.getMessage());
    }

    @Test
    void missingConfigFileNamesItsPath(@TempDir Path dir) {
        Path conf = dir.resolve("nothing.conf");
        ConfigError e = assertThrows(ConfigError.class, () -> DirectorConfigLoader.load(conf));
        assertEquals(conf + ": file not found", e.getMessage());
        assertEquals(0, e.line());
    }
}
