package org.actorvs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.packet.IpProtocol;
import org.junit.jupiter.api.Test;

class SeqAdjustmentsTest {
    private static final int NEAR_WRAP = 0xFFFF_FFF0;

    private final ConnectionTable table = new ConnectionTable(16, 10_000_000L, null);
    private final SeqAdjustments seq = new SeqAdjustments();
    private final int cp = table.insert(IpProtocol.TCP, 4, 0, 1, 1000, 0, 2, 21, 0, 3, 21, ConnFlags.MASQ, -1,
            ConnectionTable.NONE, 0);

    @Test
    void afterAndBeforeCompareAcrossTheWrap() {
        assertTrue(SeqAdjustments.after(5, NEAR_WRAP));
        assertTrue(SeqAdjustments.before(NEAR_WRAP, 5));
        assertFalse(SeqAdjustments.after(NEAR_WRAP, 5));
        assertFalse(SeqAdjustments.after(7, 7));
        assertTrue(SeqAdjustments.after(Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void aSequenceNumberPastTheWrapGetsTheDeltaAndTheResizedSegmentItselfThePreviousOne() {
        assertEquals(5 + 3, SeqAdjustments.fixSeq(5, NEAR_WRAP, 3, 1));
        assertEquals(NEAR_WRAP + 1, SeqAdjustments.fixSeq(NEAR_WRAP, NEAR_WRAP, 3, 1));
        assertEquals(0xFFFF_FFFE, SeqAdjustments.fixSeq(1, NEAR_WRAP, -3, 0));
    }

    @Test
    void anAckIsComparedWithTheRewrittenStartOfTheResizedSegment() {
        // init_seq + delta wraps: 0xFFFFFFF0 + 0x20 = 0x10.
        assertEquals(0x11 - 0x20, SeqAdjustments.fixAck(0x11, NEAR_WRAP, 0x20, 0));
        assertEquals(0x10 - 4, SeqAdjustments.fixAck(0x10, NEAR_WRAP, 0x20, 4));
        assertEquals(99, SeqAdjustments.fixAck(99, 0, 0, 0));
    }

    @Test
    void anUpdateSetsTheFlagAndAccumulatesDeltas() {
        seq.update(table, cp, SeqAdjustments.OUT, NEAR_WRAP, 2);
        seq.update(table, cp, SeqAdjustments.OUT, 0x10, -5);

        assertEquals(ConnFlags.OUT_SEQ, table.flags(cp) & ConnFlags.SEQ_MASK);
        assertEquals(0x10, seq.initSeq(cp, SeqAdjustments.OUT));
        assertEquals(-3, seq.delta(cp, SeqAdjustments.OUT));
        assertEquals(2, seq.previousDelta(cp, SeqAdjustments.OUT));
        assertEquals(0, seq.delta(cp, SeqAdjustments.IN));
    }

    @Test
    void aRetransmittedOlderSegmentDoesNotCountTwice() {
        seq.update(table, cp, SeqAdjustments.IN, 0x10, 2);
        seq.update(table, cp, SeqAdjustments.IN, NEAR_WRAP, 2); // before 0x10 across the wrap
        seq.update(table, cp, SeqAdjustments.IN, 0x10, 2);      // the same segment again

        assertEquals(2, seq.delta(cp, SeqAdjustments.IN));
        assertEquals(0, seq.previousDelta(cp, SeqAdjustments.IN));
    }

    @Test
    void setCarriesSyncedValuesAndFreeForgetsThem() {
        seq.set(table, cp, SeqAdjustments.IN, 77, 4, 1);

        assertEquals(ConnFlags.IN_SEQ, table.flags(cp) & ConnFlags.SEQ_MASK);
        assertEquals(78 + 4, seq.fixSeq(cp, SeqAdjustments.IN, 78));
        assertEquals(77 + 1, seq.fixSeq(cp, SeqAdjustments.IN, 77));
        seq.free(cp);
        assertFalse(seq.has(cp));
        assertEquals(0, seq.size());
        assertEquals(78, seq.fixSeq(cp, SeqAdjustments.IN, 78));
    }

    @Test
    void slotsAreReusedAfterRelease() {
        for (int round = 0; round < 3; round++) {
            for (int c = 0; c < 40; c++) {
                seq.set(table, cp, SeqAdjustments.OUT, c, c, 0);
                seq.free(cp);
            }
        }
        seq.set(table, cp, SeqAdjustments.OUT, 9, 9, 0);
        assertEquals(9, seq.delta(cp, SeqAdjustments.OUT));
        assertEquals(1, seq.size());
    }
}
