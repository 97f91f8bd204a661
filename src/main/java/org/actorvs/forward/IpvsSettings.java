package org.actorvs.forward;

/**
 * The director's behaviour switches, named and defaulted as the kernel's /proc/sys/net/ipv4/vs
 * sysctls (ip_vs_ctl.c), plus the user-space choices the kernel makes elsewhere (fragment handling,
 * checksum verification). Immutable: a change is a new instance handed to every shard.
 *
 * @param expireNodestConn     expire a connection at once when a packet finds its destination gone
 * @param expireQuiescentTemplate  invalidate persistence templates of weight-0 destinations
 * @param natIcmpSend          answer a NAT real server's packet without a connection with ICMP port unreachable
 * @param sloppyTcp            let any non-RST TCP packet create a connection (a backup taking over)
 * @param connReuseMode        1: a SYN on a TIME_WAIT entry reschedules; 2 adds FIN_WAIT + NOOUTPUT; 0 off
 * @param secureTcp            use the secure_tcp ("dos") state table
 * @param pmtuDisc             copy DF into tunnel headers (1) or let tunnelled packets fragment (0)
 * @param reassembleFragments  reassemble IPv4 fragments (true) or drop and count them (false)
 * @param fragmentTimeoutNanos how long an incomplete datagram may wait for its fragments (ipfrag_time)
 * @param fragmentMemoryBytes  the most bytes incomplete datagrams may hold (ipfrag_high_thresh)
 * @param verifyChecksums      verify L3/L4 checksums of received frames (off when the NIC already did)
 */
public record IpvsSettings(
        boolean expireNodestConn,
        boolean expireQuiescentTemplate,
        boolean natIcmpSend,
        boolean sloppyTcp,
        int connReuseMode,
        boolean secureTcp,
        boolean pmtuDisc,
        boolean reassembleFragments,
        long fragmentTimeoutNanos,
        int fragmentMemoryBytes,
        boolean verifyChecksums) {

    public IpvsSettings {
        if (connReuseMode < 0 || connReuseMode > 3) {
            throw new IllegalArgumentException("conn_reuse_mode must be 0..3, not " + connReuseMode);
        }
        if (fragmentTimeoutNanos <= 0) {
            throw new IllegalArgumentException("fragment timeout must be positive");
        }
        if (fragmentMemoryBytes < 65_535) {
            throw new IllegalArgumentException("fragment memory must hold one maximal datagram (65535 bytes)");
        }
    }

    /** The kernel's defaults (ip_vs_ctl.c; ipfrag_time 30 s, ipfrag_high_thresh 4 MiB). */
    public static IpvsSettings defaults() {
        return new Builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.expireNodestConn = expireNodestConn;
        b.expireQuiescentTemplate = expireQuiescentTemplate;
        b.natIcmpSend = natIcmpSend;
        b.sloppyTcp = sloppyTcp;
        b.connReuseMode = connReuseMode;
        b.secureTcp = secureTcp;
        b.pmtuDisc = pmtuDisc;
        b.reassembleFragments = reassembleFragments;
        b.fragmentTimeoutNanos = fragmentTimeoutNanos;
        b.fragmentMemoryBytes = fragmentMemoryBytes;
        b.verifyChecksums = verifyChecksums;
        return b;
    }

    /** Starts from the kernel's defaults. */
    public static final class Builder {
        private boolean expireNodestConn;
        private boolean expireQuiescentTemplate;
        private boolean natIcmpSend;
        private boolean sloppyTcp;
        private int connReuseMode = 1;
        private boolean secureTcp;
        private boolean pmtuDisc = true;
        private boolean reassembleFragments = true;
        private long fragmentTimeoutNanos = 30_000_000_000L;
        private int fragmentMemoryBytes = 4 * 1024 * 1024;
        private boolean verifyChecksums = true;

        public Builder expireNodestConn(boolean v) { expireNodestConn = v; return this; }
        public Builder expireQuiescentTemplate(boolean v) { expireQuiescentTemplate = v; return this; }
        public Builder natIcmpSend(boolean v) { natIcmpSend = v; return this; }
        public Builder sloppyTcp(boolean v) { sloppyTcp = v; return this; }
        public Builder connReuseMode(int v) { connReuseMode = v; return this; }
        public Builder secureTcp(boolean v) { secureTcp = v; return this; }
        public Builder pmtuDisc(boolean v) { pmtuDisc = v; return this; }
        public Builder reassembleFragments(boolean v) { reassembleFragments = v; return this; }
        public Builder fragmentTimeoutNanos(long v) { fragmentTimeoutNanos = v; return this; }
        public Builder fragmentMemoryBytes(int v) { fragmentMemoryBytes = v; return this; }
        public Builder verifyChecksums(boolean v) { verifyChecksums = v; return this; }

        public IpvsSettings build() {
            return new IpvsSettings(expireNodestConn, expireQuiescentTemplate, natIcmpSend, sloppyTcp, connReuseMode,
                    secureTcp, pmtuDisc, reassembleFragments, fragmentTimeoutNanos, fragmentMemoryBytes,
                    verifyChecksums);
        }
    }
}
