package org.actorvs.sync;

import java.util.ArrayList;
import java.util.List;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.TcpStates;
import org.agrona.concurrent.UnsafeBuffer;

/** Hand-made sync messages for the codec tests. */
final class Messages {
    static final long CLIENT = 0x0A63_0001L;
    static final long VIP = 0x0A63_000AL;
    static final long REAL = 0x0A63_0015L;

    private Messages() {
    }

    /** An established IPv4 TCP NAT connection from client port {@code cport}. */
    static SyncEntry tcp(int cport) {
        return new SyncEntry().connection(4, SyncProtocols.TCP, ConnFlags.MASQ, TcpStates.ESTABLISHED)
                .client(0, CLIENT, cport).virtual(0, VIP, 80).destination(0, REAL, 8080).timeoutSeconds(900);
    }

    /** The message holding {@code entries}, as bytes. */
    static byte[] encode(int version, int syncId, SyncEntry... entries) {
        SyncMessageEncoder encoder = new SyncMessageEncoder(version, syncId, SyncLimits.masterMaxLength(0, false));
        for (SyncEntry e : entries) {
            if (!encoder.append(e)) {
                throw new IllegalStateException("test message too long");
            }
        }
        byte[] bytes = new byte[encoder.length()];
        encoder.buffer().getBytes(0, bytes);
        return bytes;
    }

    /** Collects what a decoder delivers: client ports of the entries, and skip codes. */
    static final class Collector implements SyncMessageDecoder.EntryHandler {
        final List<Integer> cports = new ArrayList<>();
        final List<Integer> skips = new ArrayList<>();
        final List<String> peData = new ArrayList<>();
        final List<int[]> seq = new ArrayList<>();
        int lastFlags;
        int lastBackupFlags;

        @Override
        public void onEntry(SyncEntry e) {
            cports.add(e.cport());
            peData.add(e.peNameString() + ":" + e.peDataString());
            int[] words = new int[6];
            for (int i = 0; i < 6; i++) {
                words[i] = e.seq(i * 4);
            }
            seq.add(e.hasSeq() ? words : null);
            lastFlags = e.flags();
            lastBackupFlags = e.backupFlags();
        }

        @Override
        public void onSkipped(SyncEntry e, int status) {
            skips.add(status);
        }

        int decode(SyncMessageDecoder decoder, byte[] message) {
            return decoder.decode(new UnsafeBuffer(message), 0, message.length, this);
        }
    }
}
