package org.actorvs.sync;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.actorvs.conn.ConnFlags;
import org.agrona.DirectBuffer;

/**
 * One connection of a sync message as primitive fields: what {@link SyncMessageDecoder} hands out
 * (one reused instance, valid only during the callback) and what {@link SyncMessageEncoder} writes.
 * Addresses follow the (af, hi, lo) convention; ports are 0..65535. PE data and name are copied
 * into fixed arrays, so filling an entry never allocates.
 */
public final class SyncEntry {
    private int version = 1;
    private int offset;
    private int af = 4;
    private int protocol;
    private int flags;
    private int state;
    private long caddrHi;
    private long caddrLo;
    private int cport;
    private long vaddrHi;
    private long vaddrLo;
    private int vport;
    private long daddrHi;
    private long daddrLo;
    private int dport;
    private int fwmark;
    private long timeout;
    private boolean hasSeq;
    private final int[] seq = new int[SeqDataFlyweight.LENGTH / Integer.BYTES];
    private final byte[] peData = new byte[OptionFlyweight.PE_DATA_MAX_LENGTH];
    private int peDataLength;
    private final byte[] peName = new byte[OptionFlyweight.PE_NAME_MAX_LENGTH];
    private int peNameLength;

    /** Resets every field to a version 1 IPv4 entry of protocol 0 with no options. */
    public SyncEntry clear() {
        version = 1;
        offset = 0;
        af = 4;
        protocol = 0;
        flags = 0;
        state = 0;
        caddrHi = caddrLo = vaddrHi = vaddrLo = daddrHi = daddrLo = 0;
        cport = vport = dport = 0;
        fwmark = 0;
        timeout = 0;
        hasSeq = false;
        Arrays.fill(seq, 0);
        peDataLength = 0;
        peNameLength = 0;
        return this;
    }

    /** The format version of the message the entry came from (0 or 1). */
    public int version() {
        return version;
    }

    /** Where the entry starts, relative to the message start (decoded entries only). */
    public int offset() {
        return offset;
    }

    public int af() {
        return af;
    }

    public int protocol() {
        return protocol;
    }

    /** The flags as carried on the wire: 32 bits in v1, 16 in v0. */
    public int flags() {
        return flags;
    }

    /**
     * The flags a backup gives the connection: v1 keeps only BACKUP_MASK (ip_vs_proc_sync_conn());
     * v0 keeps all 16 bits but HASHED (ip_vs_process_message_v0()); both add SYNC.
     */
    public int backupFlags() {
        return version == 0 ? (flags | ConnFlags.SYNC) & ~ConnFlags.HASHED
                : (flags & ConnFlags.BACKUP_MASK) | ConnFlags.SYNC;
    }

    public boolean template() {
        return (flags & ConnFlags.TEMPLATE) != 0;
    }

    public int state() {
        return state;
    }

    public long caddrHi() {
        return caddrHi;
    }

    public long caddrLo() {
        return caddrLo;
    }

    public int cport() {
        return cport;
    }

    public long vaddrHi() {
        return vaddrHi;
    }

    public long vaddrLo() {
        return vaddrLo;
    }

    public int vport() {
        return vport;
    }

    public long daddrHi() {
        return daddrHi;
    }

    public long daddrLo() {
        return daddrLo;
    }

    public int dport() {
        return dport;
    }

    /** Firewall mark; always 0 from a v0 message. */
    public int fwmark() {
        return fwmark;
    }

    /** The master's current timeout period in seconds; 0 from a v0 message ("use the default"). */
    public long timeoutSeconds() {
        return timeout;
    }

    /** Whether sequence data came with the entry (v1 SEQ_DATA option; v0 SEQ flags). */
    public boolean hasSeq() {
        return hasSeq;
    }

    /** A sequence word by its {@link SeqDataFlyweight} offset, e.g. {@code seq(SeqDataFlyweight.OUT_DELTA_OFFSET)}. */
    public int seq(int field) {
        return seq[field / Integer.BYTES];
    }

    public int peDataLength() {
        return peDataLength;
    }

    public byte peData(int index) {
        return peData[index];
    }

    /** Copies the PE data into {@code dst} at {@code at}; returns its length. */
    public int copyPeData(byte[] dst, int at) {
        System.arraycopy(peData, 0, dst, at, peDataLength);
        return peDataLength;
    }

    public int peNameLength() {
        return peNameLength;
    }

    /** Whether the PE name is exactly {@code name} (ASCII), without allocating. */
    public boolean peNameEquals(String name) {
        if (name.length() != peNameLength) {
            return false;
        }
        for (int i = 0; i < peNameLength; i++) {
            if ((peName[i] & 0xFF) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** One byte of the PE name, 0..255. */
    public int peNameChar(int index) {
        return peName[index] & 0xFF;
    }

    /** For display only: allocates. */
    public String peNameString() {
        return new String(peName, 0, peNameLength, StandardCharsets.ISO_8859_1);
    }

    /** For display only: allocates. */
    public String peDataString() {
        return new String(peData, 0, peDataLength, StandardCharsets.ISO_8859_1);
    }

    public SyncEntry connection(int af, int protocol, int flags, int state) {
        if (af != 4 && af != 6) {
            throw new IllegalArgumentException("af must be 4 or 6: " + af);
        }
        this.af = af;
        this.protocol = protocol;
        this.flags = flags;
        this.state = state;
        return this;
    }

    public SyncEntry client(long hi, long lo, int port) {
        caddrHi = hi;
        caddrLo = lo;
        cport = port;
        return this;
    }

    public SyncEntry virtual(long hi, long lo, int port) {
        vaddrHi = hi;
        vaddrLo = lo;
        vport = port;
        return this;
    }

    public SyncEntry destination(long hi, long lo, int port) {
        daddrHi = hi;
        daddrLo = lo;
        dport = port;
        return this;
    }

    public SyncEntry fwmark(int fwmark) {
        this.fwmark = fwmark;
        return this;
    }

    /** @param seconds the connection's timeout period (cp->timeout / HZ), unsigned 32-bit */
    public SyncEntry timeoutSeconds(long seconds) {
        this.timeout = seconds & 0xFFFF_FFFFL;
        return this;
    }

    /** Sequence data; the encoder sends it when the flags have IN_SEQ or OUT_SEQ, as the kernel does. */
    public SyncEntry seq(int inInitSeq, int inDelta, int inPreviousDelta, int outInitSeq, int outDelta,
            int outPreviousDelta) {
        seq[0] = inInitSeq;
        seq[1] = inDelta;
        seq[2] = inPreviousDelta;
        seq[3] = outInitSeq;
        seq[4] = outDelta;
        seq[5] = outPreviousDelta;
        hasSeq = true;
        return this;
    }

    /** PE data of 0..255 bytes (0 removes it, and with it the name on the wire). */
    public SyncEntry peData(DirectBuffer src, int index, int length) {
        if (length < 0 || length > peData.length) {
            throw new IllegalArgumentException("PE data length " + length + " is outside 0.." + peData.length);
        }
        src.getBytes(index, peData, 0, length);
        peDataLength = length;
        return this;
    }

    /** PE name of 0..16 ASCII bytes, e.g. "sip". */
    public SyncEntry peName(String name) {
        if (name.length() > peName.length) {
            throw new IllegalArgumentException("PE name longer than " + peName.length + ": " + name);
        }
        for (int i = 0; i < name.length(); i++) {
            peName[i] = (byte) name.charAt(i);
        }
        peNameLength = name.length();
        return this;
    }

    void decoded(int version, int offset) {
        this.version = version;
        this.offset = offset;
    }

    void seqFrom(SeqDataFlyweight data, ByteOrder order) {
        for (int i = 0; i < seq.length; i++) {
            seq[i] = data.word(i * Integer.BYTES, order);
        }
        hasSeq = true;
    }

    void noOptions() {
        hasSeq = false;
        peDataLength = 0;
        peNameLength = 0;
    }

    void peNameFrom(DirectBuffer src, int index, int length) {
        src.getBytes(index, peName, 0, length);
        peNameLength = length;
    }
}
