package org.actorvs.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The persistence settings a VirtualService carries to its Schedule. */
class VirtualServicePersistenceTest {
    private final DestinationRegistry registry = new DestinationRegistry();

    @Test
    void aNewServiceIsNotPersistentAndMasksWholeAddresses() {
        VirtualService v4 = new VirtualService(registry, 4, 6, 0, 1, 80, 0, "rr", 0);
        VirtualService v6 = new VirtualService(registry, 6, 6, 1, 1, 80, 0, "rr", 0);

        assertEquals(0, v4.persistentTimeout());
        assertEquals(0xFFFF_FFFFL, v4.netmaskLo());
        assertEquals(-1L, v6.netmaskHi());
        assertEquals(-1L, v6.netmaskLo());
        assertEquals("", v4.persistenceEngine());
    }

    @Test
    void persistenceSettingsGiveTheMaskTheScheduleUses() {
        VirtualService vs = new VirtualService(registry, 6, 17, 1, 1, 5060, 0, "rr", VirtualService.SVC_F_PERSISTENT);

        vs.setPersistence(600, 56, "sip");

        assertEquals(600, vs.persistentTimeout());
        assertEquals(56, vs.netmask());
        assertEquals(0xFFFF_FFFF_FFFF_FF00L, vs.netmaskHi());
        assertEquals(0, vs.netmaskLo());
        assertEquals("sip", vs.persistenceEngine());
    }
}
