package org.actorvs.app;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.packet.IpProtocol;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The FTP helper of ip_vs_ftp.c, for NAT services. It watches the control connection and announces
 * each data connection before it starts, controlled by the control connection:
 * <ul>
 * <li>Active mode: a client's {@code PORT a,b,c,d,p1,p2} (IPv4) or {@code EPRT |af|addr|port|} creates
 * client addr:port &harr; VIP:(vport-1) forwarded to RS:(dport-1), in LISTEN, so the server's
 * connection from its port 20 is translated as a reply. The command itself is left as it is.</li>
 * <li>Passive mode: after the client's {@code PASV} (IPv4) or {@code EPSV}, the server's {@code 227}
 * reply gets the VIP in place of the real server's address, and a {@code 229} reply is reduced to
 * {@code |||port|}; a client-port-less entry client:0 &harr; VIP:port &rarr; RS:port (NO_CPORT) in
 * LISTEN takes the client's data connection, whose first packet fills in the port.</li>
 * </ul>
 * Only ESTABLISHED control connections are inspected. Keywords must start the segment (PASV and
 * EPSV may be anywhere in it); a command split over segments or malformed is left alone and
 * counted ({@link AppConnections#malformed()}).
 *
 * <p>The kernel now rewrites 227 replies through conntrack NAT; this director has no conntrack, so
 * it rewrites them itself and reports the length change to the IPVS sequence adjustment, as kernels
 * did before conntrack took over (the 2.6 ip_vs_ftp.c).
 */
public final class FtpHelper implements AppHelper {
    /** The module parameter's default port list. */
    public static final int DEFAULT_PORT = 21;
    /** IP_VS_APP_MAX_PORTS: at most this many ports per helper. */
    public static final int MAX_PORTS = 8;

    // cp->app_data values (the kernel's IP_VS_FTP_* modes).
    static final int ACTIVE = 0;
    static final int PASV = 1;
    static final int EPSV = 3;

    /** The longest text a reply gets: "255,255,255,255,255,255". */
    private static final int TEXT_CAPACITY = 32;

    /**
     * __ip_vs_ftp_init(): registers the helper and one incarnation per port (0 entries are skipped).
     * Returns the helper; throws when more than {@value #MAX_PORTS} ports are given or a port is
     * taken by another helper.
     */
    public static FtpHelper register(AppRegistry registry, int... ports) {
        if (ports.length > MAX_PORTS) {
            throw new IllegalArgumentException("at most " + MAX_PORTS + " FTP ports: " + ports.length);
        }
        FtpHelper helper = new FtpHelper();
        if (!registry.register(helper)) {
            throw new IllegalStateException("an application helper named ftp is registered already");
        }
        for (int port : ports) {
            if (port != 0 && !registry.registerIncarnation(helper, port)) {
                registry.unregister(helper);
                throw new IllegalStateException("TCP port " + port + " has a helper already");
            }
        }
        return helper;
    }

    /** Per-shard scratch: the parse result and the reply text being built. */
    private static final class Scratch {
        final FtpText.Address address = new FtpText.Address();
        final UnsafeBuffer text = new UnsafeBuffer(new byte[TEXT_CAPACITY]);
    }

    @Override
    public String name() {
        return "ftp";
    }

    @Override
    public int protocol() {
        return IpProtocol.TCP;
    }

    @Override
    public Object newShardState() {
        return new Scratch();
    }

    /** ip_vs_ftp_init_conn(): the control connection is marked "use conntrack", as the kernel's. */
    @Override
    public void initConnection(AppPacket context, int connection) {
        ConnectionTable t = context.table();
        t.setFlags(connection, t.flags(connection) | ConnFlags.NFCT);
    }

    /** ip_vs_ftp_in(): PASV/EPSV noted; PORT/EPRT announce the server's active data connection. */
    @Override
    public int packetIn(AppPacket p) {
        if (!p.established() || p.payloadLength() <= 0) {
            return ACCEPT;
        }
        DirectBuffer b = p.buffer();
        int data = p.payloadOffset();
        int limit = data + p.payloadLength();
        int af = p.af();
        for (int i = data; i <= limit - 6; i++) {
            if (af == 4 && FtpText.startsWith(b, i, 6, FtpText.PASV_LINE)) {
                p.appData(PASV);
                return ACCEPT;
            }
            int next = b.getByte(i + 4);
            if (FtpText.startsWith(b, i, 4, FtpText.EPSV) && (next == ' ' || next == '\r')) {
                if (next == ' ') {
                    if (i > limit - 7) {
                        p.countMalformed();
                        return ACCEPT;
                    }
                    // "EPSV 1" / "EPSV 2" must name the control connection's family; "EPSV ALL" is not handled.
                    int family = b.getByte(i + 5);
                    if (b.getByte(i + 6) != '\r' || family != (af == 6 ? '2' : '1')) {
                        return ACCEPT;
                    }
                }
                p.appData(EPSV);
                return ACCEPT;
            }
        }
        Scratch x = (Scratch) p.shardState();
        FtpText.Address a = x.address;
        int port = af == 4
                ? FtpText.addressAndPort(b, data, limit, FtpText.PORT, ' ', false, false, af, a) : FtpText.NO_MATCH;
        if (port != FtpText.MATCH) {
            int eprt = FtpText.addressAndPort(b, data, limit, FtpText.EPRT, ' ', true, false, af, a);
            if (port == FtpText.MALFORMED || eprt == FtpText.MALFORMED) {
                p.countMalformed();
            }
            if (eprt != FtpText.MATCH) {
                return ACCEPT;
            }
        }
        p.appData(ACTIVE);
        ConnectionTable t = p.table();
        int cp = p.connection();
        int vport = t.vport(cp) - 1;
        int n = t.lookupIn(IpProtocol.TCP, af, a.hi, a.lo, a.port, t.vaddrHi(cp), t.vaddrLo(cp), vport);
        if (n == ConnectionTable.NONE) {
            n = p.newRelatedConnection(a.hi, a.lo, a.port, t.vaddrHi(cp), t.vaddrLo(cp), vport,
                    t.daddrHi(cp), t.daddrLo(cp), t.dport(cp) - 1, ConnFlags.NFCT);
            if (n == ConnectionTable.NONE) {
                return DROP;
            }
        }
        p.listen(n);
        return ACCEPT;
    }

    /** ip_vs_ftp_out(): after PASV/EPSV, the 227/229 reply announces the passive data connection. */
    @Override
    public int packetOut(AppPacket p) {
        int mode = p.appData();
        if (!p.established() || (mode != PASV && mode != EPSV) || p.payloadLength() <= 0) {
            return ACCEPT;
        }
        DirectBuffer b = p.buffer();
        int data = p.payloadOffset();
        int limit = data + p.payloadLength();
        int af = p.af();
        ConnectionTable t = p.table();
        int cp = p.connection();
        Scratch x = (Scratch) p.shardState();
        FtpText.Address a = x.address;
        int found;
        if (mode == PASV) {
            found = FtpText.addressAndPort(b, data, limit, FtpText.REPLY_227, '(', false, false, af, a);
        } else {
            // The 229 reply normally names no address: the data connection goes to this real server.
            a.set(af, t.daddrHi(cp), t.daddrLo(cp));
            found = FtpText.addressAndPort(b, data, limit, FtpText.REPLY_229, '(', true, true, af, a);
        }
        if (found != FtpText.MATCH) {
            if (found == FtpText.MALFORMED) {
                p.countMalformed();
            }
            return ACCEPT;
        }
        long cHi = t.caddrHi(cp);
        long cLo = t.caddrLo(cp);
        int n = t.lookupOut(IpProtocol.TCP, af, a.hi, a.lo, a.port, cHi, cLo, 0);
        if (n == ConnectionTable.NONE) {
            n = p.newRelatedConnection(cHi, cLo, 0, t.vaddrHi(cp), t.vaddrLo(cp), a.port, a.hi, a.lo, a.port,
                    ConnFlags.NO_CPORT | ConnFlags.NFCT);
            if (n == ConnectionTable.NONE) {
                return DROP;
            }
        }
        int length = mode == PASV
                ? FtpText.putCommaAddress(x.text, 0, (int) t.vaddrLo(n), t.vport(n))
                : FtpText.putExtendedPort(x.text, 0, t.vport(n));
        int oldLength = a.end - a.start;
        if ((length != oldLength || !FtpText.sameBytes(b, a.start, x.text, 0, length))
                && !p.replace(a.start, oldLength, x.text, 0, length)) {
            return DROP;
        }
        p.appData(ACTIVE);
        p.listen(n);
        return ACCEPT;
    }
}
