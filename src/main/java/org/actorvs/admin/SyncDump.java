package org.actorvs.admin;

import static java.nio.ByteOrder.BIG_ENDIAN;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.Timeouts;
import org.actorvs.forward.Port;
import org.actorvs.io.PacketIo;
import org.actorvs.io.PcapFileIo;
import org.actorvs.packet.DropReason;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameParser;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.ParsedFrame;
import org.actorvs.runtime.ConnectionView;
import org.actorvs.sync.SeqDataFlyweight;
import org.actorvs.sync.SyncApplier;
import org.actorvs.sync.SyncEntry;
import org.actorvs.sync.SyncMessageDecoder;
import org.actorvs.sync.SyncProtocols;
import org.actorvs.sync.SyncStatus;
import org.actorvs.sync.V0HeaderFlyweight;
import org.actorvs.sync.V1HeaderFlyweight;
import org.agrona.DirectBuffer;

/**
 * {@code actorvsadm sync-dump FILE.pcap [--verbose] [--syncid N] [--port P]}: decodes the IPVS
 * connection-sync datagrams (IPv4 UDP to port 8848) of an Ethernet capture and lists their
 * entries as {@code ipvsadm -L -c -n} lists connections. The expire column shows the timeout a
 * backup would arm for the entry ({@link SyncApplier#backupTimeoutSeconds}). Entries a backup
 * would skip, and malformed messages (with the reason and the byte offset in the message), go to
 * the error stream; decoding goes on with the next datagram. Other traffic is ignored.
 */
public final class SyncDump {
    public static final int SYNC_PORT = 8848;
    static final String USAGE = "usage: actorvsadm sync-dump FILE.pcap [--verbose] [--syncid N] [--port P]";
    private static final String[] FWD_NAMES = {"MASQ", "LOCALNODE", "TUNNEL", "DROUTE", "BYPASS", "FWD5", "FWD6", "FWD7"};
    private static final int[] FLAG_BITS = {
        ConnFlags.SYNC, ConnFlags.HASHED, ConnFlags.NOOUTPUT, ConnFlags.INACTIVE, ConnFlags.OUT_SEQ,
        ConnFlags.IN_SEQ, ConnFlags.NO_CPORT, ConnFlags.TEMPLATE, ConnFlags.ONE_PACKET, ConnFlags.NFCT,
    };
    private static final String[] FLAG_NAMES = {
        "SYNC", "HASHED", "NOOUTPUT", "INACTIVE", "OUT_SEQ", "IN_SEQ", "NO_CPORT", "TEMPLATE", "ONE_PACKET", "NFCT",
    };

    /** Receives each UDP payload to the sync port, in capture order. */
    @FunctionalInterface
    public interface DatagramHandler {
        /**
         * @param frame 1-based frame number in the capture
         * @param src the sender's IPv4 address, unsigned
         */
        void onDatagram(long frame, long src, int srcPort, DirectBuffer buffer, int offset, int length);
    }

    private SyncDump() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status (0 done, 1 unreadable file, 2 bad arguments). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = null;
        boolean verbose = false;
        int syncId = 0;
        int port = SYNC_PORT;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--verbose") || a.equals("-v")) {
                verbose = true;
            } else if ((a.equals("--syncid") || a.equals("--port")) && i + 1 < args.length) {
                int value = parseInt(args[++i]);
                int max = a.equals("--port") ? 65535 : 255;
                if (value < 0 || value > max) {
                    err.println("actorvsadm sync-dump: " + a + " must be 0.." + max + ": " + args[i]);
                    return 2;
                }
                if (a.equals("--port")) {
                    port = value;
                } else {
                    syncId = value;
                }
            } else if (file == null && !a.startsWith("-")) {
                file = Path.of(a);
            } else {
                err.println(USAGE);
                return 2;
            }
        }
        if (file == null) {
            err.println(USAGE);
            return 2;
        }
        if (!Files.isReadable(file)) {
            err.println("actorvsadm sync-dump: cannot read " + file);
            return 1;
        }
        Printer printer = new Printer(out, err, verbose, syncId);
        out.println("IPVS connection entries");
        out.println(String.format("pro expire %-11s %-18s %-18s %s", "state", "source", "virtual", "destination"));
        try {
            forEachDatagram(file, port, printer, err);
        } catch (IOException e) {
            err.println("actorvsadm sync-dump: " + e.getMessage());
            return 1;
        }
        if (verbose) {
            out.println("# " + printer.messages + " sync messages, " + printer.rejected + " dropped, "
                    + printer.entries + " entries, " + printer.skipped + " skipped");
        }
        return 0;
    }

    /**
     * Calls {@code handler} for every whole IPv4 UDP datagram to {@code port} in an Ethernet pcap
     * file; a sync frame the capture cut short is reported on {@code err}.
     *
     * @return the number of frames read
     */
    public static long forEachDatagram(Path pcap, int port, DatagramHandler handler, PrintStream err)
            throws IOException {
        final FrameParser parser = new FrameParser(false);
        final ParsedFrame parsed = new ParsedFrame();
        final long[] frames = {0};
        try (PcapFileIo io = new PcapFileIo(List.of(new Port(0, "pcap", 0, 0, 0, 0, 1500, -1)), pcap, null)) {
            while (io.receive(0, (p, buffer, offset, length, time) -> {
                final long frame = ++frames[0];
                final int reason = parser.parse(buffer, offset, length, parsed);
                if (reason == DropReason.OK.code()) {
                    if (parsed.ipVersion == 4 && parsed.protocol == IpProtocol.UDP && parsed.dstPort == port) {
                        if (parsed.isWholeDatagram()) {
                            handler.onDatagram(frame, parsed.src4 & 0xFFFF_FFFFL, parsed.srcPort, buffer,
                                    parsed.payloadOffset, parsed.payloadLength);
                        } else {
                            err.println("frame " + frame + ": fragment of a sync datagram, not reassembled");
                        }
                    }
                } else if (cutShortSyncFrame(buffer, offset, length, port)) {
                    err.println("frame " + frame + ": sync datagram cut short by the capture (" + length
                            + " bytes captured)");
                }
            }) != PacketIo.END) {
                // receive() delivers a batch per call
            }
        }
        return frames[0];
    }

    /** An untagged IPv4 UDP frame to the port whose IP datagram is longer than what was captured. */
    private static boolean cutShortSyncFrame(DirectBuffer b, int offset, int length, int port) {
        final int ip = offset + EthernetFlyweight.HEADER_LENGTH;
        if (length < EthernetFlyweight.HEADER_LENGTH + 28
                || EthernetFlyweight.etherType(b, offset) != EthernetFlyweight.ETHER_TYPE_IPV4) {
            return false;
        }
        final int ihl = (b.getByte(ip) & 0x0F) * 4;
        final int udp = ip + ihl;
        return ihl >= 20 && (b.getByte(ip + 9) & 0xFF) == IpProtocol.UDP && udp + 4 <= offset + length
                && (b.getShort(udp + 2, BIG_ENDIAN) & 0xFFFF) == port
                && (b.getShort(ip + 2, BIG_ENDIAN) & 0xFFFF) > length - EthernetFlyweight.HEADER_LENGTH;
    }

    /** The entry as an {@code ipvsadm -L -c -n} row, expiring after the timeout a backup would arm. */
    public static String row(SyncEntry e, Timeouts timeouts) {
        final int af = e.af();
        return new ConnectionView(e.protocol(), af, InetAddresses.format(af, e.caddrHi(), e.caddrLo()), e.cport(),
                InetAddresses.format(af, e.vaddrHi(), e.vaddrLo()), e.vport(),
                InetAddresses.format(af, e.daddrHi(), e.daddrLo()), e.dport(),
                SyncProtocols.stateName(e.protocol(), e.flags(), e.state()),
                SyncApplier.backupTimeoutSeconds(e, timeouts), e.flags()).ipvsadmRow();
    }

    /** The flags as hex and names, e.g. {@code 0x10100(MASQ|INACTIVE|NFCT)}. */
    public static String flagsText(int flags) {
        StringBuilder s = new StringBuilder("0x").append(Integer.toHexString(flags)).append('(')
                .append(FWD_NAMES[flags & ConnFlags.FWD_MASK]);
        int known = ConnFlags.FWD_MASK;
        for (int i = 0; i < FLAG_BITS.length; i++) {
            known |= FLAG_BITS[i];
            if ((flags & FLAG_BITS[i]) != 0) {
                s.append('|').append(FLAG_NAMES[i]);
            }
        }
        if ((flags & ~known) != 0) {
            s.append("|0x").append(Integer.toHexString(flags & ~known));
        }
        return s.append(')').toString();
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Decodes each datagram and prints it. */
    private static final class Printer implements DatagramHandler, SyncMessageDecoder.EntryHandler {
        private final PrintStream out;
        private final PrintStream err;
        private final boolean verbose;
        private final SyncMessageDecoder decoder;
        private final Timeouts timeouts = new Timeouts();
        private final V0HeaderFlyweight v0Header = new V0HeaderFlyweight();
        private final V1HeaderFlyweight v1Header = new V1HeaderFlyweight();
        private int messages;
        private int rejected;
        private int entries;
        private int skipped;
        private String where;

        Printer(PrintStream out, PrintStream err, boolean verbose, int syncId) {
            this.out = out;
            this.err = err;
            this.verbose = verbose;
            this.decoder = new SyncMessageDecoder(syncId);
        }

        @Override
        public void onDatagram(long frame, long src, int srcPort, DirectBuffer buffer, int offset, int length) {
            where = "message " + messages + " (frame " + frame + ", " + InetAddresses.formatIpv4((int) src) + ":"
                    + srcPort + ", " + length + " bytes)";
            messages++;
            if (verbose) {
                out.println("# " + where + ": " + header(buffer, offset, length));
            }
            final int status = decoder.decode(buffer, offset, length, this);
            if (status != SyncStatus.OK.code()) {
                rejected++;
                final String text = where + ": dropped: " + SyncStatus.of(status).description() + " at byte "
                        + decoder.errorOffset();
                err.println(text);
                if (verbose) {
                    out.println("# " + text);
                }
            }
        }

        private String header(DirectBuffer b, int offset, int length) {
            if (length < V0HeaderFlyweight.LENGTH) {
                return "no header";
            }
            v0Header.wrap(b, offset);
            v1Header.wrap(b, offset);
            return v1Header.isVersion1(length)
                    ? "v1 syncid " + v1Header.syncId() + " size " + v1Header.size() + " count " + v1Header.count()
                    : "v0 syncid " + v0Header.syncId() + " size " + v0Header.size() + " count " + v0Header.count();
        }

        @Override
        public void onEntry(SyncEntry e) {
            entries++;
            out.println(row(e, timeouts));
            if (verbose) {
                out.println("#   " + details(e));
            }
        }

        @Override
        public void onSkipped(SyncEntry e, int status) {
            skipped++;
            final String text = where + ": entry at byte " + e.offset() + " skipped ("
                    + SyncStatus.of(status).description() + "): " + row(e, timeouts);
            err.println(text);
            if (verbose) {
                out.println("# " + text);
            }
        }

        private static String details(SyncEntry e) {
            StringBuilder s = new StringBuilder("at byte ").append(e.offset()).append(" v").append(e.version())
                    .append(" protocol ").append(e.protocol()).append(" state ").append(e.state())
                    .append(" flags ").append(flagsText(e.flags()))
                    .append(" timeout ").append(e.timeoutSeconds()).append(" fwmark ").append(e.fwmark() & 0xFFFF_FFFFL);
            if (e.hasSeq()) {
                s.append(" seq in ").append(seqText(e, SeqDataFlyweight.IN_INIT_SEQ_OFFSET))
                        .append(" out ").append(seqText(e, SeqDataFlyweight.OUT_INIT_SEQ_OFFSET));
            }
            if (e.peDataLength() > 0 || e.peNameLength() > 0) {
                s.append(" pe ").append(e.peNameString()).append(' ').append(e.peDataString());
            }
            return s.toString();
        }

        private static String seqText(SyncEntry e, int first) {
            return (e.seq(first) & 0xFFFF_FFFFL) + "/" + e.seq(first + 4) + "/" + e.seq(first + 8);
        }
    }
}
