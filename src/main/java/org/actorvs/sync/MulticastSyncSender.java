package org.actorvs.sync;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Enumeration;

/**
 * The master's socket, as make_send_sock(): UDP to group:port out of the given interface,
 * multicast loopback off, the daemon's TTL; for IPv4 bound to the interface's first IPv4 address
 * (bind_mcastif_addr()) and connected to the group. Non-blocking. The kernel also turns off path-MTU
 * discovery so that large messages fragment; Java has no option for that, which matters only for
 * a sync_maxlen above the path MTU.
 */
public final class MulticastSyncSender implements SyncSender {
    private final DatagramChannel channel;

    public MulticastSyncSender(SyncDaemon daemon) throws IOException {
        NetworkInterface itf = MulticastChannels.interfaceOf(daemon, "sync master");
        channel = MulticastChannels.open(daemon);
        try {
            channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, itf);
            channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
            channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, daemon.ttl());
            if (!daemon.ipv6()) {
                channel.bind(new InetSocketAddress(firstIpv4(itf), 0));
            }
            channel.connect(new InetSocketAddress(daemon.group(), daemon.port()));
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static InetAddress firstIpv4(NetworkInterface itf) throws IOException {
        for (Enumeration<InetAddress> e = itf.getInetAddresses(); e.hasMoreElements();) {
            InetAddress a = e.nextElement();
            if (a instanceof Inet4Address) {
                return a;
            }
        }
        throw new IOException("sync master: interface " + itf.getName()
                + " has no IPv4 address (the kernel asks to \"specify IP address on multicast interface\")");
    }

    @Override
    public boolean send(byte[] message, long nowNanos) throws IOException {
        return channel.write(ByteBuffer.wrap(message)) > 0;
    }

    /** The local address the messages come from. */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
