package org.actorvs.conn;

import static org.actorvs.conn.ConnectionTable.NONE;
import static org.actorvs.conn.Fixtures.C6_HI;
import static org.actorvs.conn.Fixtures.C6_LO;
import static org.actorvs.conn.Fixtures.CLIENT;
import static org.actorvs.conn.Fixtures.DPORT;
import static org.actorvs.conn.Fixtures.R6_HI;
import static org.actorvs.conn.Fixtures.R6_LO;
import static org.actorvs.conn.Fixtures.RIP;
import static org.actorvs.conn.Fixtures.TCP;
import static org.actorvs.conn.Fixtures.TICK;
import static org.actorvs.conn.Fixtures.UDP;
import static org.actorvs.conn.Fixtures.V6_HI;
import static org.actorvs.conn.Fixtures.V6_LO;
import static org.actorvs.conn.Fixtures.VIP;
import static org.actorvs.conn.Fixtures.VPORT;
import static org.actorvs.conn.Fixtures.insert;
import static org.actorvs.conn.Fixtures.insertIpv6;
import static org.actorvs.conn.Fixtures.insertTemplate;
import static org.actorvs.conn.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ConnectionTableLookupTest {

    private final ConnectionTable t = table(64, DestinationCounters.NONE);

    @Test
    void inboundLookupFindsIpv4ConnectionByItsFullKey() {
        int e = insert(t, 40000, ConnFlags.MASQ, 0, NONE, 0);
        assertEquals(e, t.lookupIn(TCP, 4, 0, CLIENT, 40000, 0, VIP, VPORT));
        assertEquals(NONE, t.lookupIn(TCP, 4, 0, CLIENT, 40001, 0, VIP, VPORT));
        assertEquals(NONE, t.lookupIn(TCP, 4, 0, CLIENT, 40000, 0, VIP, VPORT + 1));
        assertEquals(NONE, t.lookupIn(TCP, 4, 0, CLIENT, 40000, 0, RIP, VPORT));
        assertEquals(NONE, t.lookupIn(UDP, 4, 0, CLIENT, 40000, 0, VIP, VPORT));
    }

    @Test
    void inboundLookupFindsIpv6Connection() {
        int e = insertIpv6(t, ConnFlags.MASQ, 0);
        assertEquals(e, t.lookupIn(TCP, 6, C6_HI, C6_LO, 40000, V6_HI, V6_LO, 443));
        assertEquals(NONE, t.lookupIn(TCP, 6, C6_HI, C6_LO + 1, 40000, V6_HI, V6_LO, 443));
        assertEquals(NONE, t.lookupIn(TCP, 6, C6_HI, C6_LO, 40000, V6_HI + 1, V6_LO, 443));
    }

    @Test
    void ipv4EntryIsNotFoundByIpv6LookupOfTheSameLowBits() {
        insert(t, 40000, ConnFlags.MASQ, 0, NONE, 0);
        assertEquals(NONE, t.lookupIn(TCP, 6, 0, CLIENT, 40000, 0, VIP, VPORT));
    }

    @Test
    void natReplyMatchesRealServerSourceOnly() {
        int e = insert(t, 40000, ConnFlags.MASQ, 0, NONE, 0);
        assertEquals(e, t.lookupOut(TCP, 4, 0, RIP, DPORT, 0, CLIENT, 40000));
        assertEquals(NONE, t.lookupOut(TCP, 4, 0, VIP, VPORT, 0, CLIENT, 40000));
        assertEquals(NONE, t.lookupOut(TCP, 4, 0, RIP, DPORT, 0, CLIENT, 40001));
    }

    @Test
    void directRoutingReplyMatchesVirtualSourceOnly() {
        int e = insert(t, 40000, ConnFlags.DROUTE | ConnFlags.NOOUTPUT, 0, NONE, 0);
        assertEquals(e, t.lookupOut(TCP, 4, 0, VIP, VPORT, 0, CLIENT, 40000));
        assertEquals(NONE, t.lookupOut(TCP, 4, 0, RIP, DPORT, 0, CLIENT, 40000));
    }

    @Test
    void ipv6NatReplyMatchesRealServerSource() {
        int e = insertIpv6(t, ConnFlags.MASQ, 0);
        assertEquals(e, t.lookupOut(TCP, 6, R6_HI, R6_LO, 8443, C6_HI, C6_LO, 40000));
        assertEquals(NONE, t.lookupOut(TCP, 6, V6_HI, V6_LO, 443, C6_HI, C6_LO, 40000));
    }

    @Test
    void noClientPortEntryIsFoundByRetryingWithPortZero() {
        int e = insert(t, 0, ConnFlags.MASQ | ConnFlags.NO_CPORT, 0, NONE, 0);
        assertEquals(e, t.lookupIn(TCP, 4, 0, CLIENT, 5555, 0, VIP, VPORT));
        assertEquals(e, t.lookupIn(TCP, 4, 0, CLIENT, 0, 0, VIP, VPORT));
    }

    @Test
    void portZeroLookupMatchesOnlyNoClientPortEntries() {
        insert(t, 0, ConnFlags.MASQ, 0, NONE, 0);
        assertEquals(NONE, t.lookupIn(TCP, 4, 0, CLIENT, 0, 0, VIP, VPORT));
    }

    @Test
    void fillingClientPortRehashesAndEndsTheZeroPortMatch() {
        int e = insert(t, 0, ConnFlags.MASQ | ConnFlags.NO_CPORT, 0, NONE, 0);
        t.fillClientPort(e, 5555);
        assertEquals(5555, t.cport(e));
        assertEquals(0, t.flags(e) & ConnFlags.NO_CPORT);
        assertEquals(e, t.lookupIn(TCP, 4, 0, CLIENT, 5555, 0, VIP, VPORT));
        assertEquals(NONE, t.lookupIn(TCP, 4, 0, CLIENT, 6666, 0, VIP, VPORT));
        assertEquals(NONE, t.lookupIn(TCP, 4, 0, CLIENT, 0, 0, VIP, VPORT));
    }

    @Test
    void templateLookupFindsTemplatesOnly() {
        int normal = insert(t, 0, ConnFlags.MASQ, 0, NONE, 0);
        assertEquals(NONE, t.lookupTemplate(TCP, 4, 0, CLIENT, 0, 0, VIP, VPORT));
        int template = insertTemplate(t, 0, 0);
        assertNotEquals(normal, template);
        assertEquals(template, t.lookupTemplate(TCP, 4, 0, CLIENT, 0, 0, VIP, VPORT));
    }

    @Test
    void inboundLookupNeverReturnsATemplate() {
        insertTemplate(t, 0, 0);
        assertEquals(NONE, t.lookupIn(TCP, 4, 0, CLIENT, 0, 0, VIP, VPORT));
        assertEquals(NONE, t.lookupIn(TCP, 4, 0, CLIENT, 40000, 0, VIP, VPORT));
    }

    @Test
    void fwmarkTemplateIsKeyedByTheMark() {
        int e = t.insert(0, 4, 0, CLIENT, 0, 0, 7, 0, 0, RIP, 0, ConnFlags.TEMPLATE, 0, NONE, 0);
        assertEquals(e, t.lookupTemplate(0, 4, 0, CLIENT, 0, 0, 7, 0));
        assertEquals(NONE, t.lookupTemplate(0, 4, 0, CLIENT, 0, 0, 8, 0));
    }

    @Test
    void insertIntoFullTableIsRefusedAndCounted() {
        ConnectionTable small = table(2, DestinationCounters.NONE);
        insert(small, 1, 0, 0, NONE, 0);
        insert(small, 2, 0, 0, NONE, 0);
        assertEquals(NONE, insert(small, 3, 0, 0, NONE, 0));
        assertEquals(1, small.refusedFull());
        assertEquals(2, small.size());
        assertEquals(NONE, small.lookupIn(TCP, 4, 0, CLIENT, 3, 0, VIP, VPORT));
    }

    @Test
    void onePacketConnectionIsNeverHashed() {
        int e = t.insert(UDP, 4, 0, CLIENT, 53000, 0, VIP, 53, 0, RIP, 53, ConnFlags.ONE_PACKET, 0, NONE, 0);
        assertNotEquals(NONE, e);
        assertEquals(0, t.flags(e) & ConnFlags.HASHED);
        assertEquals(NONE, t.lookupIn(UDP, 4, 0, CLIENT, 53000, 0, VIP, 53));
        assertEquals(1, t.size());
    }

    @Test
    void accessorsReturnWhatWasInserted() {
        int e = insertIpv6(t, ConnFlags.TUNNEL | ConnFlags.INACTIVE, 3);
        t.setExt(e, 99);
        t.setOldState(e, 4);
        assertEquals(TCP, t.protocol(e));
        assertEquals(6, t.af(e));
        assertEquals(40000, t.cport(e));
        assertEquals(443, t.vport(e));
        assertEquals(8443, t.dport(e));
        assertEquals(C6_HI, t.caddrHi(e));
        assertEquals(C6_LO, t.caddrLo(e));
        assertEquals(V6_HI, t.vaddrHi(e));
        assertEquals(V6_LO, t.vaddrLo(e));
        assertEquals(R6_HI, t.daddrHi(e));
        assertEquals(R6_LO, t.daddrLo(e));
        assertEquals(ConnFlags.TUNNEL | ConnFlags.INACTIVE | ConnFlags.HASHED, t.flags(e));
        assertEquals(3, t.destId(e));
        assertEquals(99, t.ext(e));
        assertEquals(4, t.oldState(e));
        assertEquals(TcpStates.NONE, t.state(e));
        int v4 = insert(t, 65535, ConnFlags.MASQ, 0, NONE, 0);
        assertEquals(4, t.af(v4));
        assertEquals(65535, t.cport(v4));
        assertEquals(0, t.caddrHi(v4));
        assertEquals(CLIENT, t.caddrLo(v4));
        assertEquals(RIP, t.daddrLo(v4));
        assertEquals(Fixtures.ipv4(255, 1, 2, 3), t.vaddrLo(t.insert(TCP, 4, 0, CLIENT, 1,
                0, Fixtures.ipv4(255, 1, 2, 3), 80, 0, RIP, 80, 0, 0, NONE, 0)));
    }

    @Test
    void setFlagsKeepsHashedOwnedByTheTable() {
        int e = insert(t, 40000, ConnFlags.MASQ, 0, NONE, 0);
        t.setFlags(e, ConnFlags.DROUTE | ConnFlags.SYNC);
        assertEquals(ConnFlags.DROUTE | ConnFlags.SYNC | ConnFlags.HASHED, t.flags(e));
        assertEquals(e, t.lookupIn(TCP, 4, 0, CLIENT, 40000, 0, VIP, VPORT));
    }

    @Test
    void forEachVisitsHashedEntriesOnly() {
        int a = insert(t, 1, 0, 0, NONE, 0);
        int b = insert(t, 2, 0, 0, NONE, 0);
        t.insert(UDP, 4, 0, CLIENT, 3, 0, VIP, 53, 0, RIP, 53, ConnFlags.ONE_PACKET, 0, NONE, 0);
        t.expireNow(b);
        List<Integer> seen = new ArrayList<>();
        t.forEach(seen::add);
        assertEquals(List.of(a), seen);
    }

    /** The key a randomised operation works on: one of two address families, protocols, many clients and ports. */
    private record Key(int protocol, int af, long hi, long lo, int cport) {
    }

    @Test
    void randomisedInsertsAndDeletesAgreeWithAHashMapModel() {
        int capacity = 4096;
        ConnectionTable table = new ConnectionTable(capacity, TICK, DestinationCounters.NONE, new Timeouts(), 11);
        Map<Key, Integer> model = new HashMap<>();
        Random random = new Random(20240601);
        long now = 0;
        for (int op = 0; op < 100_000; op++) {
            Key k = randomKey(random);
            Integer expected = model.get(k);
            int choice = random.nextInt(3);
            if (expected != null && choice == 0) {
                table.expireNow(expected);
                model.remove(k);
            } else if (expected == null && choice > 0) {
                int e = table.insert(k.protocol, k.af, k.hi, k.lo, k.cport, k.hi, k.lo ^ 1, VPORT,
                        0, RIP, DPORT, ConnFlags.MASQ, -1, NONE, now);
                if (e == NONE) {
                    assertEquals(capacity, table.size(), "refused while not full");
                } else {
                    model.put(k, e);
                }
            } else {
                assertEquals(expected == null ? NONE : expected, lookup(table, k), "op " + op);
            }
            if (op % 100 == 99) {
                now += TICK;
                table.poll(now, null, Integer.MAX_VALUE);
            }
        }
        assertTrue(model.size() > capacity / 2, "the table ran well filled");
        for (int client = 0; client < 1000; client++) {
            for (int port = 1; port <= 8; port++) {
                for (int v = 0; v < 4; v++) {
                    Key k = key(client, port, v);
                    Integer expected = model.get(k);
                    assertEquals(expected == null ? NONE : expected, lookup(table, k));
                }
            }
        }
    }

    private static Key randomKey(Random random) {
        return key(random.nextInt(1000), 1 + random.nextInt(8), random.nextInt(4));
    }

    private static Key key(int client, int port, int variant) {
        int protocol = (variant & 1) == 0 ? TCP : UDP;
        return (variant & 2) == 0
                ? new Key(protocol, 4, 0, 0x0A000000L | client, port)
                : new Key(protocol, 6, C6_HI, client, port);
    }

    private static int lookup(ConnectionTable table, Key k) {
        int in = table.lookupIn(k.protocol, k.af, k.hi, k.lo, k.cport, k.hi, k.lo ^ 1, VPORT);
        assertEquals(in, table.lookupOut(k.protocol, k.af, 0, RIP, DPORT, k.hi, k.lo, k.cport),
                "inbound and outbound agree");
        return in;
    }
}
