package org.actorvs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.actorvs.admin.AddressText;
import org.junit.jupiter.api.Test;

/** The {@code metrics} section: its defaults, its keys, and the strictness every section has. */
class MetricsSectionTest {
    private static DirectorConfig parse(String metrics) throws ConfigError {
        return DirectorConfigLoader.parse("actorvs { node-name = d1, interfaces = [ { name = eth0, ipv4 = "
                + "\"10.0.0.1/24\" } ]\n" + metrics + "\n}", "test.conf");
    }

    @Test
    void leftOutItServesOnLoopbackPort9410() throws ConfigError {
        DirectorConfig.Metrics m = parse("").metrics();
        assertTrue(m.enabled());
        assertEquals(AddressText.parse("127.0.0.1"), m.address());
        assertEquals(9410, m.port());
    }

    @Test
    void addressPortAndEnabledAreRead() throws ConfigError {
        DirectorConfig.Metrics m = parse("metrics { enabled = off, address = \"::1\", port = 9500 }").metrics();
        assertFalse(m.enabled());
        assertEquals(AddressText.parse("::1"), m.address());
        assertEquals(9500, m.port());
    }

    @Test
    void anUnknownKeyIsRefusedWithItsLine() {
        ConfigError e = assertThrows(ConfigError.class, () -> parse("metrics {\n  prot = 9500\n}"));
        assertTrue(e.getMessage().contains("test.conf:3") && e.getMessage().contains("prot"), e.getMessage());
    }

    @Test
    void portZeroAndNamesAreRefused() {
        assertThrows(ConfigError.class, () -> parse("metrics { port = 0 }"));
        assertThrows(ConfigError.class, () -> parse("metrics { address = localhost }"));
    }

    @Test
    void theAnnotatedReferenceStatesTheDefaults() throws ConfigError {
        DirectorConfig.Metrics m = DirectorConfigLoader.load(java.nio.file.Path.of("conf/actorvs.conf")).metrics();
        assertEquals(DirectorConfigLoader.DEFAULT_METRICS, m);
    }
}
