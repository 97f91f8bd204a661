package org.actorvs.service;

import java.net.InetAddress;
import java.util.List;

/**
 * Gives a packet its firewall mark from the match rules of the firewall-mark services, as an
 * iptables mangle chain of {@code -j MARK --set-mark N} rules each followed by a RETURN would: the
 * first rule that matches wins, in configuration order (services in the order given, each service's
 * rules in its own order). A packet no rule matches gets 0 and is looked up as an address service.
 *
 * <p>Immutable and compiled once, off the packet path, into parallel primitive arrays; a lookup
 * walks them without allocating. Addresses follow the hot-path convention (af, hi, lo).
 */
public final class FwmarkClassifier {
    public static final FwmarkClassifier EMPTY = new FwmarkClassifier(List.of());

    private static final int TCP_BIT = 1;
    private static final int UDP_BIT = 2;
    private static final int SCTP_BIT = 4;

    private final int[] af;
    private final int[] protocols;
    private final int[] mark;
    private final long[] dstHi;
    private final long[] dstLo;
    private final long[] dstMaskHi;
    private final long[] dstMaskLo;
    private final long[] srcHi;
    private final long[] srcLo;
    private final long[] srcMaskHi;
    private final long[] srcMaskLo;
    /** Rule r's port ranges are rangeFrom/rangeTo[portsStart[r] .. portsStart[r + 1]); none = any port. */
    private final int[] portsStart;
    private final int[] rangeFrom;
    private final int[] rangeTo;

    /** Compiles the match rules of the firewall-mark schedules among {@code schedules}. */
    public static FwmarkClassifier of(List<Schedule> schedules) {
        return schedules.stream().anyMatch(s -> s.fwmark() != 0 && !s.matchRules().isEmpty())
                ? new FwmarkClassifier(schedules) : EMPTY;
    }

    private FwmarkClassifier(List<Schedule> schedules) {
        int rules = 0;
        int ranges = 0;
        for (Schedule s : schedules) {
            if (s.fwmark() != 0) {
                for (FwmarkRule r : s.matchRules()) {
                    rules++;
                    ranges += r.destinationPorts().size();
                }
            }
        }
        af = new int[rules];
        protocols = new int[rules];
        mark = new int[rules];
        dstHi = new long[rules];
        dstLo = new long[rules];
        dstMaskHi = new long[rules];
        dstMaskLo = new long[rules];
        srcHi = new long[rules];
        srcLo = new long[rules];
        srcMaskHi = new long[rules];
        srcMaskLo = new long[rules];
        portsStart = new int[rules + 1];
        rangeFrom = new int[ranges];
        rangeTo = new int[ranges];
        int r = 0;
        int p = 0;
        for (Schedule s : schedules) {
            if (s.fwmark() == 0) {
                continue;
            }
            for (FwmarkRule rule : s.matchRules()) {
                af[r] = rule.af();
                mark[r] = s.fwmark();
                for (ServiceKey.Protocol proto : rule.protocols()) {
                    protocols[r] |= bit(proto.ipProtocol());
                }
                dstHi[r] = hi(rule.destination());
                dstLo[r] = lo(rule.destination());
                dstMaskHi[r] = Schedule.netmaskHi(rule.af(), prefixMask(rule.af(), rule.destinationPrefix()));
                dstMaskLo[r] = Schedule.netmaskLo(rule.af(), prefixMask(rule.af(), rule.destinationPrefix()));
                srcHi[r] = hi(rule.source());
                srcLo[r] = lo(rule.source());
                srcMaskHi[r] = Schedule.netmaskHi(rule.af(), prefixMask(rule.af(), rule.sourcePrefix()));
                srcMaskLo[r] = Schedule.netmaskLo(rule.af(), prefixMask(rule.af(), rule.sourcePrefix()));
                portsStart[r] = p;
                for (FwmarkRule.PortRange range : rule.destinationPorts()) {
                    rangeFrom[p] = range.from();
                    rangeTo[p] = range.to();
                    p++;
                }
                r++;
            }
        }
        portsStart[rules] = p;
    }

    /** Number of compiled rules. */
    public int size() {
        return mark.length;
    }

    /** The mark of the first rule the packet matches, or 0 when none does. */
    public int mark(int packetAf, int protocol, long sHi, long sLo, long dHi, long dLo, int dport) {
        int protocolBit = bit(protocol);
        for (int r = 0; r < mark.length; r++) {
            if (af[r] == packetAf && (protocols[r] & protocolBit) != 0
                    && (dHi & dstMaskHi[r]) == dstHi[r] && (dLo & dstMaskLo[r]) == dstLo[r]
                    && (sHi & srcMaskHi[r]) == srcHi[r] && (sLo & srcMaskLo[r]) == srcLo[r]
                    && portMatches(r, dport)) {
                return mark[r];
            }
        }
        return 0;
    }

    private boolean portMatches(int r, int dport) {
        int from = portsStart[r];
        int to = portsStart[r + 1];
        if (from == to) {
            return true;
        }
        for (int i = from; i < to; i++) {
            if (dport >= rangeFrom[i] && dport <= rangeTo[i]) {
                return true;
            }
        }
        return false;
    }

    private static int bit(int protocol) {
        switch (protocol) {
            case 6:
                return TCP_BIT;
            case 17:
                return UDP_BIT;
            case 132:
                return SCTP_BIT;
            default:
                return 0;
        }
    }

    /** A prefix length in the encoding of {@link ServiceSpec#netmask()}: the IPv4 mask, or the IPv6 length. */
    private static int prefixMask(int af, int prefix) {
        return af == 6 ? prefix : (int) (0xFFFF_FFFF_0000_0000L >>> prefix);
    }

    private static long hi(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 ? 0 : word(b, 0);
    }

    private static long lo(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 ? word(b, 0) >>> 32 : word(b, 8);
    }

    private static long word(byte[] b, int from) {
        long w = 0;
        for (int i = 0; i < 8; i++) {
            w = w << 8 | (from + i < b.length ? b[from + i] & 0xFF : 0);
        }
        return w;
    }
}
