package org.actorvs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.actorvs.forward.Port;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapFileIoTest {
    /** The kernel director's capture (../shared/fixtures/kernel-sync), copied into the suite. */
    static final Path FIXTURE = Path.of("src/test/resources/replay/v1-run.traffic.pcap");
    static final Port A = MemoryPacketIoTest.A;
    static final Port B = MemoryPacketIoTest.B;

    @TempDir
    Path dir;

    @Test
    void replayOfTheKernelCaptureWritesEveryFrameBackAsTsharkReadsIt() throws IOException {
        final Path out = dir.resolve("out.pcap");
        assertEquals(859, echo(FIXTURE, out));
        // Captured bytes and times survive; the original length becomes the captured one (snaplen 512).
        final String fields = "frame.cap_len\teth.src\teth.dst\tip.src\tip.dst\tframe.time_epoch\tframe.protocols";
        final String[] in = Tshark.fields(FIXTURE, fields.split("\t")).split("\n");
        final String[] written = Tshark.fields(out, fields.split("\t")).split("\n");
        assertEquals(859, in.length);
        assertArrayEquals(in, written);
        final String[] lengths = Tshark.fields(out, "frame.len").split("\n");
        final String[] capLengths = Tshark.fields(FIXTURE, "frame.cap_len").split("\n");
        assertArrayEquals(capLengths, lengths);
    }

    @Test
    void replayingTheSameInputTwiceWritesIdenticalBytes() throws IOException {
        echo(FIXTURE, dir.resolve("one.pcap"));
        echo(FIXTURE, dir.resolve("two.pcap"));
        assertEquals(-1, Files.mismatch(dir.resolve("one.pcap"), dir.resolve("two.pcap")));
    }

    @Test
    void nanosecondBigEndianCaptureIsReadWithItsTimestamps() throws IOException {
        final Path in = dir.resolve("ns.pcap");
        Files.write(in, capture(ByteOrder.BIG_ENDIAN, PcapFileReader.MAGIC_NANOS, 1, 5L, 123_456_789, frame(1), frame(2)));
        final List<Long> stamps = new ArrayList<>();
        try (PcapFileIo io = new PcapFileIo(List.of(A), in, null)) {
            while (io.receive(0, (p, b, o, l, t) -> stamps.add(t)) != PacketIo.END) {
                assertTrue(stamps.size() <= 2);
            }
        }
        assertEquals(List.of(5_123_456_789L, 6_123_456_789L), stamps);
    }

    @Test
    void injectedFramesCarryTheTimestampOfTheFrameBeingProcessed() throws IOException {
        final Path in = dir.resolve("us.pcap");
        final Path out = dir.resolve("out.pcap");
        Files.write(in, capture(ByteOrder.LITTLE_ENDIAN, PcapFileReader.MAGIC_MICROS, 1, 7L, 250_000, frame(1), frame(2)));
        echo(in, out);
        assertEquals("7.250000000\n8.250000000\n", Tshark.fields(out, "frame.time_epoch"));
    }

    @Test
    void portMapperPutsFramesOnPortsInFileOrder() throws IOException {
        final Path in = dir.resolve("two-ports.pcap");
        Files.write(in, capture(ByteOrder.LITTLE_ENDIAN, PcapFileReader.MAGIC_MICROS, 1, 1L, 0, frame(1), frame(2),
                frame(3), frame(0x99)));
        final List<String> order = new ArrayList<>();
        try (PcapFileIo io = new PcapFileIo(List.of(A, B), in, null,
                (dst, src) -> (int) (src & 0xFF) == 0x99 ? 9 : (int) (src & 1))) {
            int rounds = 0;
            while (rounds++ < 100) {
                final int a = io.receive(0, (p, b, o, l, t) -> order.add(p + ":" + b.getByte(o + 11)));
                final int c = io.receive(1, (p, b, o, l, t) -> order.add(p + ":" + b.getByte(o + 11)));
                if (a == PacketIo.END && c == PacketIo.END) {
                    break;
                }
            }
            assertEquals(1, io.unmapped());
            assertEquals(4, io.framesRead());
        }
        assertEquals(List.of("1:1", "0:2", "1:3"), order);
    }

    @Test
    void anythingButClassicEthernetPcapIsRejectedNamingTheFile() throws IOException {
        final Path ng = dir.resolve("capture.pcapng");
        Files.write(ng, new byte[] {0x0A, 0x0D, 0x0D, 0x0A, 0, 0, 0, 28, 0x1A, 0x2B, 0x3C, 0x4D, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        IOException e = assertThrows(IOException.class, () -> new PcapFileIo(List.of(A), ng, null));
        assertTrue(e.getMessage().contains("capture.pcapng") && e.getMessage().contains("pcapng"), e.getMessage());
        final Path linuxSll = dir.resolve("sll.pcap");
        Files.write(linuxSll, capture(ByteOrder.LITTLE_ENDIAN, PcapFileReader.MAGIC_MICROS, 113, 0, 0));
        e = assertThrows(IOException.class, () -> new PcapFileIo(List.of(A), linuxSll, null));
        assertTrue(e.getMessage().contains("sll.pcap") && e.getMessage().contains("113"), e.getMessage());
        final Path text = dir.resolve("notes.txt");
        Files.writeString(text, "this is not a capture file at all");
        e = assertThrows(IOException.class, () -> new PcapFileIo(List.of(A), text, null));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
    }

    @Test
    void truncatedLastRecordEndsTheReplayAfterTheWholeFrames() throws IOException {
        final Path in = dir.resolve("cut.pcap");
        final byte[] whole = capture(ByteOrder.LITTLE_ENDIAN, PcapFileReader.MAGIC_MICROS, 1, 1L, 0, frame(1), frame(2));
        Files.write(in, java.util.Arrays.copyOf(whole, whole.length - 10));
        int frames = 0;
        try (PcapFileIo io = new PcapFileIo(List.of(A), in, null)) {
            int n;
            while ((n = io.receive(0, (p, b, o, l, t) -> { })) != PacketIo.END) {
                frames += n;
            }
        }
        assertEquals(1, frames);
    }

    /** Replays {@code in}, injecting every frame back unchanged on its port; returns the frame count. */
    static int echo(Path in, Path out) throws IOException {
        int frames = 0;
        try (PcapFileIo io = new PcapFileIo(List.of(A), in, out); Injector injector = io.openInjector()) {
            int n;
            while ((n = io.receive(0, (p, b, o, l, t) -> injector.send(p, b, o, l))) != PacketIo.END) {
                frames += n;
            }
            assertEquals(0, injector.failures());
        }
        return frames;
    }

    /** A 60-byte frame whose source MAC ends in {@code tag}. */
    static byte[] frame(int tag) {
        final byte[] f = new byte[60];
        f[11] = (byte) tag;
        f[12] = 0x08;
        f[13] = 0x00;
        return f;
    }

    /** A classic pcap file, frames one second apart from (seconds, fraction). */
    static byte[] capture(ByteOrder order, int magic, int linkType, long seconds, int fraction, byte[]... frames) {
        int size = 24;
        for (byte[] f : frames) {
            size += 16 + f.length;
        }
        final ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(linkType);
        for (int i = 0; i < frames.length; i++) {
            b.putInt((int) seconds + i).putInt(fraction).putInt(frames[i].length).putInt(frames[i].length).put(frames[i]);
        }
        return b.array();
    }
}
