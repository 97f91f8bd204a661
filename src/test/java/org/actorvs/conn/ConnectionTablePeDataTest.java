package org.actorvs.conn;

import static org.actorvs.conn.ConnectionTable.NONE;
import static org.actorvs.conn.Fixtures.CLIENT;
import static org.actorvs.conn.Fixtures.DPORT;
import static org.actorvs.conn.Fixtures.RIP;
import static org.actorvs.conn.Fixtures.SECOND;
import static org.actorvs.conn.Fixtures.UDP;
import static org.actorvs.conn.Fixtures.VIP;
import static org.actorvs.conn.Fixtures.insertTemplate;
import static org.actorvs.conn.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Templates carrying persistence-engine data (a SIP Call-ID) in the table's side store. */
class ConnectionTablePeDataTest {
    private static final int SIP = 5060;

    private final ConnectionTable t = table(4096, DestinationCounters.NONE);

    private static UnsafeBuffer data(String s) {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    private int insertSip(String callId, long now) {
        UnsafeBuffer b = data(callId);
        return t.insert(UDP, 4, 0, CLIENT, 0, 0, VIP, SIP, 0, RIP, SIP, ConnFlags.TEMPLATE, 0, NONE, now,
                b, 0, b.capacity());
    }

    private int lookupSip(String callId) {
        UnsafeBuffer b = data(callId);
        return t.lookupTemplate(UDP, 4, 0, CLIENT, 0, 0, VIP, SIP, b, 0, b.capacity());
    }

    @Test
    void templatesOfOneKeyAreToldApartByTheirData() {
        int a = insertSip("call-a@host", 0);
        int b = insertSip("call-b@host", 0);

        assertEquals(a, lookupSip("call-a@host"));
        assertEquals(b, lookupSip("call-b@host"));
        assertEquals(NONE, lookupSip("call-c@host"));
    }

    @Test
    void aTemplateWithDataIsNotFoundByAPlainTemplateLookupNorTheOtherWayRound() {
        insertSip("call-a@host", 0);
        assertEquals(NONE, t.lookupTemplate(UDP, 4, 0, CLIENT, 0, 0, VIP, SIP));

        int plain = t.insert(UDP, 4, 0, CLIENT, 0, 0, VIP, SIP, 0, RIP, SIP, ConnFlags.TEMPLATE, 0, NONE, 0);
        assertEquals(plain, t.lookupTemplate(UDP, 4, 0, CLIENT, 0, 0, VIP, SIP));
        assertEquals(NONE, lookupSip("other"));
    }

    @Test
    void theDataIsFreedWithItsTemplateAndItsSpaceReused() {
        for (int i = 0; i < 2000; i++) {
            insertSip("call-" + i + "@host", 0);
        }
        t.poll(10 * SECOND, null, Integer.MAX_VALUE);
        assertEquals(0, t.size());
        assertEquals(NONE, lookupSip("call-7@host"));
        long footprint = t.footprintBytes();

        for (int i = 0; i < 2000; i++) {
            insertSip("again-" + i + "@host", 20 * SECOND);
        }

        assertEquals(footprint, t.footprintBytes());
        assertNotEquals(NONE, lookupSip("again-1999@host"));
    }

    @Test
    void anInvalidatedTemplateIsFoundNoMoreAndItsKeyIsFree() {
        int old = insertTemplate(t, 0, 0);
        t.invalidateTemplate(old);

        assertEquals(NONE, t.lookupTemplate(Fixtures.TCP, 4, 0, CLIENT, 0, 0, VIP, Fixtures.VPORT));
        assertEquals(0xFFFF, t.vport(old));
        assertEquals(0xFFFF, t.dport(old));
        int replacement = insertTemplate(t, 1, 0);
        assertEquals(replacement, t.lookupTemplate(Fixtures.TCP, 4, 0, CLIENT, 0, 0, VIP, Fixtures.VPORT));
    }

    @Test
    void anEntryExpiredImmediatelyIsReleasedAtOnce() {
        int template = insertTemplate(t, 0, 0);
        int conn = insertConnection(template);

        assertEquals(true, t.expireImmediately(conn, null, 0));

        assertEquals(1, t.size());
        assertEquals(0, t.controlledCount(template));
    }

    @Test
    void anEntryExpiredImmediatelyWhileItControlsOthersIsRearmedInstead() {
        int template = insertTemplate(t, 0, 0);
        insertConnection(template);

        assertEquals(false, t.expireImmediately(template, null, 0));

        assertEquals(2, t.size());
        assertEquals(ConnectionTable.CONTROLLER_REARM_SECONDS, t.timeoutSeconds(template));
    }

    private int insertConnection(int template) {
        return t.insert(UDP, 4, 0, CLIENT, 5000, 0, VIP, SIP, 0, RIP, DPORT, ConnFlags.ONE_PACKET, 0, template, 0);
    }
}
