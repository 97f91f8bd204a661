package org.actorvs.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import org.actorvs.conn.ConnFlags;
import org.actorvs.packet.InetAddresses;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class SyncMessageDecoderTest {
    private static final int OK = SyncStatus.OK.code();
    private static final int SECOND_ENTRY = V1HeaderFlyweight.LENGTH + V1EntryFlyweight.IPV4_LENGTH;

    private final SyncMessageDecoder decoder = new SyncMessageDecoder(0);
    private final Messages.Collector got = new Messages.Collector();

    @Test
    void threeByteDatagramIsTooShort() {
        assertEquals(SyncStatus.TOO_SHORT.code(), got.decode(decoder, new byte[3]));
    }

    @Test
    void sizeFieldOtherThanTheLengthDropsTheMessage() {
        byte[] m = Messages.encode(1, 7, Messages.tcp(1000));
        ByteBuffer.wrap(m).putShort(V1HeaderFlyweight.SIZE_OFFSET, (short) (m.length + 4));
        assertEquals(SyncStatus.BAD_SIZE.code(), got.decode(decoder, m));
        assertEquals(V1HeaderFlyweight.SIZE_OFFSET, decoder.errorOffset());
        assertEquals(List.of(), got.cports);
    }

    @Test
    void backupWithASyncIdIgnoresOtherSyncIds() {
        SyncMessageDecoder backup7 = new SyncMessageDecoder(7);
        assertEquals(SyncStatus.SYNC_ID_IGNORED.code(), got.decode(backup7, Messages.encode(1, 8, Messages.tcp(1))));
        assertEquals(OK, got.decode(backup7, Messages.encode(1, 7, Messages.tcp(2))));
        assertEquals(List.of(2), got.cports);
    }

    @Test
    void backupWithSyncIdZeroAcceptsEverySyncId() {
        assertEquals(OK, got.decode(decoder, Messages.encode(0, 8, Messages.tcp(1))));
        assertEquals(OK, got.decode(decoder, Messages.encode(1, 255, Messages.tcp(2))));
        assertEquals(List.of(1, 2), got.cports);
    }

    @Test
    void v1HeaderWithNonZeroSpareIsParsedAsVersion0() {
        byte[] m = Messages.encode(1, 7, Messages.tcp(1000));
        m[V1HeaderFlyweight.SPARE_OFFSET + 1] = 1;
        // as v0 the header claims 0 entries (byte 0 is v1's reserved 0)
        assertEquals(OK, got.decode(decoder, m));
        assertEquals(0, decoder.version());
        assertEquals(List.of(), got.cports);
    }

    @Test
    void entrySizePastTheEndDropsTheWholeMessageIncludingEarlierEntries() {
        byte[] m = Messages.encode(1, 7, Messages.tcp(1), Messages.tcp(2));
        ByteBuffer.wrap(m).putShort(SECOND_ENTRY + V1EntryFlyweight.VER_SIZE_OFFSET, (short) 0x0FFF);
        assertEquals(SyncStatus.ENTRY_PAST_END.code(), got.decode(decoder, m));
        assertEquals(SECOND_ENTRY, decoder.errorOffset());
        assertEquals(List.of(), got.cports);
    }

    @Test
    void countBeyondTheEntriesDropsTheV1Message() {
        byte[] m = Messages.encode(1, 7, Messages.tcp(1));
        m[V1HeaderFlyweight.COUNT_OFFSET] = 2;
        assertEquals(SyncStatus.ENTRY_TOO_SMALL.code(), got.decode(decoder, m));
        assertEquals(List.of(), got.cports);
    }

    @Test
    void nonZeroEntryVersionDropsTheMessage() {
        byte[] m = Messages.encode(1, 7, Messages.tcp(1));
        m[V1HeaderFlyweight.LENGTH + V1EntryFlyweight.VER_SIZE_OFFSET] |= 0x10;
        assertEquals(SyncStatus.ENTRY_VERSION.code(), got.decode(decoder, m));
    }

    @Test
    void entryTypeTwoIsRefusedButAnyOddTypeIsIpv6() {
        byte[] m = Messages.encode(1, 7, Messages.tcp(1));
        m[V1HeaderFlyweight.LENGTH] = 2;
        assertEquals(SyncStatus.ENTRY_TYPE.code(), got.decode(decoder, m));
        // type 3 selects the 72-byte IPv6 layout, which a 36-byte entry cannot hold
        m[V1HeaderFlyweight.LENGTH] = 3;
        assertEquals(SyncStatus.ENTRY_SHORTER_THAN_FIXED_PART.code(), got.decode(decoder, m));
    }

    @Test
    void zeroLengthOptionDropsTheMessage() {
        assertEquals(SyncStatus.OPTION_LENGTH.code(), got.decode(decoder, withOption(1, 0, 1)));
    }

    @Test
    void lonelyOptionTypeByteDropsTheMessage() {
        byte[] m = withOption(OptionFlyweight.PE_DATA, 1, 1);
        byte[] cut = Arrays.copyOf(m, m.length - 2);
        ByteBuffer.wrap(cut).putShort(V1HeaderFlyweight.SIZE_OFFSET, (short) cut.length);
        ByteBuffer.wrap(cut).putShort(V1HeaderFlyweight.LENGTH + V1EntryFlyweight.VER_SIZE_OFFSET,
                (short) (V1EntryFlyweight.IPV4_LENGTH + 1));
        assertEquals(SyncStatus.OPTION_HEADER.code(), got.decode(decoder, cut));
    }

    @Test
    void sequenceOptionOfOtherThan24BytesDropsTheMessage() {
        assertEquals(SyncStatus.OPTION_SEQ_DATA.code(), got.decode(decoder, withOption(OptionFlyweight.SEQ_DATA, 23, 1)));
    }

    @Test
    void repeatedPeDataDropsTheMessage() {
        byte[] m = withOption(OptionFlyweight.PE_DATA, 2, 2);
        assertEquals(SyncStatus.OPTION_PE_DATA.code(), got.decode(decoder, m));
    }

    @Test
    void peNameLongerThan16BytesDropsTheMessage() {
        assertEquals(SyncStatus.OPTION_PE_NAME.code(), got.decode(decoder, withOption(OptionFlyweight.PE_NAME, 17, 1)));
    }

    @Test
    void invalidStateSkipsOnlyThatEntry() {
        SyncEntry bad = Messages.tcp(2).connection(4, SyncProtocols.TCP, 0, 11);
        assertEquals(OK, got.decode(decoder, Messages.encode(1, 7, Messages.tcp(1), bad, Messages.tcp(3))));
        assertEquals(List.of(1, 3), got.cports);
        assertEquals(List.of(SyncStatus.SKIP_INVALID_STATE.code()), got.skips);
    }

    @Test
    void unsupportedProtocolSkipsTheEntryButNotATemplate() {
        SyncEntry icmp = Messages.tcp(1).connection(4, 1, 0, 0);
        SyncEntry fwmarkTemplate = Messages.tcp(2).connection(4, 0, ConnFlags.TEMPLATE, 5);
        assertEquals(OK, got.decode(decoder, Messages.encode(0, 7, icmp, fwmarkTemplate)));
        assertEquals(List.of(2), got.cports);
        assertEquals(List.of(SyncStatus.SKIP_UNSUPPORTED_PROTOCOL.code()), got.skips);
    }

    @Test
    void unknownMandatoryOptionSkipsTheEntryAndAnOptionalOneIsIgnored() {
        assertEquals(OK, got.decode(decoder, withOption(9, 1, 1)));
        assertEquals(List.of(SyncStatus.SKIP_UNKNOWN_MANDATORY_OPTION.code()), got.skips);
        assertEquals(OK, got.decode(decoder, withOption(9 | OptionFlyweight.F_PARAM, 1, 1)));
        assertEquals(List.of(1000), got.cports);
    }

    @Test
    void peDataNeedsTheSipEngineName() {
        SyncEntry template = Messages.tcp(0).connection(4, SyncProtocols.UDP, ConnFlags.TEMPLATE, 1);
        byte[] callId = "call-1".getBytes();
        template.peData(new UnsafeBuffer(callId), 0, callId.length);
        assertEquals(OK, got.decode(decoder, Messages.encode(1, 7, template.peName("sip"))));
        assertEquals(OK, got.decode(decoder, Messages.encode(1, 7, template.peName("xyz"))));
        assertEquals(List.of("sip:call-1"), got.peData);
        assertEquals(List.of(SyncStatus.SKIP_UNKNOWN_PE.code()), got.skips);
    }

    @Test
    void v0CountBeyondTheEntriesDropsTheWholeMessage() {
        // the kernel applies the entries present, then logs "bogus conn": here nothing applies
        byte[] m = Messages.encode(0, 7, Messages.tcp(1), Messages.tcp(2));
        m[V0HeaderFlyweight.COUNT_OFFSET] = 3;
        assertEquals(SyncStatus.V0_ENTRY_PAST_END.code(), got.decode(decoder, m));
        assertEquals(List.of(), got.cports);
    }

    @Test
    void v0SequenceDataIsReadInTheSendersLittleEndianOrder() {
        byte[] m = Messages.encode(0, 7, Messages.tcp(1));
        byte[] withSeq = Arrays.copyOf(m, m.length + SeqDataFlyweight.LENGTH);
        ByteBuffer b = ByteBuffer.wrap(withSeq);
        b.putShort(V0HeaderFlyweight.SIZE_OFFSET, (short) withSeq.length);
        b.putShort(V0HeaderFlyweight.LENGTH + V0EntryFlyweight.FLAGS_OFFSET, (short) ConnFlags.OUT_SEQ);
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(m.length + SeqDataFlyweight.OUT_DELTA_OFFSET, 42);
        assertEquals(OK, got.decode(decoder, withSeq));
        assertArrayEquals(new int[] {0, 0, 0, 0, 42, 0}, got.seq.get(0));
        // cut the sequence data short: the message is bogus
        byte[] cut = Arrays.copyOf(withSeq, withSeq.length - 1);
        ByteBuffer.wrap(cut).putShort(V0HeaderFlyweight.SIZE_OFFSET, (short) cut.length);
        assertEquals(SyncStatus.V0_SEQ_PAST_END.code(), got.decode(decoder, cut));
    }

    @Test
    void v1KeepsOnlyTheBackupMaskOfTheFlagsAndV0KeepsAllButHashed() {
        int wire = ConnFlags.NFCT | ConnFlags.ONE_PACKET | ConnFlags.INACTIVE | ConnFlags.DROUTE;
        got.decode(decoder, Messages.encode(1, 7, Messages.tcp(1).connection(4, 6, wire, 1)));
        assertEquals(wire, got.lastFlags);
        assertEquals(ConnFlags.INACTIVE | ConnFlags.DROUTE | ConnFlags.SYNC, got.lastBackupFlags);
        got.decode(decoder, Messages.encode(0, 7, Messages.tcp(1).connection(4, 6, wire, 1)));
        assertEquals(ConnFlags.ONE_PACKET | ConnFlags.INACTIVE | ConnFlags.DROUTE | ConnFlags.SYNC, got.lastBackupFlags);
    }

    @Test
    void ipv6EntryAddressesArriveAsHiAndLo() {
        long[] client = InetAddresses.parseIpv6("fd00:99::1");
        SyncEntry e = Messages.tcp(37684).connection(6, 6, 0, 1).client(client[0], client[1], 37684);
        SyncEntry[] seen = new SyncEntry[1];
        byte[] m = Messages.encode(1, 7, e);
        assertEquals(V1HeaderFlyweight.LENGTH + V1EntryFlyweight.IPV6_LENGTH, m.length);
        decoder.decode(new UnsafeBuffer(m), 0, m.length, x -> {
            assertEquals(6, x.af());
            assertEquals("fd00:99::1", InetAddresses.format(6, x.caddrHi(), x.caddrLo()));
            seen[0] = x;
        });
        assertTrue(seen[0] != null);
    }

    /** One IPv4 entry (client port 1000) followed by {@code copies} options of {@code length} zero value bytes. */
    private static byte[] withOption(int type, int length, int copies) {
        byte[] base = Messages.encode(1, 7, Messages.tcp(1000));
        byte[] m = Arrays.copyOf(base, base.length + copies * (OptionFlyweight.HEADER_LENGTH + length));
        for (int at = base.length; at < m.length; at += OptionFlyweight.HEADER_LENGTH + length) {
            m[at + OptionFlyweight.TYPE_OFFSET] = (byte) type;
            m[at + OptionFlyweight.LENGTH_OFFSET] = (byte) length;
        }
        ByteBuffer b = ByteBuffer.wrap(m);
        b.putShort(V1HeaderFlyweight.SIZE_OFFSET, (short) m.length);
        b.putShort(V1HeaderFlyweight.LENGTH + V1EntryFlyweight.VER_SIZE_OFFSET, (short) (m.length - V1HeaderFlyweight.LENGTH));
        return m;
    }
}
