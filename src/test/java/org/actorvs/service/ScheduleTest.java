package org.actorvs.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void anIpv4NetmaskIsTheLowWordAsIs() {
        assertEquals(0, Schedule.netmaskHi(4, 0xFFFF_FF00));
        assertEquals(0xFFFF_FF00L, Schedule.netmaskLo(4, 0xFFFF_FF00));
    }

    @Test
    void anIpv6PrefixLengthBecomesAMaskOverBothWords() {
        assertEquals(0xFFFF_FFFF_FFFF_0000L, Schedule.netmaskHi(6, 48));
        assertEquals(0, Schedule.netmaskLo(6, 48));
        assertEquals(-1L, Schedule.netmaskHi(6, 96));
        assertEquals(0xFFFF_FFFF_0000_0000L, Schedule.netmaskLo(6, 96));
        assertEquals(-1L, Schedule.netmaskLo(6, 128));
        assertEquals(0, Schedule.netmaskLo(6, 64));
    }

    @Test
    void onlyTheSipEngineNameKeysTemplatesByCallId() {
        Schedule sip = new Schedule(4, 17, 0, 1, 5060, 0, 1, 360, 0, -1L, "sip", null, java.util.List.of());
        Schedule none = new Schedule(4, 17, 0, 1, 5060, 0, 1, 360, 0, -1L, "", null, java.util.List.of());

        assertEquals(true, sip.peSip());
        assertEquals(false, none.peSip());
    }
}
