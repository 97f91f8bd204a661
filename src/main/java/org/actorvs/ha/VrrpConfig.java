package org.actorvs.ha;

import java.util.Arrays;

/**
 * One virtual router as keepalived's vrrp_instance configures it (IPv4, multicast).
 *
 * @param version           2 (RFC 3768, keepalived's default vrrp_version) or 3 (RFC 5798)
 * @param vrid              virtual_router_id, 1..255
 * @param priority          1..255; 255 is the address owner
 * @param intervalCentis    advert_int in centiseconds: v2 carries whole seconds (100..25500), v3 1..4095
 * @param preempt           keepalived preempts unless nopreempt is given
 * @param preemptDelayNanos keepalived's preempt_delay: how long a backup tolerates a lower-priority
 *                          master after it started or first saw one; 0 preempts at once
 * @param authType          v2 only: {@link VrrpFlyweight#AUTH_NONE} or {@link VrrpFlyweight#AUTH_SIMPLE_TEXT}
 * @param authData          v2 PASS: the password, zero-padded to 8 bytes (keepalived's auth_data)
 * @param vips              virtual_ipaddress, in advertisement order
 * @param primaryAddress    this router's address on the LAN: the advert source, the tie-breaker
 */
public record VrrpConfig(int version, int vrid, int priority, int intervalCentis, boolean preempt,
        long preemptDelayNanos, int authType, byte[] authData, int[] vips, int primaryAddress) {
    /** keepalived's defaults (vrrp_data.c, global_data.c): v2, priority 100, advert_int 1, preempt. */
    public static final int DEFAULT_PRIORITY = 100;
    public static final int DEFAULT_INTERVAL_CENTIS = 100;
    /** v3's interval field is 12 bits of centiseconds. */
    public static final int MAX_V3_INTERVAL_CENTIS = VrrpFlyweight.MAX_ADVER_INT_MASK;
    private static final int MAX_V2_INTERVAL_CENTIS = 255 * 100;

    public VrrpConfig {
        if (version != VrrpFlyweight.VERSION_2 && version != VrrpFlyweight.VERSION_3) {
            throw new IllegalArgumentException("VRRP version " + version + " is not 2 or 3");
        }
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("virtual router id " + vrid + " is outside 1..255");
        }
        if (priority < 1 || priority > VrrpFlyweight.PRIORITY_OWNER) {
            throw new IllegalArgumentException("priority " + priority + " is outside 1..255");
        }
        if (version == VrrpFlyweight.VERSION_2
                ? intervalCentis < 100 || intervalCentis > MAX_V2_INTERVAL_CENTIS || intervalCentis % 100 != 0
                : intervalCentis < 1 || intervalCentis > MAX_V3_INTERVAL_CENTIS) {
            throw new IllegalArgumentException("advert interval " + intervalCentis + " cs does not fit VRRPv" + version
                    + (version == VrrpFlyweight.VERSION_2 ? " (whole seconds, 1..255)" : " (1..4095 cs)"));
        }
        if (preemptDelayNanos < 0) {
            throw new IllegalArgumentException("negative preempt delay");
        }
        if (authType != VrrpFlyweight.AUTH_NONE
                && (authType != VrrpFlyweight.AUTH_SIMPLE_TEXT || version != VrrpFlyweight.VERSION_2)) {
            throw new IllegalArgumentException("authentication type " + authType + " is not supported for VRRPv" + version);
        }
        authData = authData == null ? new byte[VrrpFlyweight.AUTH_DATA_LENGTH] : authData.clone();
        if (authData.length != VrrpFlyweight.AUTH_DATA_LENGTH) {
            throw new IllegalArgumentException("authentication data must be 8 bytes, not " + authData.length);
        }
        if (vips.length < 1 || vips.length > 255) {
            throw new IllegalArgumentException(vips.length + " virtual addresses: 1..255 fit an advertisement");
        }
        vips = vips.clone();
        if (primaryAddress == 0) {
            throw new IllegalArgumentException("a virtual router needs a primary address on its LAN");
        }
    }

    /** keepalived's defaults for a vrrp_instance with these addresses. */
    public static VrrpConfig keepalivedDefaults(int vrid, int primaryAddress, int... vips) {
        return new VrrpConfig(VrrpFlyweight.VERSION_2, vrid, DEFAULT_PRIORITY, DEFAULT_INTERVAL_CENTIS, true, 0,
                VrrpFlyweight.AUTH_NONE, null, vips, primaryAddress);
    }

    public VrrpConfig withPriority(int p) {
        return new VrrpConfig(version, vrid, p, intervalCentis, preempt, preemptDelayNanos, authType, authData, vips,
                primaryAddress);
    }

    public VrrpConfig withVersion(int v, int centis) {
        return new VrrpConfig(v, vrid, priority, centis, preempt, preemptDelayNanos, authType, authData, vips,
                primaryAddress);
    }

    public VrrpConfig withPreempt(boolean on, long delayNanos) {
        return new VrrpConfig(version, vrid, priority, intervalCentis, on, delayNanos, authType, authData, vips,
                primaryAddress);
    }

    /** keepalived's "auth_type PASS" with "auth_pass": at most 8 characters, zero-padded. */
    public VrrpConfig withPassword(String password) {
        final byte[] bytes = password.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (bytes.length > VrrpFlyweight.AUTH_DATA_LENGTH) {
            throw new IllegalArgumentException("auth_pass is longer than 8 characters");
        }
        return new VrrpConfig(version, vrid, priority, intervalCentis, preempt, preemptDelayNanos,
                VrrpFlyweight.AUTH_SIMPLE_TEXT, Arrays.copyOf(bytes, VrrpFlyweight.AUTH_DATA_LENGTH), vips,
                primaryAddress);
    }

    /** The interval in nanoseconds. */
    public long intervalNanos() {
        return intervalCentis * 10_000_000L;
    }

    @Override
    public byte[] authData() {
        return authData.clone();
    }

    @Override
    public int[] vips() {
        return vips.clone();
    }

    /** Allocation-free read for the packet path. */
    int vip(int i) {
        return vips[i];
    }

    int vipCount() {
        return vips.length;
    }

    byte authByte(int i) {
        return authData[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VrrpConfig c && version == c.version && vrid == c.vrid && priority == c.priority
                && intervalCentis == c.intervalCentis && preempt == c.preempt
                && preemptDelayNanos == c.preemptDelayNanos && authType == c.authType
                && Arrays.equals(authData, c.authData) && Arrays.equals(vips, c.vips)
                && primaryAddress == c.primaryAddress;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(vips) + vrid;
    }

    @Override
    public String toString() {
        return "VrrpConfig[v" + version + " vrid " + vrid + " priority " + priority + " interval " + intervalCentis
                + " cs preempt " + preempt + " delay " + preemptDelayNanos + " ns auth " + authType + " vips "
                + vips.length + "]";
    }
}
