package org.actorvs.io;

import java.util.ArrayList;
import java.util.List;

import org.actorvs.forward.FrameSink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** A thread-safe sink that keeps a copy of every frame sent through it. */
final class SentFrames implements FrameSink {
    record Sent(int port, UnsafeBuffer frame, int length) {
    }

    private final List<Sent> frames = new ArrayList<>();

    @Override
    public synchronized void send(int port, DirectBuffer buffer, int offset, int length) {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        frames.add(new Sent(port, new UnsafeBuffer(copy), length));
    }

    synchronized List<Sent> all() {
        return List.copyOf(frames);
    }

    synchronized int size() {
        return frames.size();
    }

    synchronized Sent last() {
        return frames.get(frames.size() - 1);
    }

    synchronized void clear() {
        frames.clear();
    }
}
