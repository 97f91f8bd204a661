package org.actorvs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.actorvs.admin.AddressText;
import org.actorvs.config.DirectorConfig.OwnedAddress;
import org.actorvs.ha.VrrpConfig;
import org.actorvs.ha.VrrpFlyweight;
import org.junit.jupiter.api.Test;

class VrrpConfigReaderTest {
    private static final String ADDRESSES = "virtual-addresses = [ { address = \"10.77.0.100\", dev = eth0 },"
            + " { address = \"10.78.0.254\", dev = eth1 } ]";

    private static DirectorConfig parse(String rest) throws ConfigError {
        return DirectorConfigLoader.parse("actorvs { node-name = d1, interfaces = [ { name = eth0, ipv4 = \"10.77.0.11/24\" },"
                + " { name = eth1, ipv4 = \"10.78.0.1/24\" } ]\n" + rest + " }", "test.conf");
    }

    private static ConfigError refused(String rest) {
        return assertThrows(ConfigError.class, () -> parse(rest));
    }

    @Test
    void withoutAVrrpSectionNothingMoves() throws ConfigError {
        assertFalse(parse("").vrrp().isPresent());
    }

    @Test
    void keepalivedsDefaultsFillWhatIsLeftOut() throws ConfigError {
        VrrpSettings v = parse("vrrp { interface = eth0, virtual-router-id = 51, " + ADDRESSES + " }").vrrp().orElseThrow();
        VrrpConfig expected = VrrpConfig.keepalivedDefaults(51, 10 << 24 | 77 << 16 | 11,
                10 << 24 | 77 << 16 | 100, 10 << 24 | 78 << 16 | 254);
        assertEquals(expected, v.router());
        assertEquals("eth0", v.interfaceName());
        assertFalse(v.syncBoth());
    }

    @Test
    void everyAddressIsInTheAdvertAndKeepsItsOwnInterface() throws ConfigError {
        VrrpSettings v = parse("vrrp { interface = eth0, virtual-router-id = 51, " + ADDRESSES + " }").vrrp().orElseThrow();
        assertEquals(List.of(new OwnedAddress(AddressText.parse("10.77.0.100"), "eth0"),
                new OwnedAddress(AddressText.parse("10.78.0.254"), "eth1")), v.virtualAddresses());
        assertEquals(2, v.router().vips().length);
    }

    @Test
    void excludedAddressesMoveWithMastershipButStayOutOfTheAdvert() throws ConfigError {
        VrrpSettings v = parse("vrrp { interface = eth0, virtual-router-id = 51, " + ADDRESSES
                + ", excluded-addresses = [ { address = \"fd00:77::100\", dev = eth0 },"
                + " { address = \"10.77.0.101\", dev = eth0 } ] }").vrrp().orElseThrow();
        assertEquals(List.of(new OwnedAddress(AddressText.parse("fd00:77::100"), "eth0"),
                new OwnedAddress(AddressText.parse("10.77.0.101"), "eth0")), v.excludedAddresses());
        assertEquals(2, v.router().vips().length, "the advert lists the virtual addresses only");
    }

    @Test
    void anExcludedAddressThatIsAlsoVirtualOrOwnedIsRefused() {
        assertTrue(refused("vrrp { interface = eth0, virtual-router-id = 51, " + ADDRESSES
                + ", excluded-addresses = [ { address = \"10.77.0.100\", dev = eth0 } ] }")
                .getMessage().contains("given twice"));
        assertTrue(refused("owned-addresses = [ { address = \"fd00:77::100\", dev = eth0 } ]\n"
                + "vrrp { interface = eth0, virtual-router-id = 51, " + ADDRESSES
                + ", excluded-addresses = [ { address = \"fd00:77::100\", dev = eth0 } ] }")
                .getMessage().contains("owned-addresses"));
    }

    @Test
    void versionThreeTakesCentisecondIntervalsAndEveryOtherKey() throws ConfigError {
        VrrpSettings v = parse("vrrp { interface = eth0, virtual-router-id = 7, priority = 150, version = 3,"
                + " advert-interval = 100ms, preempt = on, preempt-delay = 2s, sync-daemons = both, " + ADDRESSES + " }")
                .vrrp().orElseThrow();
        assertEquals(3, v.router().version());
        assertEquals(10, v.router().intervalCentis());
        assertEquals(150, v.router().priority());
        assertEquals(2_000_000_000L, v.router().preemptDelayNanos());
        assertTrue(v.syncBoth());
    }

    @Test
    void aVersionTwoPasswordIsSimpleTextAuthentication() throws ConfigError {
        VrrpSettings v = parse("vrrp { interface = eth0, virtual-router-id = 7, authentication { password = secret },"
                + ADDRESSES + " }").vrrp().orElseThrow();
        assertEquals(VrrpFlyweight.AUTH_SIMPLE_TEXT, v.router().authType());
        assertEquals('s', v.router().authData()[0]);
    }

    @Test
    void versionTwoRefusesAnIntervalOfPartSecondsNamingTheKey() {
        ConfigError e = refused("vrrp { interface = eth0, virtual-router-id = 7, advert-interval = 1500ms, "
                + ADDRESSES + " }");
        assertTrue(e.getMessage().contains("vrrp.advert-interval") && e.getMessage().contains("whole"), e.getMessage());
    }

    @Test
    void versionThreeRefusesAuthentication() {
        ConfigError e = refused("vrrp { interface = eth0, virtual-router-id = 7, version = 3,"
                + " authentication { password = x }, " + ADDRESSES + " }");
        assertTrue(e.getMessage().contains("vrrp.authentication"), e.getMessage());
    }

    @Test
    void aPasswordLongerThanEightCharactersIsRefused() {
        ConfigError e = refused("vrrp { interface = eth0, virtual-router-id = 7,"
                + " authentication { password = ninechars }, " + ADDRESSES + " }");
        assertTrue(e.getMessage().contains("vrrp.authentication.password"), e.getMessage());
    }

    @Test
    void anAddressBothOwnedAndMovingIsRefusedAtItsLine() {
        ConfigError e = refused("owned-addresses = [ { address = \"10.77.0.100\", dev = eth0 } ]\n"
                + "vrrp { interface = eth0, virtual-router-id = 7,\n" + ADDRESSES + " }");
        assertTrue(e.getMessage().startsWith("test.conf:4:") && e.getMessage().contains("owned-addresses"),
                e.getMessage());
    }

    @Test
    void anUnknownInterfaceIsRefused() {
        ConfigError e = refused("vrrp { interface = eth9, virtual-router-id = 7, " + ADDRESSES + " }");
        assertTrue(e.getMessage().contains("vrrp.interface") && e.getMessage().contains("eth9"), e.getMessage());
    }

    @Test
    void anIpv6VirtualAddressIsRefused() {
        ConfigError e = refused("vrrp { interface = eth0, virtual-router-id = 7,"
                + " virtual-addresses = [ { address = \"fd00::1\", dev = eth0 } ] }");
        assertTrue(e.getMessage().contains("address"), e.getMessage());
    }

    @Test
    void anInstanceWithoutAddressesIsRefused() {
        ConfigError e = refused("vrrp { interface = eth0, virtual-router-id = 7, virtual-addresses = [] }");
        assertTrue(e.getMessage().contains("vrrp.virtual-addresses"), e.getMessage());
    }

    @Test
    void aMisspelledKeyIsRefusedWithAHint() {
        ConfigError e = refused("vrrp { interface = eth0, virtual-router-id = 7, priorty = 5, " + ADDRESSES + " }");
        assertTrue(e.getMessage().contains("priority"), e.getMessage());
    }
}
