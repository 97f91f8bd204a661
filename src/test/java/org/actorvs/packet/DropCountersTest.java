package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DropCountersTest {
    @Test
    void countsEachReasonAndTotalsOnlyDrops() {
        final DropCounters counters = new DropCounters();
        counters.increment(DropReason.OK.code());
        counters.increment(DropReason.TRUNCATED.code());
        counters.increment(DropReason.TRUNCATED.code());
        counters.increment(DropReason.BAD_L4_CHECKSUM.code());
        assertEquals(1, counters.get(DropReason.OK));
        assertEquals(2, counters.get(DropReason.TRUNCATED));
        assertEquals(1, counters.get(DropReason.BAD_L4_CHECKSUM));
        assertEquals(0, counters.get(DropReason.BAD_ARP));
        assertEquals(3, counters.total());
    }

    @Test
    void reasonCodesAreDenseAndRoundTrip() {
        for (int code = 0; code < DropReason.COUNT; code++) {
            assertEquals(code, DropReason.of(code).code());
        }
        assertEquals(DropReason.OK, DropReason.of(0));
        assertThrows(IllegalArgumentException.class, () -> DropReason.of(DropReason.COUNT));
    }
}
