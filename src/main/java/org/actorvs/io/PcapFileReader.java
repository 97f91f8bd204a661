package org.actorvs.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a classic libpcap file (pcap-savefile(5)): either byte order, microsecond or nanosecond
 * timestamps, Ethernet link type only. Frames are handed out in place in a reused read buffer:
 * no allocation per frame. Not thread-safe.
 */
final class PcapFileReader implements AutoCloseable {
    static final int MAGIC_MICROS = 0xA1B2C3D4;
    static final int MAGIC_NANOS = 0xA1B23C4D;
    static final int LINKTYPE_ETHERNET = 1;
    static final int GLOBAL_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;
    /** libpcap's MAXIMUM_SNAPLEN: a longer record means a corrupt file. */
    static final int MAX_RECORD_LENGTH = 262_144;
    private static final int LINKTYPE_OFFSET = 20;
    private static final int PCAPNG_MAGIC = 0x0A0D0D0A;
    private static final int BUFFER_SIZE = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private final boolean nanos;
    private ByteBuffer bytes;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private int frameOffset;
    private long timestampNanos;
    private boolean eof;

    PcapFileReader(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            bytes = ByteBuffer.allocate(Math.max(BUFFER_SIZE, GLOBAL_HEADER_LENGTH));
            bytes.flip();
            if (!fill(GLOBAL_HEADER_LENGTH)) {
                throw new IOException(path + ": too short for a pcap file header (" + bytes.remaining() + " bytes)");
            }
            final int magic = bytes.order(ByteOrder.BIG_ENDIAN).getInt(bytes.position());
            final ByteOrder order;
            if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
                order = ByteOrder.BIG_ENDIAN;
            } else if (Integer.reverseBytes(magic) == MAGIC_MICROS || Integer.reverseBytes(magic) == MAGIC_NANOS) {
                order = ByteOrder.LITTLE_ENDIAN;
            } else if (magic == PCAPNG_MAGIC) {
                throw new IOException(path + ": a pcapng file; only classic pcap is read (convert it: editcap -F pcap)");
            } else {
                throw new IOException(path + ": not a pcap file (magic 0x" + Integer.toHexString(magic) + ")");
            }
            bytes.order(order);
            nanos = bytes.getInt(bytes.position()) == MAGIC_NANOS;
            final int linkType = bytes.getInt(bytes.position() + LINKTYPE_OFFSET) & 0x0FFF_FFFF;
            if (linkType != LINKTYPE_ETHERNET) {
                throw new IOException(path + ": link type " + linkType + " is not Ethernet (1)");
            }
            bytes.position(bytes.position() + GLOBAL_HEADER_LENGTH);
            view.wrap(bytes.array());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Moves to the next record.
     *
     * @return the captured length of its frame, or -1 at the end of the file
     * @throws IOException on a read error, a truncated record or a corrupt length
     */
    int next() throws IOException {
        if (!fill(RECORD_HEADER_LENGTH)) {
            if (bytes.hasRemaining()) {
                throw new IOException(path + ": truncated record header at the end of the file");
            }
            return -1;
        }
        final int at = bytes.position();
        final long seconds = bytes.getInt(at) & 0xFFFF_FFFFL;
        final long fraction = bytes.getInt(at + 4) & 0xFFFF_FFFFL;
        final int captured = bytes.getInt(at + 8);
        if (captured < 0 || captured > MAX_RECORD_LENGTH) {
            throw new IOException(path + ": corrupt record length " + Integer.toUnsignedString(captured));
        }
        if (!fill(RECORD_HEADER_LENGTH + captured)) {
            throw new IOException(path + ": truncated record at the end of the file");
        }
        timestampNanos = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1_000L);
        frameOffset = bytes.position() + RECORD_HEADER_LENGTH;
        bytes.position(frameOffset + captured);
        return captured;
    }

    /** The buffer the current frame lies in, valid until the next {@link #next()}. */
    DirectBuffer buffer() {
        return view;
    }

    int frameOffset() {
        return frameOffset;
    }

    long timestampNanos() {
        return timestampNanos;
    }

    /** Whether the file has nanosecond timestamps. */
    boolean nanosecondPrecision() {
        return nanos;
    }

    Path path() {
        return path;
    }

    /** Makes at least {@code length} unread bytes available; false when the file ends first. */
    private boolean fill(int length) throws IOException {
        if (bytes.remaining() >= length) {
            return true;
        }
        if (eof) {
            return false;
        }
        if (bytes.capacity() < length) {
            final ByteBuffer bigger = ByteBuffer.allocate(Integer.highestOneBit(length) << 1).order(bytes.order());
            bigger.put(bytes);
            bytes = bigger;
            view.wrap(bytes.array());
        } else {
            bytes.compact();
        }
        while (bytes.position() < length) {
            if (channel.read(bytes) < 0) {
                eof = true;
                break;
            }
        }
        bytes.flip();
        return bytes.remaining() >= length;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
