package org.actorvs.config;

import java.util.List;
import java.util.Objects;

import org.actorvs.config.DirectorConfig.OwnedAddress;
import org.actorvs.ha.VrrpConfig;

/**
 * The {@code vrrp} section: one keepalived-compatible virtual router whose master holds the moving
 * addresses (the VIPs, and for LVS-NAT the real servers' gateway); {@code owned-addresses} stay the
 * ones this director holds in every role.
 *
 * @param interfaceName    the interface the adverts go out on; its IPv4 address is the primary address
 * @param router           the virtual router, its advert listing every moving address in file order
 * @param virtualAddresses the moving addresses with the interface each is announced on (gratuitous
 *                         ARP on that interface, which need not be the VRRP one)
 * @param excludedAddresses moving addresses the advert does not list (keepalived's
 *                         virtual_ipaddress_excluded), IPv4 or IPv6 (unsolicited neighbour advertisements)
 * @param syncBoth         the sync daemons: false runs the master daemon only as MASTER and the backup
 *                         daemon only otherwise (keepalived's usual notify scripts); true stops neither
 *                         once started, as ipvsadm lets both run at once
 */
public record VrrpSettings(String interfaceName, VrrpConfig router, List<OwnedAddress> virtualAddresses,
        List<OwnedAddress> excludedAddresses, boolean syncBoth) {
    public VrrpSettings {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(router, "router");
        virtualAddresses = List.copyOf(virtualAddresses);
        excludedAddresses = List.copyOf(excludedAddresses);
    }
}
