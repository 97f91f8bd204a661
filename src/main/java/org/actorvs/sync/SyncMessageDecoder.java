package org.actorvs.sync;

import org.actorvs.conn.ConnFlags;
import org.agrona.DirectBuffer;

/**
 * Decodes one sync datagram, version 0 or 1, with the checks of the kernel's
 * ip_vs_process_message(), ip_vs_process_message_v0() and ip_vs_proc_sync_conn(), and hands each
 * accepted entry to a handler as one reused {@link SyncEntry}. Never throws on input and never
 * reads outside {@code [offset, offset + length)}; allocates nothing per message.
 *
 * <p>One deliberate difference from the kernel: the kernel applies v1 entries one by one and stops
 * at the first malformed one (and v0 stops at a truncated entry), so the entries before it have
 * already changed its table. Here a message is validated completely first and delivers nothing
 * when any check that would abort the kernel's loop fails: a rejected message never creates or
 * changes a connection. Entry-level skips (unknown protocol, bad state, unknown mandatory option,
 * unknown PE) drop only that entry, as in the kernel, and are reported to
 * {@link EntryHandler#onSkipped}. Not thread-safe: one decoder per receiving thread.
 */
public final class SyncMessageDecoder {

    /** Receives the entries of an accepted message, in message order. */
    @FunctionalInterface
    public interface EntryHandler {
        /** An entry the kernel would apply; {@code entry} is reused after the call returns. */
        void onEntry(SyncEntry entry);

        /** An entry the kernel skips (a SKIP_ {@link SyncStatus} code); the default ignores it. */
        default void onSkipped(SyncEntry entry, int status) {
        }
    }

    private static final int OK = SyncStatus.OK.code();

    private final V0HeaderFlyweight v0Header = new V0HeaderFlyweight();
    private final V1HeaderFlyweight v1Header = new V1HeaderFlyweight();
    private final V0EntryFlyweight v0Entry = new V0EntryFlyweight();
    private final V1EntryFlyweight v1Entry = new V1EntryFlyweight();
    private final OptionFlyweight option = new OptionFlyweight();
    private final SeqDataFlyweight seqData = new SeqDataFlyweight();
    private final SyncEntry entry = new SyncEntry();
    private int backupSyncId;

    private int version;
    private int syncId;
    private int count;
    private int errorOffset;
    private int delivered;
    private int skipped;

    /** @param backupSyncId the backup's syncid: 0 accepts every message, otherwise only that syncid */
    public SyncMessageDecoder(int backupSyncId) {
        backupSyncId(backupSyncId);
    }

    public void backupSyncId(int syncId) {
        if (syncId < 0 || syncId > 255) {
            throw new IllegalArgumentException("syncid must be 0..255: " + syncId);
        }
        this.backupSyncId = syncId;
    }

    public int backupSyncId() {
        return backupSyncId;
    }

    /**
     * Decodes the datagram of {@code length} bytes at {@code offset}.
     *
     * @return a {@link SyncStatus} code: OK when the message was accepted (its entries were
     *         delivered, some perhaps skipped), otherwise why it was dropped whole
     */
    public int decode(DirectBuffer buffer, int offset, int length, EntryHandler handler) {
        version = -1;
        syncId = -1;
        count = 0;
        errorOffset = 0;
        delivered = 0;
        skipped = 0;
        if (offset < 0 || length < V0HeaderFlyweight.LENGTH || offset > buffer.capacity() - length) {
            return SyncStatus.TOO_SHORT.code();
        }
        v0Header.wrap(buffer, offset);
        syncId = v0Header.syncId();
        if (v0Header.size() != length) {
            errorOffset = V0HeaderFlyweight.SIZE_OFFSET;
            return SyncStatus.BAD_SIZE.code();
        }
        if (backupSyncId != 0 && syncId != backupSyncId) {
            errorOffset = V0HeaderFlyweight.SYNC_ID_OFFSET;
            return SyncStatus.SYNC_ID_IGNORED.code();
        }
        v1Header.wrap(buffer, offset);
        if (v1Header.isVersion1(length)) {
            version = 1;
            count = v1Header.count();
            int status = walkV1(buffer, offset, length, null);
            return status != OK ? status : walkV1(buffer, offset, length, handler);
        }
        version = 0;
        count = v0Header.count();
        int status = walkV0(buffer, offset, length, null);
        return status != OK ? status : walkV0(buffer, offset, length, handler);
    }

    /** The version the last message was parsed as (0 or 1), -1 when its header was refused first. */
    public int version() {
        return version;
    }

    /** The syncid of the last message, -1 when it was too short to have one. */
    public int syncId() {
        return syncId;
    }

    /** The entry count its header claimed. */
    public int count() {
        return count;
    }

    /** Where, relative to the message start, the check that refused the last message failed. */
    public int errorOffset() {
        return errorOffset;
    }

    /** Entries of the last message handed to {@link EntryHandler#onEntry}. */
    public int delivered() {
        return delivered;
    }

    /** Entries of the last message skipped one by one. */
    public int skipped() {
        return skipped;
    }

    /**
     * One pass over the v1 entries as ip_vs_process_message()'s loop: validation only when
     * {@code handler} is null, delivery otherwise (after a validation pass succeeded).
     */
    private int walkV1(DirectBuffer buffer, int base, int length, EntryHandler handler) {
        int at = V1HeaderFlyweight.LENGTH;
        for (int i = 0; i < count; i++) {
            // the kernel asks for sizeof(v4) here even when the entry turns out to be IPv6
            if (at > length - V1EntryFlyweight.IPV4_LENGTH) {
                return fail(SyncStatus.ENTRY_TOO_SMALL, at);
            }
            v1Entry.wrap(buffer, base + at);
            final int size = v1Entry.size();
            if (at + size > length) {
                return fail(SyncStatus.ENTRY_PAST_END, at);
            }
            if (v1Entry.entryVersion() != 0) {
                return fail(SyncStatus.ENTRY_VERSION, at);
            }
            final int status = parseV1Entry(buffer, base, at, at + size);
            if (status != OK && !SyncStatus.of(status).entryOnly()) {
                return status;
            }
            if (handler != null) {
                deliver(handler, status);
            }
            at += (size + 3) & ~3;
        }
        return OK;
    }

    /** ip_vs_proc_sync_conn(): fills {@link #entry}; returns OK, an abort code or a SKIP_ code. */
    private int parseV1Entry(DirectBuffer buffer, int base, int start, int end) {
        final int type = v1Entry.type();
        final int af;
        if ((type & V1EntryFlyweight.TYPE_F_INET6) != 0) {
            af = 6;
        } else if (type == 0) {
            af = 4;
        } else {
            return fail(SyncStatus.ENTRY_TYPE, start);
        }
        int at = start + V1EntryFlyweight.fixedLength(af);
        if (at > end) {
            return fail(SyncStatus.ENTRY_SHORTER_THAN_FIXED_PART, start);
        }
        final int flags = v1Entry.flags();
        final int state = v1Entry.state();
        entry.clear();
        entry.decoded(1, start);
        entry.connection(af, v1Entry.protocol(), flags, state)
                .client(v1Entry.addressHi(af, V1EntryFlyweight.CADDR_OFFSET),
                        v1Entry.addressLo(af, V1EntryFlyweight.CADDR_OFFSET), v1Entry.cport())
                .virtual(v1Entry.addressHi(af, V1EntryFlyweight.vaddrOffset(af)),
                        v1Entry.addressLo(af, V1EntryFlyweight.vaddrOffset(af)), v1Entry.vport())
                .destination(v1Entry.addressHi(af, V1EntryFlyweight.daddrOffset(af)),
                        v1Entry.addressLo(af, V1EntryFlyweight.daddrOffset(af)), v1Entry.dport())
                .fwmark(v1Entry.fwmark())
                .timeoutSeconds(v1Entry.timeout());
        boolean unknownMandatory = false;
        boolean seqSeen = false;
        int peDataAt = -1;
        int peDataLength = 0;
        int peNameAt = -1;
        int peNameLength = 0;
        while (at < end) {
            if (at + OptionFlyweight.HEADER_LENGTH > end) {
                return fail(SyncStatus.OPTION_HEADER, at);
            }
            option.wrap(buffer, base + at);
            final int optionType = option.type();
            final int optionLength = option.length();
            final int value = at + OptionFlyweight.VALUE_OFFSET;
            if (optionLength == 0 || value + optionLength > end) {
                return fail(SyncStatus.OPTION_LENGTH, at);
            }
            switch (optionType & ~OptionFlyweight.F_PARAM) {
                case OptionFlyweight.SEQ_DATA:
                    if (optionLength != SeqDataFlyweight.LENGTH || seqSeen) {
                        return fail(SyncStatus.OPTION_SEQ_DATA, at);
                    }
                    seqSeen = true;
                    entry.seqFrom(seqData.wrap(buffer, base + value), SeqDataFlyweight.V1_ORDER);
                    break;
                case OptionFlyweight.PE_DATA:
                    // a u8 length cannot exceed IP_VS_PEDATA_MAXLEN (255): only a repeat fails
                    if (peDataAt >= 0) {
                        return fail(SyncStatus.OPTION_PE_DATA, at);
                    }
                    peDataAt = value;
                    peDataLength = optionLength;
                    break;
                case OptionFlyweight.PE_NAME:
                    if (optionLength > OptionFlyweight.PE_NAME_MAX_LENGTH || peNameAt >= 0) {
                        return fail(SyncStatus.OPTION_PE_NAME, at);
                    }
                    peNameAt = value;
                    peNameLength = optionLength;
                    break;
                default:
                    // the kernel leaves the loop here (goto out), so later options go unchecked
                    if ((optionType & OptionFlyweight.F_PARAM) == 0) {
                        unknownMandatory = true;
                        at = end;
                        continue;
                    }
            }
            at = value + optionLength;
        }
        if (peDataAt >= 0) {
            entry.peData(buffer, base + peDataAt, peDataLength);
        }
        if (peNameAt >= 0) {
            entry.peNameFrom(buffer, base + peNameAt, peNameLength);
        }
        if (unknownMandatory) {
            return SyncStatus.SKIP_UNKNOWN_MANDATORY_OPTION.code();
        }
        final int skip = checkProtocolAndState(v1Entry.protocol(), flags, state);
        if (skip != OK) {
            return skip;
        }
        // ip_vs_conn_fill_param_sync(): PE data needs a registered engine named beside it
        if (peDataAt >= 0 && !entry.peNameEquals(SyncProtocols.SIP_ENGINE)) {
            return SyncStatus.SKIP_UNKNOWN_PE.code();
        }
        return OK;
    }

    private int walkV0(DirectBuffer buffer, int base, int length, EntryHandler handler) {
        int at = V0HeaderFlyweight.LENGTH;
        for (int i = 0; i < count; i++) {
            if (at > length - V0EntryFlyweight.LENGTH) {
                return fail(SyncStatus.V0_ENTRY_PAST_END, at);
            }
            v0Entry.wrap(buffer, base + at);
            final int flags = v0Entry.flags();
            final boolean hasSeq = (flags & ConnFlags.SEQ_MASK) != 0;
            if (hasSeq && at > length - V0EntryFlyweight.LENGTH_WITH_SEQ) {
                return fail(SyncStatus.V0_SEQ_PAST_END, at);
            }
            if (handler != null) {
                entry.clear();
                entry.decoded(0, at);
                entry.connection(4, v0Entry.protocol(), flags, v0Entry.state())
                        .client(0, v0Entry.caddr(), v0Entry.cport())
                        .virtual(0, v0Entry.vaddr(), v0Entry.vport())
                        .destination(0, v0Entry.daddr(), v0Entry.dport());
                if (hasSeq) {
                    entry.seqFrom(seqData.wrap(buffer, base + at + V0EntryFlyweight.LENGTH), SeqDataFlyweight.V0_ORDER);
                }
                deliver(handler, checkProtocolAndState(v0Entry.protocol(), flags, v0Entry.state()));
            }
            at += hasSeq ? V0EntryFlyweight.LENGTH_WITH_SEQ : V0EntryFlyweight.LENGTH;
        }
        return OK;
    }

    /**
     * The per-entry checks both versions make (ip_vs_proc_sync_conn() codes 30 and 40,
     * ip_vs_process_message_v0()'s "continue"): on non-templates only. A template in a state at or
     * past IP_VS_CTPL_S_LAST ({@link SyncProtocols#TEMPLATE_STATES}) is only logged by the kernel,
     * then applied with that state, whatever its protocol.
     */
    private static int checkProtocolAndState(int protocol, int flags, int state) {
        if ((flags & ConnFlags.TEMPLATE) != 0) {
            return OK;
        }
        final int states = SyncProtocols.stateCount(protocol);
        if (states == 0) {
            return SyncStatus.SKIP_UNSUPPORTED_PROTOCOL.code();
        }
        return state >= states ? SyncStatus.SKIP_INVALID_STATE.code() : OK;
    }

    private void deliver(EntryHandler handler, int status) {
        if (status == OK) {
            delivered++;
            handler.onEntry(entry);
        } else {
            skipped++;
            handler.onSkipped(entry, status);
        }
    }

    private int fail(SyncStatus status, int at) {
        errorOffset = at;
        return status.code();
    }
}
