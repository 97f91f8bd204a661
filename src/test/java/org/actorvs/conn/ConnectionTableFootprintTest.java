package org.actorvs.conn;

import static org.actorvs.conn.ConnectionTable.NONE;
import static org.actorvs.conn.Fixtures.DPORT;
import static org.actorvs.conn.Fixtures.RIP;
import static org.actorvs.conn.Fixtures.TCP;
import static org.actorvs.conn.Fixtures.VIP;
import static org.actorvs.conn.Fixtures.VPORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectionTableFootprintTest {

    private static final int MILLION = 1_000_000;

    @Test
    void millionIpv4ConnectionsTakeAtMost64BytesEach() {
        ConnectionTable t = new ConnectionTable(MILLION, Fixtures.TICK, DestinationCounters.NONE);
        for (int i = 0; i < MILLION; i++) {
            int e = t.insert(TCP, 4, 0, client(i), port(i), 0, VIP, VPORT, 0, RIP, DPORT,
                    ConnFlags.MASQ | ConnFlags.INACTIVE, 0, NONE, 0);
            assertTrue(e != NONE);
        }
        assertEquals(MILLION, t.size());
        for (int i = 0; i < MILLION; i += 997) {
            assertTrue(t.lookupIn(TCP, 4, 0, client(i), port(i), 0, VIP, VPORT) != NONE);
        }
        long bytes = t.footprintBytes();
        System.out.printf("ConnectionTable footprint at %,d IPv4 connections: %,d bytes = %.2f bytes/connection%n",
                MILLION, bytes, (double) bytes / MILLION);
        assertTrue(bytes <= 64L * MILLION, "footprint " + bytes + " exceeds 64,000,000 bytes");
    }

    private static long client(int i) {
        return 0x0A000000L | i >>> 4;
    }

    private static int port(int i) {
        return 1024 + (i & 15);
    }
}
