package org.actorvs.sync;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code sync.bulk} section: where this director serves its connection table to a starting
 * peer, which peers it pulls from when it starts, the shared key both sides prove they hold, and
 * the bound on the whole pull.
 *
 * @param listen   where to serve the table, empty to serve nothing
 * @param peers    whom to pull from at start, in order; empty to pull nothing
 * @param key      the shared HMAC-SHA256 key, or null: then only loopback peers are served unless
 *                 {@code insecure} says otherwise (see {@link BulkTransfer})
 * @param timeout  the bound on a pull (all peers together) and on one served transfer
 * @param insecure serve and pull without a key over a non-loopback network
 */
public record BulkConfig(Optional<InetSocketAddress> listen, List<InetSocketAddress> peers, byte[] key,
        Duration timeout, boolean insecure) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public BulkConfig {
        Objects.requireNonNull(listen, "listen");
        peers = List.copyOf(peers);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("bulk timeout must be positive: " + timeout);
        }
        if (key != null && key.length < BulkTransfer.MIN_KEY_LENGTH) {
            throw new IllegalArgumentException("bulk key must be at least " + BulkTransfer.MIN_KEY_LENGTH + " bytes");
        }
        key = key == null ? null : key.clone();
    }

    /** No bulk transfer: nothing served, nothing pulled. */
    public static BulkConfig none() {
        return new BulkConfig(Optional.empty(), List.of(), null, DEFAULT_TIMEOUT, false);
    }

    @Override
    public byte[] key() {
        return key == null ? null : key.clone();
    }

    public boolean keyed() {
        return key != null;
    }

    /** Whether a starting director pulls a table before it may take the VIPs. */
    public boolean pulls() {
        return !peers.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BulkConfig b && listen.equals(b.listen) && peers.equals(b.peers)
                && java.util.Arrays.equals(key, b.key) && timeout.equals(b.timeout) && insecure == b.insecure;
    }

    @Override
    public int hashCode() {
        return Objects.hash(listen, peers, java.util.Arrays.hashCode(key), timeout, insecure);
    }

    @Override
    public String toString() {
        // never the key
        return "BulkConfig[listen=" + listen + ", peers=" + peers + ", keyed=" + keyed() + ", timeout=" + timeout
                + ", insecure=" + insecure + "]";
    }
}
