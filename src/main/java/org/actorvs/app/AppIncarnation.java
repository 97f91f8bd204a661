package org.actorvs.app;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A helper bound to one (protocol, port), as register_ip_vs_app_inc() creates it: connections whose
 * virtual port is {@link #port()} are bound here. Its user count (inc->usecnt) is the number of
 * connections bound to it across every shard; while it is above zero the incarnation cannot be removed.
 */
public final class AppIncarnation {
    private final AppHelper helper;
    private final int protocol;
    private final int port;
    private final int id;
    private final AtomicInteger users = new AtomicInteger();

    AppIncarnation(AppHelper helper, int protocol, int port, int id) {
        this.helper = helper;
        this.protocol = protocol;
        this.port = port;
        this.id = id;
    }

    public AppHelper helper() {
        return helper;
    }

    public int protocol() {
        return protocol;
    }

    public int port() {
        return port;
    }

    /** 1..{@link AppRegistry#MAX_INCARNATIONS}: what a bound connection records. */
    public int id() {
        return id;
    }

    /** Connections bound now (usecnt). */
    public int users() {
        return users.get();
    }

    void use() {
        users.incrementAndGet();
    }

    void release() {
        users.decrementAndGet();
    }

    @Override
    public String toString() {
        return helper.name() + "@" + protocol + "/" + port + " users=" + users();
    }
}
