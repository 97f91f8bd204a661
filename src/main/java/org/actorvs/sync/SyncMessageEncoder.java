package org.actorvs.sync;

import java.nio.ByteOrder;

import org.actorvs.conn.ConnFlags;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Builds one sync message at a time, byte for byte as the kernel's ip_vs_sync_conn() (v1) and
 * ip_vs_sync_conn_v0() (v0) fill their sync buffer. {@link #append} returns false when the entry
 * does not fit: the caller sends {@link #buffer()} up to {@link #length()}, calls {@link #reset()}
 * and appends again. Not thread-safe: one encoder per sending thread. Allocates only in the
 * constructor.
 */
public final class SyncMessageEncoder {
    /** The longest v1 entry: IPv6, SEQ_DATA, 255 bytes of PE data, a 16-byte PE name. */
    public static final int MAX_V1_ENTRY_LENGTH = V1EntryFlyweight.IPV6_LENGTH
            + OptionFlyweight.HEADER_LENGTH + SeqDataFlyweight.LENGTH
            + OptionFlyweight.HEADER_LENGTH + OptionFlyweight.PE_DATA_MAX_LENGTH
            + OptionFlyweight.HEADER_LENGTH + OptionFlyweight.PE_NAME_MAX_LENGTH;

    private final int version;
    private final int syncId;
    private final int maxLength;
    private final UnsafeBuffer buffer;
    private final V0HeaderFlyweight v0Header = new V0HeaderFlyweight();
    private final V1HeaderFlyweight v1Header = new V1HeaderFlyweight();
    private final V0EntryFlyweight v0Entry = new V0EntryFlyweight();
    private final V1EntryFlyweight v1Entry = new V1EntryFlyweight();
    private final OptionFlyweight option = new OptionFlyweight();
    private final SeqDataFlyweight seqData = new SeqDataFlyweight();
    private int length;
    private int count;
    /** sb->end: fixed by the first entry, max(sync_maxlen, header + that entry), as ip_vs_sync_buff_create(). */
    private int end;

    /**
     * @param version 0 or 1 (sync_version)
     * @param syncId the master's syncid, 0..255
     * @param maxLength sync_maxlen, see {@link SyncLimits#masterMaxLength}
     */
    public SyncMessageEncoder(int version, int syncId, int maxLength) {
        if (version != 0 && version != 1) {
            throw new IllegalArgumentException("sync version must be 0 or 1: " + version);
        }
        if (syncId < 0 || syncId > 255) {
            throw new IllegalArgumentException("syncid must be 0..255: " + syncId);
        }
        if (maxLength < 1 || maxLength > SyncLimits.MAX_DATAGRAM) {
            throw new IllegalArgumentException("max message length must be 1..65535: " + maxLength);
        }
        this.version = version;
        this.syncId = syncId;
        this.maxLength = maxLength;
        this.buffer = new UnsafeBuffer(new byte[Math.max(maxLength, V1HeaderFlyweight.LENGTH + MAX_V1_ENTRY_LENGTH)]);
        reset();
    }

    /** Starts an empty message. */
    public void reset() {
        count = 0;
        end = 0;
        if (version == 1) {
            v1Header.wrap(buffer, 0).init(syncId);
            length = V1HeaderFlyweight.LENGTH;
        } else {
            v0Header.wrap(buffer, 0).count(0).syncId(syncId).size(V0HeaderFlyweight.LENGTH);
            length = V0HeaderFlyweight.LENGTH;
        }
    }

    /**
     * Appends one connection. An entry always fits an empty message (the message then grows past
     * the maximum, as the kernel's does); otherwise it must fit within the maximum, padding included,
     * and the message must hold fewer than 255 entries.
     *
     * <p>Version 0 cannot carry IPv6: such an entry is not written and true is returned, as
     * ip_vs_sync_conn_v0() silently drops it. ONE_PACKET connections are the caller's to leave
     * out (the kernel never syncs them).
     *
     * @return false when the message is full: send it, {@link #reset()}, append again
     */
    public boolean append(SyncEntry e) {
        return version == 1 ? appendV1(e) : appendV0(e);
    }

    private boolean appendV1(SyncEntry e) {
        final int af = e.af();
        final boolean seq = (e.flags() & ConnFlags.SEQ_MASK) != 0;
        final int peData = e.peDataLength();
        final int peName = peData > 0 ? e.peNameLength() : 0;
        final int entryLength = V1EntryFlyweight.fixedLength(af)
                + (seq ? OptionFlyweight.HEADER_LENGTH + SeqDataFlyweight.LENGTH : 0)
                + (peData > 0 ? OptionFlyweight.HEADER_LENGTH + peData : 0)
                + (peName > 0 ? OptionFlyweight.HEADER_LENGTH + peName : 0);
        final int pad = (4 - length) & 3;
        if (!reserve(pad + entryLength, V1HeaderFlyweight.LENGTH)) {
            return false;
        }
        for (int i = 0; i < pad; i++) {
            buffer.putByte(length + i, (byte) 0);
        }
        int at = length + pad;
        v1Entry.wrap(buffer, at).set(af, e.protocol(), entryLength, e.flags(), e.state(), e.cport(), e.vport(),
                e.dport(), e.fwmark(), e.timeoutSeconds());
        v1Entry.address(af, V1EntryFlyweight.CADDR_OFFSET, e.caddrHi(), e.caddrLo())
                .address(af, V1EntryFlyweight.vaddrOffset(af), e.vaddrHi(), e.vaddrLo())
                .address(af, V1EntryFlyweight.daddrOffset(af), e.daddrHi(), e.daddrLo());
        at += V1EntryFlyweight.fixedLength(af);
        if (seq) {
            option.wrap(buffer, at).set(OptionFlyweight.SEQ_DATA, SeqDataFlyweight.LENGTH);
            writeSeq(e, at + OptionFlyweight.VALUE_OFFSET, SeqDataFlyweight.V1_ORDER);
            at += OptionFlyweight.HEADER_LENGTH + SeqDataFlyweight.LENGTH;
        }
        if (peData > 0) {
            option.wrap(buffer, at).set(OptionFlyweight.PE_DATA, peData);
            at += OptionFlyweight.HEADER_LENGTH;
            for (int i = 0; i < peData; i++) {
                buffer.putByte(at + i, e.peData(i));
            }
            at += peData;
            if (peName > 0) {
                option.wrap(buffer, at).set(OptionFlyweight.PE_NAME, peName);
                at += OptionFlyweight.HEADER_LENGTH;
                for (int i = 0; i < peName; i++) {
                    buffer.putByte(at + i, (byte) e.peNameChar(i));
                }
            }
        }
        length += pad + entryLength;
        count++;
        v1Header.count(count).size(length);
        return true;
    }

    private boolean appendV0(SyncEntry e) {
        if (e.af() != 4) {
            return true;
        }
        final boolean seq = (e.flags() & ConnFlags.SEQ_MASK) != 0;
        final int entryLength = seq ? V0EntryFlyweight.LENGTH_WITH_SEQ : V0EntryFlyweight.LENGTH;
        if (!reserve(entryLength, V0HeaderFlyweight.LENGTH)) {
            return false;
        }
        v0Entry.wrap(buffer, length).set(e.protocol(), e.flags(), e.state(), e.caddrLo(), e.cport(), e.vaddrLo(),
                e.vport(), e.daddrLo(), e.dport());
        if (seq) {
            writeSeq(e, length + V0EntryFlyweight.LENGTH, SeqDataFlyweight.V0_ORDER);
        }
        length += entryLength;
        count++;
        v0Header.count(count).size(length);
        return true;
    }

    /** The kernel's "buff->head + len (+ pad) > buff->end" test, fixing sb->end on the first entry. */
    private boolean reserve(int bytes, int headerLength) {
        if (count == 0) {
            end = Math.max(maxLength, headerLength + bytes);
            return true;
        }
        return count < SyncLimits.MAX_ENTRIES && length + bytes <= end;
    }

    private void writeSeq(SyncEntry e, int at, ByteOrder order) {
        seqData.wrap(buffer, at);
        for (int field = 0; field < SeqDataFlyweight.LENGTH; field += Integer.BYTES) {
            seqData.word(field, e.seq(field), order);
        }
    }

    /** The message so far: {@link #length()} bytes from index 0. */
    public DirectBuffer buffer() {
        return buffer;
    }

    public int length() {
        return length;
    }

    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public int version() {
        return version;
    }

    public int maxLength() {
        return maxLength;
    }
}
