package org.actorvs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The admin { } section: loopback by default, other addresses only with a token. */
class AdminConfigTest {

    private static DirectorConfig parse(String admin) throws ConfigError {
        return DirectorConfigLoader.parse("actorvs { node-name = d1, interfaces = [ { name = eth0, ipv4 = \"10.0.0.1/24\" } ]\n"
                + admin + "\n}", "admin.conf");
    }

    @Test
    void leftOutTheApiListsOnLoopbackPort9080WithoutToken() throws ConfigError {
        DirectorConfig.Admin a = parse("").admin();
        assertEquals(InetAddress.getLoopbackAddress(), a.address());
        assertEquals(9080, a.port());
        assertEquals(Optional.empty(), a.token());
    }

    @Test
    void anyAddressWithTokenIsAccepted() throws ConfigError {
        DirectorConfig.Admin a = parse("admin { address = \"0.0.0.0\", port = 8443, token = \"0123456789abcdef\" }").admin();
        assertEquals("0.0.0.0", a.address().getHostAddress());
        assertEquals(8443, a.port());
        assertEquals(Optional.of("0123456789abcdef"), a.token());
    }

    @Test
    void nonLoopbackAddressWithoutTokenIsRefusedNamingTheKey() {
        ConfigError e = assertThrows(ConfigError.class, () -> parse("admin { address = \"10.0.0.1\" }"));
        assertEquals("actorvs.admin.address", e.key());
        assertTrue(e.problem().contains("admin.token"), e.getMessage());
    }

    @Test
    void shortTokenIsRefused() {
        ConfigError e = assertThrows(ConfigError.class, () -> parse("admin { token = \"secret\" }"));
        assertEquals("actorvs.admin.token", e.key());
    }

    @Test
    void unknownAdminKeyIsRefused() {
        ConfigError e = assertThrows(ConfigError.class, () -> parse("admin { prot = 9080 }"));
        assertTrue(e.getMessage().contains("prot"), e.getMessage());
    }
}
