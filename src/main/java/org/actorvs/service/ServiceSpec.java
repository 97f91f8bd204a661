package org.actorvs.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of one virtual service, the fields ipvsadm's {@code -A}/{@code -E} set
 * (struct ip_vs_service_user_kern), plus the user-space match rules of a fwmark service.
 *
 * @param key               which service
 * @param scheduler         scheduler name (ipvsadm default {@value #DEFAULT_SCHEDULER})
 * @param schedFlags        scheduler flags, a subset of {@link #SCHED_FLAGS_MASK}: flag-1 0x8
 *                          (sh-fallback, mh-fallback), flag-2 0x10 (sh-port, mh-port), flag-3 0x20
 * @param persistTimeout    persistence timeout in seconds 1..{@value #MAX_TIMEOUT}, or 0 when the
 *                          service is not persistent
 * @param netmask           persistence granularity: for IPv4 the mask as an unsigned 32-bit value
 *                          (a.b.c.d = a&lt;&lt;24|b&lt;&lt;16|c&lt;&lt;8|d, default 255.255.255.255 = -1), for IPv6 the
 *                          prefix length 1..128 (default 128) — the kernel's own encoding. A
 *                          non-persistent service always carries the default: the mask has no
 *                          effect there and ipvsadm does not save it
 * @param onePacket         one-packet scheduling ({@code -o}), UDP or fwmark services only
 * @param persistenceEngine persistence engine name ({@code --pe sip}), or "" for none
 * @param matchRules        for a fwmark service, the rules that assign its mark; empty otherwise
 */
public record ServiceSpec(ServiceKey key, String scheduler, int schedFlags, int persistTimeout, int netmask,
                          boolean onePacket, String persistenceEngine, List<FwmarkRule> matchRules) {

    public static final String DEFAULT_SCHEDULER = "wlc";
    /** ipvsadm's -p default, IPVS_SVC_PERSISTENT_TIMEOUT (the man page's 300 is wrong). */
    public static final int DEFAULT_PERSIST_TIMEOUT = 360;
    /** ipvsadm's MAX_TIMEOUT: 31 days. */
    public static final int MAX_TIMEOUT = 86400 * 31;
    public static final int SCHED_FLAG_1 = 0x0008;
    public static final int SCHED_FLAG_2 = 0x0010;
    public static final int SCHED_FLAG_3 = 0x0020;
    public static final int SCHED_FLAGS_MASK = SCHED_FLAG_1 | SCHED_FLAG_2 | SCHED_FLAG_3;
    public static final int DEFAULT_NETMASK_V4 = 0xFFFF_FFFF;
    public static final int DEFAULT_NETMASK_V6 = 128;
    /** IP_VS_SCHEDNAME_MAXLEN and IP_VS_PENAME_MAXLEN are 16 bytes including the NUL. */
    public static final int MAX_NAME_LENGTH = 15;

    public ServiceSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(persistenceEngine, "persistenceEngine");
        if (scheduler.isEmpty() || scheduler.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("scheduler name must be 1.." + MAX_NAME_LENGTH + " characters");
        }
        if (persistenceEngine.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("persistence engine name longer than " + MAX_NAME_LENGTH);
        }
        if ((schedFlags & ~SCHED_FLAGS_MASK) != 0) {
            throw new IllegalArgumentException("not a scheduler flag: 0x" + Integer.toHexString(schedFlags));
        }
        if (persistTimeout < 0 || persistTimeout > MAX_TIMEOUT) {
            throw new IllegalArgumentException("persistent timeout out of range 1.." + MAX_TIMEOUT);
        }
        if (persistTimeout == 0) {
            netmask = defaultNetmask(key);
        } else if (key.ipv6() && (netmask < 1 || netmask > 128)) {
            // as ip_vs_add_service(): an IPv6 persistence prefix must be 1..128 (EINVAL)
            throw new IllegalArgumentException("IPv6 persistence prefix out of range 1..128: " + netmask);
        }
        if (onePacket && !key.isFwmark() && key.protocol() != ServiceKey.Protocol.UDP) {
            throw new IllegalArgumentException("One-Packet Scheduling is only for UDP virtual services");
        }
        if (!key.isFwmark() && key.port() == 0 && persistTimeout == 0) {
            throw new IllegalArgumentException("Zero port specified for non-persistent service");
        }
        matchRules = List.copyOf(matchRules);
        if (!matchRules.isEmpty() && !key.isFwmark()) {
            throw new IllegalArgumentException("match rules belong to firewall-mark services only");
        }
        for (FwmarkRule r : matchRules) {
            if (r.af() != key.af()) {
                throw new IllegalArgumentException("match rule family differs from the service: " + r);
            }
        }
    }

    /** A service with ipvsadm's defaults: wlc, not persistent, no flags, no engine, no rules. */
    public static ServiceSpec of(ServiceKey key) {
        return new ServiceSpec(key, DEFAULT_SCHEDULER, 0, 0, defaultNetmask(key), false, "", List.of());
    }

    /** The default persistence granularity of a service's family: /32 or /128. */
    public static int defaultNetmask(ServiceKey key) {
        return key.ipv6() ? DEFAULT_NETMASK_V6 : DEFAULT_NETMASK_V4;
    }

    public boolean persistent() {
        return persistTimeout != 0;
    }

    public ServiceSpec withScheduler(String name, int flags) {
        return new ServiceSpec(key, name, flags, persistTimeout, netmask, onePacket, persistenceEngine, matchRules);
    }

    /** Persistent with the given timeout and granularity (see {@link #netmask()}). */
    public ServiceSpec withPersistence(int timeout, int mask) {
        return new ServiceSpec(key, scheduler, schedFlags, timeout, mask, onePacket, persistenceEngine, matchRules);
    }

    public ServiceSpec withOnePacket(boolean ops) {
        return new ServiceSpec(key, scheduler, schedFlags, persistTimeout, netmask, ops, persistenceEngine, matchRules);
    }

    public ServiceSpec withPersistenceEngine(String name) {
        return new ServiceSpec(key, scheduler, schedFlags, persistTimeout, netmask, onePacket, name, matchRules);
    }

    public ServiceSpec withMatchRules(List<FwmarkRule> rules) {
        return new ServiceSpec(key, scheduler, schedFlags, persistTimeout, netmask, onePacket, persistenceEngine, rules);
    }

    /** This spec with one more match rule after the existing ones. */
    public ServiceSpec withMatchRule(FwmarkRule rule) {
        List<FwmarkRule> rules = new ArrayList<>(matchRules);
        rules.add(rule);
        return withMatchRules(rules);
    }
}
