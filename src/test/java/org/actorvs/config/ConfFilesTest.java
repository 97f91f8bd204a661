package org.actorvs.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.actorvs.admin.AddressText;
import org.actorvs.config.DirectorConfig.OwnedAddress;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.ServiceKey;
import org.junit.jupiter.api.Test;

/** The shipped files under conf/ load, and the examples describe deploy/lab/lab.sh's topologies. */
class ConfFilesTest {
    private static final Path CONF = Path.of("conf");
    private static final InetAddress VIP = AddressText.parse("10.77.0.100");
    private static final ServiceKey LAB_SERVICE = ServiceKey.of(ServiceKey.Protocol.TCP, VIP, 80);

    @Test
    void everyShippedConfFileLoads() throws IOException, ConfigError {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(CONF)) {
            files = walk.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertEquals(List.of(CONF.resolve("actorvs.conf"), CONF.resolve("examples/dr.conf"),
                CONF.resolve("examples/nat-pair-d1.conf"), CONF.resolve("examples/nat-pair-d2.conf"),
                CONF.resolve("examples/nat.conf"), CONF.resolve("examples/tun.conf")), files);
        for (Path f : files) {
            DirectorConfig c = DirectorConfigLoader.load(f);
            assertFalse(c.services().isEmpty(), f + " defines services");
            assertEquals(f.toString(), c.source());
        }
    }

    @Test
    void natExampleIsTheLabDirectorD1WithItsRulesFile() throws ConfigError {
        DirectorConfig c = DirectorConfigLoader.load(CONF.resolve("examples/nat.conf"));
        assertEquals("d1", c.nodeName());
        assertEquals(List.of("eth0", "eth1"), c.interfaces().stream().map(DirectorConfig.Interface::name).toList());
        assertEquals("10.77.0.11/24", c.interfaces().get(0).ipv4().orElseThrow().toString());
        assertEquals("10.78.0.1/24", c.interfaces().get(1).ipv4().orElseThrow().toString());
        assertEquals(List.of(new OwnedAddress(VIP, "eth0"), new OwnedAddress(AddressText.parse("10.78.0.254"), "eth1")),
                c.ownedAddresses());
        RuleSet.Service s = c.services().service(LAB_SERVICE).orElseThrow();
        assertEquals("rr", s.spec().scheduler());
        assertEquals(List.of("10.78.0.23", "10.78.0.22", "10.78.0.21"), addresses(s));
        assertTrue(s.destinations().stream().allMatch(d -> d.forward() == DestinationSpec.Forward.MASQ && d.port() == 80));
    }

    @Test
    void natPairExamplesAreOneVirtualRouterWithD1Preferred() throws ConfigError {
        DirectorConfig d1 = DirectorConfigLoader.load(CONF.resolve("examples/nat-pair-d1.conf"));
        DirectorConfig d2 = DirectorConfigLoader.load(CONF.resolve("examples/nat-pair-d2.conf"));
        VrrpSettings v1 = d1.vrrp().orElseThrow();
        VrrpSettings v2 = d2.vrrp().orElseThrow();
        assertEquals(List.of(new OwnedAddress(VIP, "eth0"), new OwnedAddress(AddressText.parse("10.78.0.254"), "eth1")),
                v1.virtualAddresses());
        assertEquals(v1.virtualAddresses(), v2.virtualAddresses());
        assertEquals(List.of(), d1.ownedAddresses());
        assertEquals(v1.router().vrid(), v2.router().vrid());
        assertTrue(v1.syncBoth() && v2.syncBoth());
        assertEquals(150, v1.router().priority());
        assertEquals(100, v2.router().priority());
        assertEquals(3, v1.router().version());
        assertEquals(10, v1.router().intervalCentis());
        assertEquals("10.77.0.12/24", d2.interfaces().get(0).ipv4().orElseThrow().toString());
        assertEquals(d1.sync().settings(), d2.sync().settings());
        assertEquals(d1.sync().master(), d2.sync().master());
        assertEquals(d1.sync().backup(), d2.sync().backup());
        // Each serves its table on the back LAN and pulls the other's, with the same key.
        assertEquals(d2.sync().bulk().listen().map(List::of).orElseThrow(), d1.sync().bulk().peers());
        assertEquals(d1.sync().bulk().listen().map(List::of).orElseThrow(), d2.sync().bulk().peers());
        assertArrayEquals(d1.sync().bulk().key(), d2.sync().bulk().key());
        assertTrue(d1.sync().bulk().keyed());
        assertEquals(7, d1.sync().master().orElseThrow().syncId());
        assertEquals(d1.services(), d2.services());
    }

    @Test
    void drAndTunExamplesSendToTheLabRealServersOnTheFrontLan() throws ConfigError {
        for (String name : List.of("dr", "tun")) {
            DirectorConfig c = DirectorConfigLoader.load(CONF.resolve("examples/" + name + ".conf"));
            assertEquals("10.77.0.11/24", c.interfaces().get(0).ipv4().orElseThrow().toString());
            assertEquals(List.of(new OwnedAddress(VIP, "eth0")), c.ownedAddresses());
            RuleSet.Service s = c.services().service(LAB_SERVICE).orElseThrow();
            assertEquals(List.of("10.77.0.23", "10.77.0.22", "10.77.0.21"), addresses(s));
            DestinationSpec.Forward expected = name.equals("dr") ? DestinationSpec.Forward.DROUTE : DestinationSpec.Forward.TUNNEL;
            assertTrue(s.destinations().stream().allMatch(d -> d.forward() == expected), name);
        }
    }

    @Test
    void labScriptHasTheAddressesTheExamplesUse() throws IOException {
        String lab = Files.readString(Path.of("deploy/lab/lab.sh"));
        for (String line : List.of("VIP=10.77.0.100", "FRONT_NET=10.77.0", "BACK_NET=10.78.0", "NAT_GW=10.78.0.254",
                "plug \"d$d\" eth0", "plug \"d$d\" eth1", "ip addr add \"$FRONT_NET.1$d/24\" dev eth0",
                "ip addr add \"$BACK_NET.$d/24\" dev eth1", "ip addr add \"$BACK_NET.2$r/24\" dev eth0")) {
            assertTrue(lab.contains(line), "lab.sh no longer has: " + line);
        }
    }

    @Test
    void referenceFileStatesTheKernelDefaults() throws ConfigError {
        DirectorConfig c = DirectorConfigLoader.load(CONF.resolve("actorvs.conf"));
        DirectorConfig minimal = DirectorConfigLoaderTest.minimal();
        assertEquals(minimal.ipvs(), c.ipvs());
        assertEquals(minimal.timeouts(), c.timeouts());
        assertEquals(minimal.connectionTableCapacity(), c.connectionTableCapacity());
        assertEquals(minimal.drainTimeout(), c.drainTimeout());
        assertEquals(minimal.capture(), c.capture());
        assertEquals(minimal.shards(), c.shards());
    }

    private static List<String> addresses(RuleSet.Service s) {
        return s.destinations().stream().map(d -> d.address().getHostAddress()).toList();
    }
}
