package org.actorvs.app;

/**
 * An application helper template (the kernel's struct ip_vs_app as register_ip_vs_app() takes it):
 * registered once in an {@link AppRegistry}, then incarnated on (protocol, port) pairs. One instance
 * serves every shard at once, so an implementation keeps no mutable fields; what it needs per shard
 * it gets from {@link #newShardState()}, and per connection from {@link AppPacket#appData()}.
 *
 * <p>The hooks run on the packet path of NAT connections bound to one of the helper's incarnations:
 * {@link #packetIn} for client-to-server packets (before the destination rewrite, as
 * tcp_dnat_handler() calls ip_vs_app_pkt_in()), {@link #packetOut} for server-to-client packets
 * (before the source rewrite, as tcp_snat_handler() calls ip_vs_app_pkt_out()). TCP sequence and
 * acknowledgement numbers are already adjusted for earlier payload size changes when a hook runs.
 */
public interface AppHelper {
    /** The packet goes on (possibly rewritten). */
    int ACCEPT = 0;
    /** The packet is dropped: a connection the helper needed could not be created. */
    int DROP = 1;

    /** The name listed by /proc/net/ip_vs_app ("ftp"). */
    String name();

    /** IpProtocol.TCP or IpProtocol.UDP: incarnations of this helper use this protocol only. */
    int protocol();

    /** Per-shard scratch objects the hooks use instead of allocating; null when none are needed. */
    default Object newShardState() {
        return null;
    }

    /** init_conn: a connection was just bound to an incarnation of this helper. */
    default void initConnection(AppPacket context, int connection) {
    }

    /** done_conn: a bound connection is being released. */
    default void doneConnection(AppPacket context, int connection) {
    }

    /** pkt_in: returns {@link #ACCEPT} or {@link #DROP}. */
    int packetIn(AppPacket packet);

    /** pkt_out: returns {@link #ACCEPT} or {@link #DROP}. */
    int packetOut(AppPacket packet);
}
