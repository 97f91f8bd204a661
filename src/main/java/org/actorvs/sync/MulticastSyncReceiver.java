package org.actorvs.sync;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup's socket and its receive thread, as make_receive_sock() and sync_thread_backup():
 * SO_REUSEADDR, bound to group:port, the group joined on the interface. Each datagram is read into
 * a buffer of sync_maxlen bytes (a longer one arrives cut and then fails the decoder's size check,
 * as in the kernel) and handed over as a copy. The kernel also binds the socket to the device;
 * Java cannot, so a datagram for the group arriving on another interface that joined it too
 * would be read as well.
 */
public final class MulticastSyncReceiver implements AutoCloseable {
    /** Gets each datagram; the array is the handler's to keep. Called on the receive thread. */
    @FunctionalInterface
    public interface Handler {
        void datagram(byte[] data, long nowNanos);
    }

    private static final Logger LOG = LoggerFactory.getLogger(MulticastSyncReceiver.class);

    private final DatagramChannel channel;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Opens the socket and starts the receive thread.
     *
     * @param maxLength the backup's sync_maxlen
     */
    public MulticastSyncReceiver(SyncDaemon daemon, int maxLength, Handler handler) throws IOException {
        NetworkInterface itf = MulticastChannels.interfaceOf(daemon, "sync backup");
        channel = MulticastChannels.open(daemon);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(daemon.group(), daemon.port()));
            channel.join(daemon.group(), itf);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        ByteBuffer buffer = ByteBuffer.allocate(maxLength);
        thread = new Thread(() -> receive(buffer, handler), "sync-backup-" + daemon.interfaceName());
        thread.setDaemon(true);
        thread.start();
    }

    private void receive(ByteBuffer buffer, Handler handler) {
        while (!closed) {
            try {
                buffer.clear();
                if (channel.receive(buffer) == null) {
                    continue;
                }
                buffer.flip();
                byte[] data = new byte[buffer.remaining()];
                buffer.get(data);
                handler.datagram(data, System.nanoTime());
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("sync backup: receive failed; the receive thread stops", e);
                }
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
