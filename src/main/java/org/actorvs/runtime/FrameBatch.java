package org.actorvs.runtime;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Frames travelling together from a capture thread to one packet shard: copied back to back into one
 * buffer, with their port and reception time. A batch belongs to the pool of the capture thread that
 * filled it; the shard returns it there once every frame is handled (sent or dropped), so the hot path
 * allocates nothing.
 *
 * <p>Only one thread touches a batch at a time: the filler until it sends the batch, the shard after.
 */
public final class FrameBatch {
    /** Frames start on 8-byte boundaries so that the flyweights' wider reads stay aligned. */
    private static final int ALIGNMENT = 8;

    private final UnsafeBuffer buffer;
    private final int[] offsets;
    private final int[] lengths;
    private final int[] ports;
    private final long[] timestamps;
    private final ManyToOneConcurrentArrayQueue<FrameBatch> pool;
    private int count;
    private int used;

    FrameBatch(int bytes, int maxFrames, ManyToOneConcurrentArrayQueue<FrameBatch> pool) {
        this.buffer = new UnsafeBuffer(new byte[bytes]);
        this.offsets = new int[maxFrames];
        this.lengths = new int[maxFrames];
        this.ports = new int[maxFrames];
        this.timestamps = new long[maxFrames];
        this.pool = pool;
    }

    /** Copies a frame in; false when it does not fit (the caller sends this batch and starts another). */
    public boolean add(int port, DirectBuffer src, int offset, int length, long timestampNanos) {
        if (count == offsets.length || used + length > buffer.capacity()) {
            return false;
        }
        buffer.putBytes(used, src, offset, length);
        offsets[count] = used;
        lengths[count] = length;
        ports[count] = port;
        timestamps[count] = timestampNanos;
        count++;
        used = (used + length + ALIGNMENT - 1) & -ALIGNMENT;
        return true;
    }

    /** Whether a frame of this length could ever fit, even in an empty batch. */
    public boolean fitsEmpty(int length) {
        return length <= buffer.capacity();
    }

    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** The shared buffer the frames sit in; frame {@code i} is at {@link #offset(int)}. */
    public UnsafeBuffer buffer() {
        return buffer;
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    public int port(int i) {
        return ports[i];
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    /** Empties the batch and gives it back to the pool it came from. */
    public void release() {
        count = 0;
        used = 0;
        pool.offer(this);
    }

    /**
     * A capture thread's batches. Shards return batches from their own threads, hence the
     * many-to-one queue; only the owning capture thread takes from it.
     */
    public static final class Pool {
        private final ManyToOneConcurrentArrayQueue<FrameBatch> free;
        private long exhausted;

        public Pool(int batches, int bytesPerBatch, int framesPerBatch) {
            free = new ManyToOneConcurrentArrayQueue<>(batches);
            for (int i = 0; i < batches; i++) {
                free.offer(new FrameBatch(bytesPerBatch, framesPerBatch, free));
            }
        }

        /** A free batch, or null when every batch is still with a shard (the shards are behind). */
        public FrameBatch acquire() {
            FrameBatch b = free.poll();
            if (b == null) {
                exhausted++;
            }
            return b;
        }

        /** How often a batch was wanted and none was free: frames dropped for back-pressure. */
        public long exhausted() {
            return exhausted;
        }

        public int available() {
            return free.size();
        }
    }
}
