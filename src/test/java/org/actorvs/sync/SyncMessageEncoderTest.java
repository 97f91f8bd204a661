package org.actorvs.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.actorvs.conn.ConnFlags;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class SyncMessageEncoderTest {

    @Test
    void entryAfterAnOddLengthEntryIsPaddedToFourBytesAndTheLastIsNot() {
        SyncEntry sip = Messages.tcp(0).connection(4, SyncProtocols.UDP, ConnFlags.TEMPLATE, 1).peName("sip");
        byte[] callId = "abcdef".getBytes();
        sip.peData(new UnsafeBuffer(callId), 0, callId.length);
        int sipLength = V1EntryFlyweight.IPV4_LENGTH + 2 + 6 + 2 + 3; // 49
        byte[] m = Messages.encode(1, 7, sip, Messages.tcp(2), sip);
        int second = V1HeaderFlyweight.LENGTH + ((sipLength + 3) & ~3);
        int third = second + V1EntryFlyweight.IPV4_LENGTH;
        assertEquals(third + sipLength, m.length);
        assertEquals(sipLength, ByteBuffer.wrap(m).getShort(V1HeaderFlyweight.LENGTH + V1EntryFlyweight.VER_SIZE_OFFSET));
        assertEquals(0, m[second - 1]);
        assertEquals(2, ByteBuffer.wrap(m).getShort(second + V1EntryFlyweight.CPORT_OFFSET));
    }

    @Test
    void masterDefaultLengthHoldsFortyIpv4EntriesAsTheKernelsFullMessage() {
        SyncMessageEncoder encoder = new SyncMessageEncoder(1, 7, SyncLimits.masterMaxLength(0, false));
        for (int i = 0; i < 40; i++) {
            assertTrue(encoder.append(Messages.tcp(i)));
        }
        assertEquals(1448, encoder.length());
        assertFalse(encoder.append(Messages.tcp(40)));
        assertEquals(40, encoder.count());
        encoder.reset();
        assertTrue(encoder.append(Messages.tcp(40)));
        assertEquals(V1HeaderFlyweight.LENGTH + V1EntryFlyweight.IPV4_LENGTH, encoder.length());
    }

    @Test
    void anEntryLargerThanTheMaximumStillFillsAnEmptyMessageAlone() {
        SyncMessageEncoder encoder = new SyncMessageEncoder(1, 7, 16);
        assertTrue(encoder.append(Messages.tcp(1)));
        assertFalse(encoder.append(Messages.tcp(2)));
        assertEquals(V1HeaderFlyweight.LENGTH + V1EntryFlyweight.IPV4_LENGTH, encoder.length());
    }

    @Test
    void messageHoldsAtMost255EntriesBecauseTheCountIsOneByte() {
        SyncMessageEncoder encoder = new SyncMessageEncoder(0, 7, SyncLimits.masterMaxLength(65535, false));
        int appended = 0;
        while (encoder.append(Messages.tcp(appended))) {
            appended++;
        }
        assertEquals(SyncLimits.MAX_ENTRIES, appended);
        assertEquals(SyncLimits.MAX_ENTRIES, encoder.buffer().getByte(V0HeaderFlyweight.COUNT_OFFSET) & 0xFF);
    }

    @Test
    void version0LeavesOutIpv6Connections() {
        SyncMessageEncoder encoder = new SyncMessageEncoder(0, 7, 1472);
        assertTrue(encoder.append(Messages.tcp(1).connection(6, 6, 0, 1)));
        assertTrue(encoder.isEmpty());
        assertEquals(V0HeaderFlyweight.LENGTH, encoder.length());
    }

    @Test
    void sequenceDataIsBigEndianInV1AndHostOrderInV0() {
        SyncEntry e = Messages.tcp(1).connection(4, 6, ConnFlags.IN_SEQ, 1).seq(0x01020304, 0, 0, 0, 0, 0);
        byte[] v1 = Messages.encode(1, 7, e);
        int option = V1HeaderFlyweight.LENGTH + V1EntryFlyweight.IPV4_LENGTH;
        assertEquals(OptionFlyweight.SEQ_DATA, v1[option]);
        assertEquals(SeqDataFlyweight.LENGTH, v1[option + 1]);
        assertEquals(0x01020304, ByteBuffer.wrap(v1).getInt(option + OptionFlyweight.VALUE_OFFSET));
        byte[] v0 = Messages.encode(0, 7, e);
        assertEquals(V0HeaderFlyweight.LENGTH + V0EntryFlyweight.LENGTH_WITH_SEQ, v0.length);
        assertEquals(0x01020304, ByteBuffer.wrap(v0).order(ByteOrder.LITTLE_ENDIAN)
                .getInt(V0HeaderFlyweight.LENGTH + V0EntryFlyweight.LENGTH));
    }

    @Test
    void hashedFlagNeverGoesOnTheWire() {
        byte[] v1 = Messages.encode(1, 7, Messages.tcp(1).connection(4, 6, ConnFlags.HASHED | ConnFlags.NFCT, 1));
        assertEquals(ConnFlags.NFCT, ByteBuffer.wrap(v1).getInt(V1HeaderFlyweight.LENGTH + V1EntryFlyweight.FLAGS_OFFSET));
    }

    @Test
    void maxLengthFollowsTheKernelsMtuRule() {
        assertEquals(1472, SyncLimits.masterMaxLength(0, false));
        assertEquals(1452, SyncLimits.masterMaxLength(0, true));
        assertEquals(1, SyncLimits.masterMaxLength(-5, false));
        assertEquals(65507, SyncLimits.masterMaxLength(70000, false));
        assertEquals(8972, SyncLimits.backupMaxLength(0, 9000, false));
        assertEquals(1472, SyncLimits.backupMaxLength(0, 1280, false));
        assertEquals(1024, SyncLimits.backupMaxLength(100, 1500, false));
    }

    @Test
    void randomEntriesSurviveEncodeThenDecode() {
        SplittableRandom random = new SplittableRandom(5);
        SyncMessageDecoder decoder = new SyncMessageDecoder(0);
        for (int round = 0; round < 200; round++) {
            int version = random.nextInt(2);
            SyncMessageEncoder encoder = new SyncMessageEncoder(version, 3, 1472);
            List<String> sent = new ArrayList<>();
            for (SyncEntry e = randomEntry(random, version); encoder.append(e); e = randomEntry(random, version)) {
                sent.add(describe(e, version));
            }
            List<String> received = new ArrayList<>();
            int status = decoder.decode(encoder.buffer(), 0, encoder.length(), e -> received.add(describe(e, version)));
            assertEquals(SyncStatus.OK.code(), status);
            assertEquals(sent, received);
        }
    }

    private static SyncEntry randomEntry(SplittableRandom r, int version) {
        int af = version == 0 || r.nextBoolean() ? 4 : 6;
        int flags = r.nextInt() & ~ConnFlags.HASHED & (version == 0 ? 0xFFFF : -1) | ConnFlags.TEMPLATE;
        SyncEntry e = new SyncEntry().connection(af, r.nextInt(256), flags, r.nextInt(2))
                .client(af == 6 ? r.nextLong() : 0, af == 6 ? r.nextLong() : r.nextLong() & 0xFFFF_FFFFL, r.nextInt(65536))
                .virtual(af == 6 ? r.nextLong() : 0, af == 6 ? r.nextLong() : r.nextLong() & 0xFFFF_FFFFL, r.nextInt(65536))
                .destination(af == 6 ? r.nextLong() : 0, af == 6 ? r.nextLong() : r.nextLong() & 0xFFFF_FFFFL, r.nextInt(65536));
        if (version == 1) {
            e.fwmark(r.nextInt()).timeoutSeconds(r.nextLong() & 0xFFFF_FFFFL);
            if (r.nextInt(4) == 0) {
                byte[] data = new byte[1 + r.nextInt(255)];
                r.nextBytes(data);
                e.peData(new UnsafeBuffer(data), 0, data.length).peName("sip");
            }
        }
        return e.seq(r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt());
    }

    /** Every field that travels in {@code version}. */
    private static String describe(SyncEntry e, int version) {
        StringBuilder s = new StringBuilder().append(e.af()).append(' ').append(e.protocol()).append(' ')
                .append(e.flags()).append(' ').append(e.state()).append(' ').append(e.caddrHi()).append(e.caddrLo())
                .append(' ').append(e.cport()).append(e.vaddrHi()).append(e.vaddrLo()).append(e.vport())
                .append(e.daddrHi()).append(e.daddrLo()).append(e.dport()).append(' ').append(e.fwmark()).append(' ')
                .append(e.timeoutSeconds()).append(' ').append(e.peNameString()).append(e.peDataString());
        if ((e.flags() & ConnFlags.SEQ_MASK) != 0) {
            for (int i = 0; i < SeqDataFlyweight.LENGTH; i += 4) {
                s.append(' ').append(e.seq(i));
            }
        }
        return s.toString();
    }

    @Test
    void clearedEntryEncodesLikeAFreshOne() {
        SyncEntry used = Messages.tcp(5).seq(1, 2, 3, 4, 5, 6).fwmark(9);
        used.clear().connection(4, 6, 0, 1).client(0, Messages.CLIENT, 5);
        SyncEntry fresh = new SyncEntry().connection(4, 6, 0, 1).client(0, Messages.CLIENT, 5);
        assertArrayEquals(Messages.encode(1, 7, fresh), Messages.encode(1, 7, used));
    }
}
