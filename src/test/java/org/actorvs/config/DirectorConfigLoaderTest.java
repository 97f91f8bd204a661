package org.actorvs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import org.actorvs.admin.AddressText;
import org.actorvs.admin.IpvsadmRules;
import org.actorvs.config.DirectorConfig.ProtocolTimeouts;
import org.actorvs.conn.TcpStates;
import org.actorvs.conn.Timeouts;
import org.actorvs.forward.IpvsSettings;
import org.actorvs.forward.NeighbourCache;
import org.actorvs.forward.Port;
import org.actorvs.forward.RouteTable;
import org.actorvs.service.RuleSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorConfigLoaderTest {

    static DirectorConfig minimal() throws ConfigError {
        return DirectorConfigLoader.parse("actorvs { node-name = d1, interfaces = [ { name = eth0, ipv4 = \"10.0.0.1/24\" } ] }",
                "minimal.conf");
    }

    @Test
    void leftOutSettingsAreTheKernelDefaults() throws ConfigError {
        DirectorConfig c = minimal();
        assertEquals(IpvsSettings.defaults(), c.ipvs());
        assertEquals(ProtocolTimeouts.kernelDefaults(), c.timeouts());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.shards());
        assertEquals(DirectorConfigLoader.DEFAULT_CONNECTIONS_PER_SHARD, c.connectionTableCapacity());
        assertEquals(Duration.ofMinutes(5), c.drainTimeout());
        assertEquals(DirectorConfigLoader.DEFAULT_CAPTURE, c.capture());
        assertEquals(RuleSet.EMPTY, c.services());
        assertEquals(1500, c.interfaces().get(0).mtu());
        assertTrue(c.interfaces().get(0).mac().isEmpty() && c.interfaces().get(0).vlan().isEmpty());
    }

    @Test
    void defaultTimeoutsAreIpvsadmsTcp900Tcpfin120Udp300() throws ConfigError {
        Timeouts configured = minimal().timeouts().toTimeouts();
        Timeouts kernel = new Timeouts();
        assertEquals(900, configured.tcpEstablished());
        assertEquals(120, configured.tcpFin());
        assertEquals(300, configured.udp());
        for (int state = 0; state < TcpStates.COUNT; state++) {
            assertEquals(kernel.tcp(state), configured.tcp(state), "state " + state);
        }
    }

    @Test
    void givenSettingsReachTheForwardingObjects() throws ConfigError {
        DirectorConfig c = DirectorConfigLoader.parse("""
                actorvs {
                  node-name = d1
                  interfaces = [ { name = eth0, ipv4 = "10.0.0.1/24", mtu = 9000, vlan = 7 } ]
                  shards = 3
                  connection-table.capacity-per-shard = 1000
                  timeouts { tcp = 60, tcpfin = 30, udp = 10 }
                  ipvs { expire_nodest_conn = 1, sloppy_tcp = yes, conn_reuse_mode = 0, pmtu_disc = false,
                         fragment-timeout = 5s, fragment-memory = 1 MiB, verify-checksums = off }
                  drain-timeout = 0s
                  capture { snaplen = 2048, poll-interval = 20ms, buffer-size = 65536 }
                }""", "given.conf");
        assertEquals(IpvsSettings.defaults().toBuilder().expireNodestConn(true).sloppyTcp(true).connReuseMode(0)
                .pmtuDisc(false).fragmentTimeoutNanos(5_000_000_000L).fragmentMemoryBytes(1 << 20)
                .verifyChecksums(false).build(), c.ipvs());
        Timeouts t = c.timeouts().toTimeouts();
        assertEquals(List.of(60, 30, 10), List.of(t.tcpEstablished(), t.tcpFin(), t.udp()));
        assertEquals(3, c.shards());
        assertEquals(1000, c.connectionTableCapacity());
        assertEquals(Duration.ZERO, c.drainTimeout());
        assertEquals(new DirectorConfig.Capture(2048, Duration.ofMillis(20), 65536), c.capture());
        Port p = c.ports(name -> 0x0200_0000_0001L).get(0);
        assertEquals(new Port(0, "eth0", 0x0200_0000_0001L, 0x0A00_0001L, 0, 0, 9000, 7), p);
    }

    @Test
    void routeTableHasConnectedRoutesThenConfiguredOnes() throws ConfigError {
        DirectorConfig c = DirectorConfigLoader.parse("""
                actorvs {
                  node-name = d1
                  interfaces = [
                    { name = eth0, ipv4 = "10.77.0.11/24" }
                    { name = eth1, ipv4 = "10.78.0.1/24", ipv6 = "fd00:78::1/64" }
                  ]
                  routes = [
                    { prefix = "0.0.0.0/0", via = "10.77.0.1", dev = eth0 }
                    { prefix = "192.0.2.0/24", dev = eth1 }
                  ]
                }""", "routes.conf");
        RouteTable table = c.routeTable();
        assertEquals(5, table.size());
        RouteTable.NextHop hop = new RouteTable.NextHop();
        assertTrue(table.resolve(4, 0, 0x0A4E_0015L, hop)); // 10.78.0.21: connected on eth1
        assertEquals(List.of(1L, 0x0A4E_0015L), List.of((long) hop.port, hop.lo));
        assertTrue(table.resolve(4, 0, 0x0808_0808L, hop)); // 8.8.8.8: default via 10.77.0.1
        assertEquals(List.of(0L, 0x0A4D_0001L), List.of((long) hop.port, hop.lo));
        assertTrue(table.resolve(4, 0, 0xC000_0205L, hop)); // 192.0.2.5: on-link on eth1
        assertEquals(List.of(1L, 0xC000_0205L), List.of((long) hop.port, hop.lo));
        assertTrue(table.resolve(6, 0xFD00_0078_0000_0000L, 5, hop));
        assertEquals(1, hop.port);
        assertFalse(table.resolve(6, 0x2001_0db8_0000_0000L, 5, hop));
    }

    @Test
    void configuredMacsWinOverTheOsAndNeighboursFillTheCache() throws ConfigError {
        DirectorConfig c = DirectorConfigLoader.parse("""
                actorvs {
                  node-name = d1
                  interfaces = [
                    { name = eth0, mac = "02:00:00:00:00:0a", ipv4 = "10.77.0.11/24" }
                    { name = eth1, ipv4 = "10.78.0.1/24" }
                  ]
                  neighbours = [
                    { address = "10.78.0.21", mac = "02-00-00-00-00-21", dev = eth1 }
                    { address = "fd00::21", mac = "02:00:00:00:00:22", dev = eth1 }
                  ]
                }""", "macs.conf");
        assertEquals(OptionalLong.of(0x0200_0000_000AL), c.interfaces().get(0).mac());
        List<Port> ports = c.ports(name -> name.equals("eth1") ? 0x0200_0000_00B1L : -1);
        assertEquals(List.of(0x0200_0000_000AL, 0x0200_0000_00B1L), ports.stream().map(Port::mac).toList());
        assertEquals(List.of(0, 1), ports.stream().map(Port::index).toList());
        NeighbourCache n = c.staticNeighbours();
        assertEquals(0x0200_0000_0021L, n.mac(4, 0, 0x0A4E_0015L));
        assertEquals(0x0200_0000_0022L, n.mac(6, 0xFD00_0000_0000_0000L, 0x21));
        assertEquals(NeighbourCache.UNRESOLVED, n.mac(4, 0, 0x0A4E_0016L));
    }

    @Test
    void inlineServicesEqualTheSameServicesFromARulesFile(@TempDir Path dir) throws Exception {
        String rules = """
                -A -t 10.77.0.100:80 -s wlc
                -a -t 10.77.0.100:80 -r 10.78.0.21:8080 -m -w 1
                -a -t 10.77.0.100:80 -r 10.78.0.22:8080 -m -w 3 -x 100 -y 50
                -A -u 10.77.0.100:5060 -s sh -p 60 -M 255.255.255.0 --pe sip -b sh-fallback,sh-port
                -a -u 10.77.0.100:5060 -r 10.78.0.21:5060 -m -w 1
                -A -u 10.77.0.100:53 -s rr -o
                -a -u 10.77.0.100:53 -r 10.77.0.31:53 -g -w 0
                -A -f 7 -s rr -p 300
                #actorvs fwmark 7 match tcp,udp dst 10.77.0.0/24 dport 443,8000-8080 src 192.0.2.0/24
                -a -f 7 -r 10.77.0.41:0 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum
                -a -f 7 -r 10.77.0.42:0 -i -w 1
                -A -t [fd00::100]:443 -s mh -p 120 -M 64 -b mh-port
                -a -t [fd00::100]:443 -r [fd00::21]:443 -m -w 1
                -a -t [fd00::100]:443 -r 10.77.0.43:443 -i -w 1
                """;
        Files.writeString(dir.resolve("services.rules"), rules);
        String head = "actorvs { node-name = d1, interfaces = [ { name = eth0, ipv4 = \"10.77.0.11/24\" } ]\n";
        Files.writeString(dir.resolve("file.conf"), head + "services { rules-file = \"services.rules\" } }");
        Files.writeString(dir.resolve("inline.conf"), head + """
                services = [
                  { protocol = tcp, vip = "10.77.0.100", port = 80, destinations = [
                      { address = "10.78.0.21", port = 8080, forward = masq }
                      { address = "10.78.0.22", port = 8080, forward = masq, weight = 3, upper-threshold = 100, lower-threshold = 50 } ] }
                  { protocol = udp, vip = "10.77.0.100", port = 5060, scheduler = sh, persistence-timeout = 60,
                    persistence-netmask = "255.255.255.0", pe = sip, sched-flags = [sh-fallback, sh-port],
                    destinations = [ { address = "10.78.0.21", forward = masq } ] }
                  { protocol = udp, vip = "10.77.0.100", port = 53, scheduler = rr, one-packet = on,
                    destinations = [ { address = "10.77.0.31", weight = 0 } ] }
                  { fwmark = 7, scheduler = rr, persistence-timeout = 300,
                    match-rules = ["match tcp,udp dst 10.77.0.0/24 dport 443,8000-8080 src 192.0.2.0/24"],
                    destinations = [
                      { address = "10.77.0.41", forward = tunnel, tunnel-type = gue, tunnel-port = 6080, tunnel-checksum = csum }
                      { address = "10.77.0.42", forward = tunnel } ] }
                  { protocol = tcp, vip = "fd00::100", port = 443, scheduler = mh, persistence-timeout = 120,
                    persistence-netmask = 64, sched-flags = [mh-port], destinations = [
                      { address = "fd00::21", forward = masq }
                      { address = "10.77.0.43", forward = tunnel } ] }
                ]
                }""");
        RuleSet fromFile = DirectorConfigLoader.load(dir.resolve("file.conf")).services();
        RuleSet inline = DirectorConfigLoader.load(dir.resolve("inline.conf")).services();
        assertEquals(5, fromFile.services().size());
        assertEquals(IpvsadmRules.read(rules), fromFile);
        assertEquals(fromFile, inline);
    }

    @Test
    void shardsAutoIsTheProcessorCount() throws ConfigError {
        DirectorConfig c = DirectorConfigLoader.parse(
                "actorvs { node-name = d1, shards = auto, interfaces = [ { name = eth0, ipv6 = \"fd00::1/64\" } ] }", "auto.conf");
        assertEquals(Runtime.getRuntime().availableProcessors(), c.shards());
        assertEquals(AddressText.parse("fd00::1"), c.interfaces().get(0).ipv6().orElseThrow().address());
    }
}
