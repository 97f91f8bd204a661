package org.actorvs.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.actorvs.packet.IpProtocol;

/**
 * The director's application helpers (ipvs->app_list) and their incarnations (ipvs->tcp_apps,
 * udp_apps). Shared by every shard: changes are made under the registry's lock and published as a
 * fresh array, which the packet path reads without locking.
 *
 * <p>A helper is registered once ({@link #register}); each (protocol, port) it should watch gets an
 * incarnation ({@link #registerIncarnation}). A new NAT connection whose virtual port has an
 * incarnation of its protocol is bound to it ({@link AppConnections#bind}); so every service on that
 * port, whatever its address, gets the helper, as in the kernel.
 */
public final class AppRegistry {
    /** Incarnation numbers must fit the 8 bits a connection records. */
    public static final int MAX_INCARNATIONS = 255;

    private final List<AppHelper> helpers = new ArrayList<>();
    private final AppIncarnation[] byId = new AppIncarnation[MAX_INCARNATIONS + 1];
    private volatile AppIncarnation[] published = new AppIncarnation[0];

    /** register_ip_vs_app(); a helper registered already, or another with its name, is refused. */
    public synchronized boolean register(AppHelper helper) {
        for (AppHelper h : helpers) {
            if (h == helper || h.name().equals(helper.name())) {
                return false;
            }
        }
        if (helper.protocol() != IpProtocol.TCP && helper.protocol() != IpProtocol.UDP) {
            throw new IllegalArgumentException("helper " + helper.name() + ": protocol must be TCP or UDP");
        }
        helpers.add(helper);
        return true;
    }

    /**
     * register_ip_vs_app_inc(): {@code helper} (registered) watches {@code port} of its protocol.
     * Refused when that pair has an incarnation already or all {@value #MAX_INCARNATIONS} are taken.
     */
    public synchronized boolean registerIncarnation(AppHelper helper, int port) {
        if (!helpers.contains(helper)) {
            throw new IllegalArgumentException("helper " + helper.name() + " is not registered");
        }
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (find(helper.protocol(), port) != null) {
            return false;
        }
        for (int id = 1; id <= MAX_INCARNATIONS; id++) {
            if (byId[id] == null) {
                byId[id] = new AppIncarnation(helper, helper.protocol(), port, id);
                publish();
                return true;
            }
        }
        return false;
    }

    /**
     * Removes one incarnation; refused (false) while connections are bound to it, as the kernel's
     * module reference does, or when there is none.
     */
    public synchronized boolean unregisterIncarnation(int protocol, int port) {
        AppIncarnation inc = find(protocol, port);
        if (inc == null || inc.users() > 0) {
            return false;
        }
        byId[inc.id()] = null;
        publish();
        return true;
    }

    /**
     * unregister_ip_vs_app(): the helper and all its incarnations go. Refused (false, nothing
     * removed) while any of its incarnations has bound connections, or when it is not registered.
     */
    public synchronized boolean unregister(AppHelper helper) {
        if (!helpers.contains(helper)) {
            return false;
        }
        for (AppIncarnation inc : published) {
            if (inc.helper() == helper && inc.users() > 0) {
                return false;
            }
        }
        for (AppIncarnation inc : published) {
            if (inc.helper() == helper) {
                byId[inc.id()] = null;
            }
        }
        helpers.remove(helper);
        publish();
        return true;
    }

    /** The incarnation watching (protocol, port), or null (tcp_app_conn_bind's lookup by vport). */
    public AppIncarnation find(int protocol, int port) {
        for (AppIncarnation inc : published) {
            if (inc.port() == port && inc.protocol() == protocol) {
                return inc;
            }
        }
        return null;
    }

    /** The incarnation with this number, or null. */
    public AppIncarnation incarnation(int id) {
        AppIncarnation[] list = published;
        for (AppIncarnation inc : list) {
            if (inc.id() == id) {
                return inc;
            }
        }
        return null;
    }

    /** Every incarnation, as /proc/net/ip_vs_app lists them (prot, port, usecnt, name). */
    public List<AppIncarnation> incarnations() {
        return List.of(published);
    }

    public synchronized List<AppHelper> helpers() {
        return List.copyOf(helpers);
    }

    private void publish() {
        published = Arrays.stream(byId).filter(i -> i != null).toArray(AppIncarnation[]::new);
    }
}
