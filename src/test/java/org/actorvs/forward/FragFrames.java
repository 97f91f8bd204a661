package org.actorvs.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.actorvs.packet.DropReason;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.FrameParser;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.ParsedFrame;
import org.agrona.concurrent.UnsafeBuffer;

/** Frames for the fragmentation tests: whole datagrams, hand-built fragments, and a reassembly driver. */
final class FragFrames {
    static final long DST_MAC = 0x0200_0000_0001L;
    static final long SRC_MAC = 0x0200_0000_0002L;
    static final int CLIENT = 0x0A00_0001;
    static final int VIP = 0xC0A8_0001;
    static final int TTL = 64;
    static final int ETHERNET = 14;
    static final int UDP_HEADER = 8;
    /** Copied (0x80) loose source route to 192.0.2.1, then a non-copied record route with room for one address. */
    static final byte[] OPTIONS = {
        (byte) 0x83, 7, 4, (byte) 192, 0, 2, 1,
        0x07, 7, 4, 0, 0, 0, 0,
        0x01, 0x00 };
    /** What later fragments carry in place of {@link #OPTIONS}: the record route became NOPs. */
    static final byte[] OPTIONS_IN_LATER_FRAGMENTS = {
        (byte) 0x83, 7, 4, (byte) 192, 0, 2, 1,
        1, 1, 1, 1, 1, 1, 1,
        0x01, 0x00 };

    private FragFrames() {
    }

    static byte[] randomBytes(Random random, int length) {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** An Ethernet frame holding one whole UDP datagram; vlanTci -1 for untagged. */
    static byte[] udpDatagram(int id, byte[] options, int vlanTci, byte[] payload) {
        return build(new FrameBuilder().ethernet(DST_MAC, SRC_MAC, vlanTci)
                .ipv4(CLIENT, VIP, IpProtocol.UDP, TTL, id, false).ipv4Options(options)
                .udp(40000, 53).payload(payload));
    }

    /** A fragment built field by field, independent of Ipv4Fragmenter: {@code data} is its IP data. */
    static byte[] fragment(int id, byte[] options, int vlanTci, int offset, boolean more, byte[] data) {
        return build(new FrameBuilder().ethernet(DST_MAC, SRC_MAC, vlanTci)
                .ipv4(CLIENT, VIP, IpProtocol.UDP, TTL, id, false).ipv4Options(options)
                .ipv4Fragment(offset, more).payload(data));
    }

    static byte[] build(FrameBuilder builder) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[builder.frameLength()]);
        assertEquals(buffer.capacity(), builder.build(buffer, 0));
        return buffer.byteArray();
    }

    static int l2Length(byte[] frame) {
        return (frame[12] & 0xFF) == 0x81 && frame[13] == 0 ? 18 : ETHERNET;
    }

    /** The IP data (everything after the IPv4 header) of a frame. */
    static byte[] ipData(byte[] frame) {
        final int ip = l2Length(frame);
        return Arrays.copyOfRange(frame, ip + Ipv4Flyweight.ihl(new UnsafeBuffer(frame), ip), frame.length);
    }

    /** Cuts a frame's IP data at the given offsets (multiples of 8) into hand-built fragments. */
    static List<byte[]> cut(byte[] frame, int id, byte[] options, int vlanTci, int... offsets) {
        final byte[] data = ipData(frame);
        final List<byte[]> fragments = new ArrayList<>();
        for (int i = 0; i < offsets.length; i++) {
            final int end = i + 1 < offsets.length ? offsets[i + 1] : data.length;
            fragments.add(fragment(id, options, vlanTci, offsets[i], i + 1 < offsets.length,
                    Arrays.copyOfRange(data, offsets[i], end)));
        }
        return fragments;
    }

    /** The IP packets the fragmenter hands its sink, each copied out. */
    static List<byte[]> fragmentPacket(Ipv4Fragmenter fragmenter, byte[] packet, int mtu, boolean keepDf,
            int[] result) {
        final List<byte[]> pieces = new ArrayList<>();
        result[0] = fragmenter.fragment(new UnsafeBuffer(packet), 0, packet.length, mtu, keepDf, (buf, ipOffset, ipLength) -> {
            assertTrue(ipOffset >= 18, "room for an L2 header");
            final byte[] piece = new byte[ipLength];
            buf.getBytes(ipOffset, piece);
            pieces.add(piece);
        });
        return pieces;
    }

    /** Fragments a frame's IP packet to the MTU and gives every fragment the frame's own L2 header. */
    static List<byte[]> fragmentFrame(Ipv4Fragmenter fragmenter, byte[] frame, int mtu) {
        final int l2 = l2Length(frame);
        final int[] result = new int[1];
        final List<byte[]> frames = new ArrayList<>();
        for (byte[] piece : fragmentPacket(fragmenter, Arrays.copyOfRange(frame, l2, frame.length), mtu, false, result)) {
            final byte[] fragmentFrame = Arrays.copyOf(frame, l2 + piece.length);
            System.arraycopy(piece, 0, fragmentFrame, l2, piece.length);
            frames.add(fragmentFrame);
        }
        assertEquals(frames.size(), result[0]);
        return frames;
    }

    /** Parses each frame and offers it to one reassembler, as a shard would. */
    static final class Feeder {
        final Ipv4Reassembler reassembler;
        private final FrameParser parser = new FrameParser(true);
        private final ParsedFrame parsed = new ParsedFrame();
        private final UnsafeBuffer out = new UnsafeBuffer(new byte[Ipv4Flyweight.MAX_TOTAL_LENGTH + 64]);
        private int outLength;

        Feeder(Ipv4Reassembler reassembler) {
            this.reassembler = reassembler;
        }

        int offer(byte[] frame, long nowNanos) {
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            assertEquals(DropReason.OK.code(), parser.parse(buffer, 0, frame.length, parsed), () -> "parse " + parsed);
            final int result = reassembler.offer(buffer, 0, frame.length, parsed, nowNanos, out, 0);
            outLength = Math.max(result, 0);
            return result;
        }

        /** Offers all frames at time 0; every result but the last must be HELD. Returns the last result. */
        int offerAll(List<byte[]> frames) {
            int result = Ipv4Reassembler.HELD;
            for (int i = 0; i < frames.size(); i++) {
                result = offer(frames.get(i), 0);
                if (i + 1 < frames.size()) {
                    assertEquals(Ipv4Reassembler.HELD, result, "fragment " + i);
                }
            }
            return result;
        }

        /** The frame the last completing offer wrote. */
        byte[] output() {
            final byte[] frame = new byte[outLength];
            out.getBytes(0, frame);
            return frame;
        }
    }
}
