package org.actorvs.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrafficCountersTest {

    @Test
    void firstConnectionOfADestinationIdBeyondTheInitialArrayIsCounted() {
        TrafficCounters counters = new TrafficCounters();
        counters.connection(500);
        counters.connection(500);
        assertEquals(2, counters.connections(500));
        assertEquals(0, counters.connections(499));
    }
}
