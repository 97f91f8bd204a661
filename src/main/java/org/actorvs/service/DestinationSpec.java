package org.actorvs.service;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * Configuration of one real server of a virtual service, the fields ipvsadm's {@code -a}/{@code -e}
 * set (struct ip_vs_dest_user_kern). Cold-path record; the runtime destination is built from it.
 *
 * <p>Tunnel fields (ipvsadm 1.30+) only mean something for {@link Forward#TUNNEL}; every other
 * method carries IPIP / port 0 / NOCSUM, which is what ipvsadm sends for them.
 *
 * @param address         real server address (may differ in family from the service only when
 *                        tunnelling, checked by {@link RuleSet})
 * @param port            real server port 0..65535
 * @param forward         forwarding method (ipvsadm default {@link Forward#DROUTE}, {@code -g})
 * @param weight          0..65535 (0 = quiescent); ipvsadm default 1
 * @param upperThreshold  0..Integer.MAX_VALUE, 0 = no limit
 * @param lowerThreshold  0..Integer.MAX_VALUE; more than upperThreshold is rejected, as the
 *                        kernel's ip_vs_add_dest()/ip_vs_edit_dest() do (ERANGE) even when the upper
 *                        threshold is 0
 * @param tunnelType      encapsulation for TUNNEL
 * @param tunnelPort      GUE destination port 1..65535; 0 for every other type
 * @param tunnelChecksum  checksum mode for GUE (any) and GRE (NOCSUM or CSUM)
 */
public record DestinationSpec(InetAddress address, int port, Forward forward, int weight,
                              int upperThreshold, int lowerThreshold,
                              TunnelType tunnelType, int tunnelPort, TunnelChecksum tunnelChecksum) {

    public static final int DEFAULT_WEIGHT = 1;
    public static final int MAX_WEIGHT = 65535;

    /**
     * Forwarding method, declared in the order of the kernel's IP_VS_CONN_F_FWD_MASK values so that
     * {@link #kernelValue()} is the ordinal. Kept local to the configuration records; the runtime has
     * its own enum.
     */
    public enum Forward {
        MASQ, LOCALNODE, TUNNEL, DROUTE;

        public int kernelValue() {
            return ordinal();
        }
    }

    /** Tunnel encapsulation, in the order of the IP_VS_CONN_F_TUNNEL_TYPE_* values. */
    public enum TunnelType {
        IPIP, GUE, GRE;

        public int kernelValue() {
            return ordinal();
        }
    }

    /** Tunnel checksum mode: NOCSUM is no flag, then IP_VS_TUNNEL_ENCAP_FLAG_CSUM (1) and _REMCSUM (2). */
    public enum TunnelChecksum {
        NOCSUM, CSUM, REMCSUM;

        public int kernelValue() {
            return ordinal();
        }
    }

    public DestinationSpec {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(tunnelType, "tunnelType");
        Objects.requireNonNull(tunnelChecksum, "tunnelChecksum");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0..65535: " + port);
        }
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight out of range 0..65535: " + weight);
        }
        if (upperThreshold < 0 || lowerThreshold < 0) {
            throw new IllegalArgumentException("thresholds must not be negative");
        }
        if (lowerThreshold > upperThreshold) {
            throw new IllegalArgumentException("lower threshold " + lowerThreshold
                    + " is higher than upper threshold " + upperThreshold);
        }
        checkTunnel(forward, tunnelType, tunnelPort, tunnelChecksum);
    }

    private static void checkTunnel(Forward forward, TunnelType type, int port, TunnelChecksum csum) {
        boolean plain = type == TunnelType.IPIP && port == 0 && csum == TunnelChecksum.NOCSUM;
        if (forward != Forward.TUNNEL || type == TunnelType.IPIP) {
            if (!plain) {
                throw new IllegalArgumentException("tunnel options need -i with --tun-type gue or gre");
            }
        } else if (type == TunnelType.GUE) {
            if (port < 1 || port > 65535) {
                // as ip_vs_add_dest(): "tunnel port is zero" (EINVAL)
                throw new IllegalArgumentException("GUE needs a tunnel port 1..65535");
            }
        } else if (port != 0 || csum == TunnelChecksum.REMCSUM) {
            throw new IllegalArgumentException("GRE takes no tunnel port and no remote checksum");
        }
    }

    /** A direct-routing destination with weight 1 and no thresholds: ipvsadm's defaults. */
    public static DestinationSpec of(InetAddress address, int port) {
        return new DestinationSpec(address, port, Forward.DROUTE, DEFAULT_WEIGHT, 0, 0,
                TunnelType.IPIP, 0, TunnelChecksum.NOCSUM);
    }

    /** Address family in the hot-path convention: 4 or 6. */
    public int af() {
        return address instanceof Inet6Address ? 6 : 4;
    }

    public long addressHi() {
        return ServiceKey.hi(address);
    }

    public long addressLo() {
        return ServiceKey.lo(address);
    }

    /** This destination with another forwarding method; tunnel settings reset to IPIP defaults. */
    public DestinationSpec withForward(Forward method) {
        return new DestinationSpec(address, port, method, weight, upperThreshold, lowerThreshold,
                TunnelType.IPIP, 0, TunnelChecksum.NOCSUM);
    }

    public DestinationSpec withWeight(int w) {
        return new DestinationSpec(address, port, forward, w, upperThreshold, lowerThreshold,
                tunnelType, tunnelPort, tunnelChecksum);
    }

    public DestinationSpec withThresholds(int upper, int lower) {
        return new DestinationSpec(address, port, forward, weight, upper, lower,
                tunnelType, tunnelPort, tunnelChecksum);
    }

    /** A tunnelling destination ({@code -i}) with the given encapsulation. */
    public DestinationSpec withTunnel(TunnelType type, int tunPort, TunnelChecksum csum) {
        return new DestinationSpec(address, port, Forward.TUNNEL, weight, upperThreshold, lowerThreshold,
                type, tunPort, csum);
    }
}
