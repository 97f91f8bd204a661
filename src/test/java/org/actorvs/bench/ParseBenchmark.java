package org.actorvs.bench;

import java.util.concurrent.TimeUnit;

import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.FrameParser;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.ParsedFrame;
import org.actorvs.packet.TcpFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Classifier cost per frame: one 64-byte IPv4 TCP frame (14 + 20 + 20 + 10 bytes of data),
 * parsed into one reused {@link ParsedFrame}, as a shard does.
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) org.openjdk.jmh.Main ParseBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ParseBenchmark {
    private static final int FRAME_LENGTH = 64;

    @Param({"true", "false"})
    public boolean verifyChecksums;

    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAME_LENGTH]);
    private final ParsedFrame parsed = new ParsedFrame();
    private FrameParser parser;

    @Setup
    public void setUp() {
        parser = new FrameParser(verifyChecksums);
        final int length = new FrameBuilder().ethernet(0x5254_0012_3456L, 0x0242_ac11_0002L)
                .ipv4(0xc0a8010a, 0x0a000064, IpProtocol.TCP, 64, 1, true)
                .tcp(40000, 80, 1, 1, TcpFlyweight.ACK, 512).payload(new byte[10])
                .build(frame, 0);
        if (length != FRAME_LENGTH || parser.parse(frame, 0, length, parsed) != 0) {
            throw new IllegalStateException("benchmark frame must be a valid 64-byte frame");
        }
    }

    @Benchmark
    public int parseTcpFrame() {
        return parser.parse(frame, 0, FRAME_LENGTH, parsed) + parsed.dstPort;
    }
}
