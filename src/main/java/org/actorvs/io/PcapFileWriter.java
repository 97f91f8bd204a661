package org.actorvs.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.DirectBuffer;

/**
 * Writes a classic libpcap file: little-endian, microsecond timestamps, Ethernet link type, the
 * format tcpdump writes on x86 and every tool reads. Buffered; no allocation per frame. Output
 * depends only on the frames and timestamps given, so a replay writes the same bytes every time.
 * Not thread-safe.
 */
public final class PcapFileWriter implements AutoCloseable {
    private static final int VERSION_MAJOR = 2;
    private static final int VERSION_MINOR = 4;
    private static final int BUFFER_SIZE = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);

    public PcapFileWriter(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
        bytes.putInt(PcapFileReader.MAGIC_MICROS).putShort((short) VERSION_MAJOR).putShort((short) VERSION_MINOR)
                .putInt(0).putInt(0).putInt(PcapFileReader.MAX_RECORD_LENGTH).putInt(PcapFileReader.LINKTYPE_ETHERNET);
    }

    public void write(long timestampNanos, DirectBuffer buffer, int offset, int length) throws IOException {
        if (length > PcapFileReader.MAX_RECORD_LENGTH) {
            throw new IOException(path + ": a frame of " + length + " bytes exceeds the snapshot length");
        }
        if (bytes.remaining() < PcapFileReader.RECORD_HEADER_LENGTH + length) {
            flush();
        }
        final long t = Math.max(0, timestampNanos);
        bytes.putInt((int) (t / 1_000_000_000L)).putInt((int) (t % 1_000_000_000L / 1_000L))
                .putInt(length).putInt(length);
        buffer.getBytes(offset, bytes, length);
    }

    public void flush() throws IOException {
        bytes.flip();
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        bytes.clear();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }
}
