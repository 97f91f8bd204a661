package org.actorvs.bench;

import java.util.concurrent.TimeUnit;

import org.actorvs.conn.ConnFlags;
import org.actorvs.sync.SyncEntry;
import org.actorvs.sync.SyncLimits;
import org.actorvs.sync.SyncMessageDecoder;
import org.actorvs.sync.SyncMessageEncoder;
import org.actorvs.sync.SyncStatus;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Sync codec throughput in entries per second: a full default-size (1472-byte) v1 message of
 * 40 IPv4 TCP entries, as the kernel master sends under load, encoded from reused
 * {@link SyncEntry} objects and decoded into a handler that reads every field.
 * {@code mvn -B -o -Pbench test-compile exec:exec -Dbench=SyncCodecBenchmark -Dbench.args="-f 1 -wi 2 -i 3 -prof gc"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SyncCodecBenchmark {
    private static final int ENTRIES = 40;

    private final SyncEntry[] entries = new SyncEntry[ENTRIES];
    private final SyncMessageEncoder encoder = new SyncMessageEncoder(1, 7, SyncLimits.masterMaxLength(0, false));
    private final SyncMessageDecoder decoder = new SyncMessageDecoder(7);
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[SyncLimits.masterMaxLength(0, false)]);
    private int messageLength;
    private long sum;
    private final SyncMessageDecoder.EntryHandler reader = e -> sum += e.caddrLo() + e.cport() + e.daddrLo()
            + e.dport() + e.state() + e.backupFlags() + e.timeoutSeconds();

    @Setup
    public void setUp() {
        for (int i = 0; i < ENTRIES; i++) {
            entries[i] = new SyncEntry().connection(4, 6, ConnFlags.NFCT | (i % 2 == 0 ? 0 : ConnFlags.INACTIVE), 1 + i % 7)
                    .client(0, 0x0A63_0001L + i, 40_000 + i).virtual(0, 0x0A63_000AL, 80)
                    .destination(0, 0x0A63_0015L + i % 4, 8080).timeoutSeconds(900);
        }
        encodeMessage();
        if (encoder.count() != ENTRIES) {
            throw new IllegalStateException("benchmark message must hold " + ENTRIES + " entries");
        }
        messageLength = encoder.length();
        message.putBytes(0, encoder.buffer(), 0, messageLength);
        if (decoder.decode(message, 0, messageLength, reader) != SyncStatus.OK.code() || decoder.delivered() != ENTRIES) {
            throw new IllegalStateException("benchmark message must decode");
        }
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public int encodeMessage() {
        encoder.reset();
        for (SyncEntry e : entries) {
            encoder.append(e);
        }
        return encoder.length();
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public long decodeMessage() {
        return decoder.decode(message, 0, messageLength, reader) + sum;
    }
}
