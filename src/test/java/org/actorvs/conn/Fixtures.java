package org.actorvs.conn;

/** Addresses and a table factory shared by the connection-table tests. */
final class Fixtures {
    static final long SECOND = 1_000_000_000L;
    static final long TICK = 1_000_000L;
    static final int TCP = 6;
    static final int UDP = 17;
    static final long CLIENT = ipv4(10, 0, 0, 1);
    static final long VIP = ipv4(192, 168, 0, 10);
    static final long RIP = ipv4(172, 16, 0, 5);
    static final int VPORT = 80;
    static final int DPORT = 8080;
    // 2001:db8::1, 2001:db8::100, fd00::5
    static final long C6_HI = 0x20010DB800000000L;
    static final long C6_LO = 0x1L;
    static final long V6_HI = 0x20010DB800000000L;
    static final long V6_LO = 0x100L;
    static final long R6_HI = 0xFD00000000000000L;
    static final long R6_LO = 0x5L;

    private Fixtures() {
    }

    static long ipv4(int a, int b, int c, int d) {
        return (long) a << 24 | b << 16 | c << 8 | d;
    }

    static ConnectionTable table(int capacity, DestinationCounters counters) {
        return new ConnectionTable(capacity, TICK, counters, new Timeouts(), 7);
    }

    /** TCP CLIENT:cport -> VIP:80 -> RIP:8080. */
    static int insert(ConnectionTable t, int cport, int flags, int destId, int control, long now) {
        return t.insert(TCP, 4, 0, CLIENT, cport, 0, VIP, VPORT, 0, RIP, DPORT, flags, destId, control, now);
    }

    /** TCP [2001:db8::1]:40000 -> [2001:db8::100]:443 -> [fd00::5]:8443. */
    static int insertIpv6(ConnectionTable t, int flags, int destId) {
        return t.insert(TCP, 6, C6_HI, C6_LO, 40000, V6_HI, V6_LO, 443, R6_HI, R6_LO, 8443,
                flags, destId, ConnectionTable.NONE, 0);
    }

    /** The template of CLIENT for VIP:80, sending it to RIP:8080. */
    static int insertTemplate(ConnectionTable t, int destId, long now) {
        return t.insert(TCP, 4, 0, CLIENT, 0, 0, VIP, VPORT, 0, RIP, DPORT, ConnFlags.TEMPLATE,
                destId, ConnectionTable.NONE, now);
    }
}
