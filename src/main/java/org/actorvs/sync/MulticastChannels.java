package org.actorvs.sync;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;

/** What the master's and the backup's sockets share: the daemon's interface and a socket of the group's family. */
final class MulticastChannels {
    private MulticastChannels() {
    }

    static NetworkInterface interfaceOf(SyncDaemon daemon, String role) throws IOException {
        NetworkInterface itf = NetworkInterface.getByName(daemon.interfaceName());
        if (itf == null) {
            throw new IOException(role + ": no interface " + daemon.interfaceName());
        }
        return itf;
    }

    static DatagramChannel open(SyncDaemon daemon) throws IOException {
        return DatagramChannel.open(daemon.ipv6() ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
    }
}
