package org.actorvs.health;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

import org.actorvs.admin.AddressText;
import org.actorvs.service.ServiceKey;

/**
 * The health check of one real server of one virtual service, as a keepalived real_server block with
 * one checker: which destination ({@code address}, {@code port}: the destination's identity in the
 * service), how it is checked, and the policy.
 */
public record HealthCheckSpec(ServiceKey service, InetAddress address, int port, Check check, HealthPolicy policy) {

    /** How a server is checked. */
    public sealed interface Check permits Tcp, Http {
        /** The port connected to (keepalived's connect_port); the destination's port by default. */
        int connectPort();
    }

    /** TCP_CHECK: a connection completes. */
    public record Tcp(int connectPort) implements Check {
        public Tcp {
            checkPort(connectPort);
        }
    }

    /** HTTP_GET with one url: path, accepted status codes, optional MD5 digest of the body (null for none). */
    public record Http(int connectPort, String path, List<HttpGetChecker.StatusRange> status, String digest)
        implements Check {
        public Http {
            checkPort(connectPort);
            Objects.requireNonNull(path, "path");
            status = List.copyOf(status);
        }
    }

    public HealthCheckSpec {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(policy, "policy");
    }

    /** The checker this spec describes, waiting on {@code executor}. */
    public HealthChecker checker(final Executor executor) {
        final Duration timeout = policy.timeout();
        final InetSocketAddress target = new InetSocketAddress(address, check.connectPort());
        if (check instanceof Http h) {
            return new HttpGetChecker(target, h.path(), h.status(), h.digest(), timeout, executor);
        }
        return new TcpConnectChecker(target, timeout, executor);
    }

    /** "TCP 10.0.0.1:80 -> 10.0.0.2:8080" for logs. */
    public String server() {
        return service + " -> " + AddressText.formatWithPort(address, port);
    }

    private static void checkPort(final int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("check port out of range 1..65535: " + port);
        }
    }
}
