package org.actorvs.runtime;

import java.util.Objects;
import java.util.function.Function;

import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncSender;

/**
 * How the sync daemons a VRRP role starts reach the peer directors: live, the multicast group of
 * each daemon's configuration ({@link #MULTICAST}); in the simulated lab, an in-process group that
 * tells each datagram to the other directors' sync actors.
 *
 * @param senders the master daemon's sender, made anew at each start (the sync actor closes it at
 *                the stop); a null sender opens the daemon's multicast socket
 * @param listen  whether the backup daemon opens the multicast socket; without it the backup takes
 *                only the {@link SyncActor.Datagram}s told to its sync actor
 */
public record SyncTransport(Function<SyncDaemon, SyncSender> senders, boolean listen) {
    /** The daemons' own multicast sockets, as ipvsadm --start-daemon opens them. */
    public static final SyncTransport MULTICAST = new SyncTransport(daemon -> null, true);

    public SyncTransport {
        Objects.requireNonNull(senders, "senders");
    }

    /** The sender a master run of {@code daemon} sends through; null for its multicast socket. */
    SyncSender sender(SyncDaemon daemon) {
        return senders.apply(daemon);
    }
}
