package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.forward.Port;
import org.actorvs.io.NeighbourTable;
import org.actorvs.io.NeighbourTable.State;
import org.actorvs.packet.MacAddress;
import org.junit.jupiter.api.Test;

/** The link-layer part of a configuration as the live director takes it: both families. */
class MainNeighboursTest {
    private static final long BACK_HI = 0xFD00_0078_0000_0000L;

    private static DirectorConfig config() throws Exception {
        return DirectorConfigLoader.parse(String.join("\n",
                "actorvs {",
                "  node-name = d1",
                "  interfaces = [",
                "    { name = eth0, mac = \"02:00:00:00:00:11\", ipv4 = \"10.77.0.11/24\", ipv6 = \"fd00:77::11/64\" }",
                "    { name = eth1, mac = \"02:00:00:00:00:12\", ipv4 = \"10.78.0.1/24\", ipv6 = \"fd00:78::1/64\" }",
                "  ]",
                "  owned-addresses = [",
                "    { address = \"10.77.0.100\", dev = eth0 }",
                "    { address = \"fd00:78::fe\", dev = eth1 }",
                "  ]",
                "  neighbours = [",
                "    { address = \"10.78.0.21\", mac = \"02:00:00:00:00:21\", dev = eth1 }",
                "    { address = \"fd00:78::22\", mac = \"02:00:00:00:00:22\", dev = eth1 }",
                "  ]",
                "}", ""), "test.conf");
    }

    @Test
    void configuredIpv6NeighboursArePermanentEntriesBesideTheIpv4Ones() throws Exception {
        DirectorConfig config = config();
        List<Port> ports = config.ports(name -> 0L);
        NeighbourTable table = Main.neighbours(config, ports);
        assertEquals(State.PERMANENT, table.state(6, BACK_HI, 0x22));
        assertEquals(MacAddress.parse("02:00:00:00:00:22"), table.mac(6, BACK_HI, 0x22));
        assertEquals(MacAddress.parse("02:00:00:00:00:21"), table.mac(4, 0, 0x0A4E_0015L));
    }

    @Test
    void ownedIpv6AddressesAreOwnedWithTheirFamily() throws Exception {
        assertEquals(List.of(new ArpActor.Announcement(0, 0x0A4D_0064), new ArpActor.Announcement(1, 6, BACK_HI, 0xFE)),
                Main.owned(config()));
    }

    @Test
    void excludedVrrpAddressesMoveAfterTheAdvertisedOnesWithTheirFamily() throws Exception {
        DirectorConfig config = DirectorConfigLoader.parse(String.join("\n",
                "actorvs {",
                "  node-name = d1",
                "  interfaces = [ { name = eth0, ipv4 = \"10.77.0.11/24\", ipv6 = \"fd00:77::11/64\" } ]",
                "  vrrp {",
                "    interface = eth0, virtual-router-id = 51",
                "    virtual-addresses = [ { address = \"10.77.0.100\", dev = eth0 } ]",
                "    excluded-addresses = [ { address = \"fd00:77::100\", dev = eth0 } ]",
                "  }",
                "}", ""), "test.conf");
        assertEquals(List.of(new ArpActor.Announcement(0, 0x0A4D_0064),
                new ArpActor.Announcement(0, 6, 0xFD00_0077_0000_0000L, 0x100)), Main.vrrp(config).addresses());
    }
}
