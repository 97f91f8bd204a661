package org.actorvs.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class SipCallIdTest {
    private static final String REQUEST_LINE = "BYE sip:bob@example.org SIP/2.0\r\n";
    /** Where the message starts in the buffer, so that offsets are checked as buffer offsets. */
    private static final int AT = 42;

    /** The Call-ID found in {@code message}, or null. */
    private static String callId(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        UnsafeBuffer b = new UnsafeBuffer(new byte[AT + bytes.length]);
        b.putBytes(AT, bytes);
        long found = SipCallId.find(b, AT, bytes.length);
        if (found == SipCallId.NONE) {
            return null;
        }
        return b.getStringWithoutLengthAscii(SipCallId.offset(found), SipCallId.length(found));
    }

    @Test
    void theCallIdHeaderValueIsFound() {
        assertEquals("a84b4c76e66710@pc33.atlanta.com",
                callId(REQUEST_LINE + "To: Bob <sip:bob@example.org>\r\nCall-ID: a84b4c76e66710@pc33.atlanta.com\r\n\r\n"));
    }

    @Test
    void theHeaderNameIsCaseInsensitive() {
        assertEquals("xyz", callId(REQUEST_LINE + "cAlL-iD: xyz\r\n"));
    }

    @Test
    void theCompactFormIsFound() {
        assertEquals("xyz@host", callId(REQUEST_LINE + "i:xyz@host\r\n"));
    }

    @Test
    void aHeaderMerelyStartingWithIIsNotTheCompactForm() {
        assertEquals("real", callId(REQUEST_LINE + "In-Reply-To: other\r\nCall-ID: real\r\n"));
    }

    @Test
    void aFoldedValueOnAContinuationLineLosesItsFirstByteAsInTheKernel() {
        // sip_skip_whitespace()'s loop steps past the byte sip_follow_continuation() stops at; kept
        // so that the data equals a kernel director's (sync peers must match templates by it).
        assertEquals("olded", callId(REQUEST_LINE + "Call-ID:\r\n   folded\r\n"));
    }

    @Test
    void linesEndingInBareLfAreAccepted() {
        assertEquals("lf-only", callId(REQUEST_LINE.replace("\r\n", "\n") + "Call-ID: lf-only\n"));
    }

    @Test
    void aMessageWithoutCallIdHasNone() {
        assertEquals(null, callId(REQUEST_LINE + "From: <sip:alice@example.org>\r\n\r\n"));
    }

    @Test
    void theFirstLineIsNeverAHeader() {
        assertEquals(null, callId("Call-ID: first-line\r\n"));
    }

    @Test
    void aValueRunningToTheEndOfTheDatagramIsRefused() {
        assertEquals(null, callId(REQUEST_LINE + "Call-ID: unterminated"));
    }

    @Test
    void aValueNotEndedByALineEndIsRefused() {
        assertEquals(null, callId(REQUEST_LINE + "Call-ID: abc def\r\n"));
    }

    @Test
    void aValueLongerThan255BytesIsRefused() {
        assertEquals(null, callId(REQUEST_LINE + "Call-ID: " + "x".repeat(256) + "\r\n"));
        assertEquals(255, callId(REQUEST_LINE + "Call-ID: " + "x".repeat(255) + "\r\n").length());
    }

    @Test
    void anUnparsableValueLetsTheSearchGoOnToTheNextHeader() {
        assertEquals("second", callId(REQUEST_LINE + "Call-ID: ;\r\nCall-ID: second\r\n"));
    }

    @Test
    void anEmptyValueEndsTheSearch() {
        // sip_skip_whitespace() finds no continuation after the colon: the header search gives up.
        assertEquals(null, callId(REQUEST_LINE + "Call-ID: \r\nCall-ID: second\r\n"));
    }

    @Test
    void aCallIdNameWithoutColonEndsTheSearch() {
        assertEquals(null, callId(REQUEST_LINE + "Call-ID abc\r\nCall-ID: later\r\n"));
    }
}
