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
 * Sync codec throughput in entries per second: a full default-size (1472-byte) message of IPv4 TCP
 * entries, as the kernel master sends under load, encoded from reused {@link SyncEntry} objects and
 * decoded into a handler that reads every field. Three formats, each message as full as the kernel
 * fills it: v1 (40 entries of 36 bytes), v1 with the sequence-data option that FTP connections carry
 * (22 entries of 62 bytes, padded to 64), and v0 (61 entries of 24 bytes).
 * {@code mvn -B -o -Pbench test-compile exec:exec -Dbench=SyncCodecBenchmark -Dbench.args="-prof gc -f 1 -wi 3 -w 1 -i 5 -r 1"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SyncCodecBenchmark {
    private static final int V1_ENTRIES = 40;
    private static final int V1_SEQ_ENTRIES = 22;
    private static final int V0_ENTRIES = 61;

    private final Codec v1 = new Codec(1, V1_ENTRIES, false);
    private final Codec v1Seq = new Codec(1, V1_SEQ_ENTRIES, true);
    private final Codec v0 = new Codec(0, V0_ENTRIES, false);

    @Setup
    public void setUp() {
        v1.setUp();
        v1Seq.setUp();
        v0.setUp();
    }

    @Benchmark
    @OperationsPerInvocation(V1_ENTRIES)
    public int encodeMessage() {
        return v1.encode();
    }

    @Benchmark
    @OperationsPerInvocation(V1_ENTRIES)
    public long decodeMessage() {
        return v1.decode();
    }

    @Benchmark
    @OperationsPerInvocation(V1_SEQ_ENTRIES)
    public int encodeSeqMessage() {
        return v1Seq.encode();
    }

    @Benchmark
    @OperationsPerInvocation(V1_SEQ_ENTRIES)
    public long decodeSeqMessage() {
        return v1Seq.decode();
    }

    @Benchmark
    @OperationsPerInvocation(V0_ENTRIES)
    public int encodeV0Message() {
        return v0.encode();
    }

    @Benchmark
    @OperationsPerInvocation(V0_ENTRIES)
    public long decodeV0Message() {
        return v0.decode();
    }

    /** One format's entries, encoder, decoder and encoded message. */
    private static final class Codec {
        private final SyncEntry[] entries;
        private final SyncMessageEncoder encoder;
        private final SyncMessageDecoder decoder = new SyncMessageDecoder(7);
        private final UnsafeBuffer message = new UnsafeBuffer(new byte[SyncLimits.masterMaxLength(0, false)]);
        private final boolean seq;
        private int messageLength;
        private long sum;
        private final SyncMessageDecoder.EntryHandler reader = e -> sum += e.caddrLo() + e.cport() + e.daddrLo()
                + e.dport() + e.state() + e.backupFlags() + e.timeoutSeconds() + e.seq(1) + e.seq(4);

        Codec(int version, int count, boolean seq) {
            this.entries = new SyncEntry[count];
            this.encoder = new SyncMessageEncoder(version, 7, SyncLimits.masterMaxLength(0, false));
            this.seq = seq;
        }

        void setUp() {
            for (int i = 0; i < entries.length; i++) {
                int flags = ConnFlags.NFCT | (i % 2 == 0 ? 0 : ConnFlags.INACTIVE) | (seq ? ConnFlags.SEQ_MASK : 0);
                entries[i] = new SyncEntry().connection(4, 6, flags, 1 + i % 7)
                        .client(0, 0x0A63_0001L + i, 40_000 + i).virtual(0, 0x0A63_000AL, 80)
                        .destination(0, 0x0A63_0015L + i % 4, 8080).timeoutSeconds(900);
                if (seq) {
                    entries[i].seq(1_000 + i, 12, 0, 2_000 + i, -12, 0);
                }
            }
            encode();
            // the message must be full: exactly as many entries as the kernel puts in one
            if (encoder.count() != entries.length || encoder.append(entries[0])) {
                throw new IllegalStateException("benchmark message must hold exactly " + entries.length + " entries");
            }
            messageLength = encoder.length();
            message.putBytes(0, encoder.buffer(), 0, messageLength);
            if (decoder.decode(message, 0, messageLength, reader) != SyncStatus.OK.code()
                    || decoder.delivered() != entries.length) {
                throw new IllegalStateException("benchmark message must decode");
            }
        }

        int encode() {
            encoder.reset();
            for (SyncEntry e : entries) {
                encoder.append(e);
            }
            return encoder.length();
        }

        long decode() {
            return decoder.decode(message, 0, messageLength, reader) + sum;
        }
    }
}
