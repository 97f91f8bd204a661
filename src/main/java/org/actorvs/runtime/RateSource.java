package org.actorvs.runtime;

import java.util.Optional;

import org.actorvs.service.Destination;
import org.actorvs.service.ServiceKey;

/**
 * The director's rate estimates (the kernel's ip_vs_est.c, as ipvsadm --rate reads them), given by
 * whatever samples them: the metrics package registers one with {@link Director#rateSource(RateSource)},
 * so the admin API can list rates without depending on it. Must be safe to call from any thread.
 */
public interface RateSource {

    /** Per-second rates, rounded as ip_vs_read_estimator(); the byte rates count bytes, not bits. */
    record Rates(long cps, long inpps, long outpps, long inbps, long outbps) {
    }

    /** The service's rates; empty when it has not been sampled yet. */
    Optional<Rates> service(ServiceKey key);

    /** The real server's rates (the object: a re-added server is a new one); empty when not sampled yet. */
    Optional<Rates> destination(Destination destination);

    /**
     * ipvsadm -Z of one service, as ip_vs_zero_service(): the estimators of the service and of each
     * of its real servers start again from zero (ip_vs_zero_estimator()).
     */
    void zero(ServiceKey service);

    /** ipvsadm -Z, as ip_vs_zero_all(): every service's and real server's estimator starts again from zero. */
    void zeroAll();
}
