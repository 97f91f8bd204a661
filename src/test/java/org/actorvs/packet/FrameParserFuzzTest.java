package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The classifier's contract over arbitrary input: a million random and mutated frames (fixed
 * seed, so a failure replays), each parsed through a buffer view exactly as long as the frame,
 * so that a read past either end would throw. Every OK result must describe a layout inside
 * the frame, the unmutated frames must parse OK, and truncations must read as TRUNCATED.
 */
class FrameParserFuzzTest {
    private static final long SEED = 0x1C0FFEE5EEDL;
    private static final int FRAMES = 1_000_000;
    private static final int MAX_LENGTH = 1600;

    private static final int RANDOM_BYTES = 0;
    private static final int BIT_FLIPS = 1;
    private static final int TRUNCATION = 2;
    private static final int LENGTH_LIE = 3;
    private static final int HEADER_LENGTH_NIBBLES = 4;
    private static final int BYTE_STOMPS = 5;
    private static final int COMBINED = 6;
    private static final int UNCHANGED = 7;
    private static final int MUTATIONS = 8;

    /** A valid frame and where its layers start, as the parser found them. */
    private record Seed(byte[] bytes, int l3Offset, int ipVersion, int l3HeaderLength, int l4Offset, int protocol, int l3End) {
    }

    private final byte[] backing = new byte[MAX_LENGTH + 64];
    private final UnsafeBuffer view = new UnsafeBuffer(backing, 0, 1);
    private final UnsafeBuffer whole = new UnsafeBuffer(backing);
    private final FrameParser verifying = new FrameParser(true);
    private final FrameParser lenient = new FrameParser(false);
    private final ParsedFrame verified = new ParsedFrame();
    private final ParsedFrame parsed = new ParsedFrame();
    private final ParsedFrame atOffset = new ParsedFrame();

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aMillionRandomAndMutatedFramesParseWithinTheirBoundsAndNeverThrow() {
        final List<Seed> seeds = seeds();
        final Random random = new Random(SEED);
        final long[] reasons = new long[DropReason.COUNT];
        final long[] mutations = new long[MUTATIONS];
        for (int i = 0; i < FRAMES; i++) {
            final int frame = i;
            final int start = random.nextInt(64);
            final int mutation = random.nextInt(MUTATIONS);
            final Seed seed = seeds.get(random.nextInt(seeds.size()));
            final int length = mutation == RANDOM_BYTES
                    ? randomFrame(random, start)
                    : mutate(random, mutation, seed, start);
            mutations[mutation]++;
            if (random.nextBoolean()) {
                fixIpv4HeaderChecksum(seed, start, length);
            }
            view.wrap(backing, start, length);

            final int strictCode = verifying.parse(view, 0, length, verified);
            final int code = lenient.parse(view, 0, length, parsed);
            reasons[strictCode]++;
            reasons[code]++;
            if (strictCode == 0) {
                assertEquals(0, code, () -> "checksums are the only extra check of the verifying parser, frame " + frame);
                assertInsideFrame(verified, length, frame);
            }
            if (code == 0) {
                assertInsideFrame(parsed, length, frame);
            }
            assertEquals(code, lenient.parse(whole, start, length, atOffset), () -> "same frame at an offset, frame " + frame);
            if (mutation == UNCHANGED) {
                assertEquals(0, strictCode, () -> "valid frame " + frame);
            }
            if (mutation == TRUNCATION) {
                assertEquals(length >= seed.l3End() ? 0 : DropReason.TRUNCATED.code(), strictCode, () -> "truncated frame " + frame);
            }
            parseQuotedL3(length);
        }
        final Set<DropReason> seen = EnumSet.noneOf(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            if (reasons[reason.code()] > 0) {
                seen.add(reason);
            }
        }
        // Every reason but the nine-header chain, which mutation of these seeds cannot build, is reached.
        final Set<DropReason> expected = EnumSet.allOf(DropReason.class);
        expected.remove(DropReason.TOO_MANY_EXTENSION_HEADERS);
        assertTrue(seen.containsAll(expected), "reasons reached: " + seen);
        for (int m = 0; m < MUTATIONS; m++) {
            assertTrue(mutations[m] > FRAMES / MUTATIONS / 2, "mutation " + m + " ran " + mutations[m] + " times");
        }
        System.out.println("fuzz reasons (strict + lenient): " + java.util.Arrays.toString(reasons));
    }

    /** The L3 bytes of the frame as if quoted in an ICMP error: any outcome but an exception. */
    private void parseQuotedL3(int length) {
        final int l3 = length >= 18 && Wire.u16(view, 12) == EthernetFlyweight.VLAN_TPID ? 18 : 14;
        if (length < l3) {
            return;
        }
        final int version = Wire.u16(view, l3 - 2) == EthernetFlyweight.ETHER_TYPE_IPV6 ? 6 : 4;
        if (lenient.parseQuoted(view, l3, length - l3, version, parsed) == 0) {
            assertTrue(parsed.l3Offset == l3 && parsed.l4Offset >= l3 && parsed.l3End <= length
                    && parsed.l4Offset <= parsed.l3End && parsed.l4Length == parsed.l3End - parsed.l4Offset, parsed::toString);
        }
    }

    private static void assertInsideFrame(ParsedFrame f, int length, int frame) {
        final Supplier<String> where = () -> "frame " + frame + ": " + f;
        assertEquals(length, f.frameLength, where);
        assertTrue(f.vlanTci == -1 ? f.l3Offset == 14 : f.l3Offset == 18 && f.vlanTci <= 0xFFFF, where);
        assertTrue(f.ipVersion == 0 || f.ipVersion == 4 || f.ipVersion == 6, where);
        assertTrue(f.l3Offset <= f.l4Offset && f.l4Offset <= f.l3End && f.l3End <= length, where);
        assertEquals(f.l3End - f.l4Offset, f.l4Length, where);
        assertTrue(f.l4Offset <= f.payloadOffset && f.payloadLength >= 0
                && f.payloadOffset + f.payloadLength <= f.l3End, where);
        assertTrue(f.srcPort >= 0 && f.srcPort <= 0xFFFF && f.dstPort >= 0 && f.dstPort <= 0xFFFF, where);
        if (f.ipVersion == 0) {
            assertEquals(f.l3Offset + ArpFlyweight.HEADER_LENGTH, f.l3End, where);
            return;
        }
        assertEquals(f.l3Offset + f.l3HeaderLength, f.l4Offset, where);
        if (f.ipVersion == 4) {
            assertTrue(f.l3HeaderLength >= 20 && f.l3HeaderLength <= 60 && f.l3HeaderLength % 4 == 0, where);
        } else {
            assertTrue(f.l3HeaderLength >= 40 && f.l3HeaderLength % 4 == 0, where);
        }
        assertTrue(f.fragment || (f.firstFragment && f.fragmentOffset == 0 && !f.moreFragments), where);
        if (f.firstFragment && f.protocol == IpProtocol.TCP) {
            assertTrue(f.tcpHeaderLength >= 20 && f.tcpHeaderLength <= 60, where);
            assertEquals(f.l4Offset + f.tcpHeaderLength, f.payloadOffset, where);
        }
        if (f.firstFragment && f.protocol == IpProtocol.UDP) {
            assertEquals(f.l4Offset + UdpFlyweight.HEADER_LENGTH, f.payloadOffset, where);
        }
    }

    /** Random bytes, half the time under a real EtherType and IP version so the noise reaches L3 and L4. */
    private int randomFrame(Random random, int start) {
        final int length = random.nextInt(200);
        for (int i = 0; i < length; i++) {
            backing[start + i] = (byte) random.nextInt();
        }
        if (length >= 15 && random.nextBoolean()) {
            final int[] types = {0x0800, 0x86DD, 0x0806, 0x8100};
            final int type = types[random.nextInt(types.length)];
            backing[start + 12] = (byte) (type >>> 8);
            backing[start + 13] = (byte) type;
            backing[start + 14] = (byte) ((random.nextBoolean() ? 0x40 : 0x60) | (backing[start + 14] & 0x0F));
        }
        return length;
    }

    private int mutate(Random random, int mutation, Seed seed, int start) {
        final byte[] bytes = seed.bytes();
        System.arraycopy(bytes, 0, backing, start, bytes.length);
        int length = bytes.length;
        switch (mutation) {
            case BIT_FLIPS:
                flipBits(random, start, length);
                break;
            case TRUNCATION:
                length = random.nextInt(length);
                break;
            case LENGTH_LIE:
                lieAboutALength(random, seed, start);
                break;
            case HEADER_LENGTH_NIBBLES:
                randomiseHeaderLengths(random, seed, start);
                break;
            case BYTE_STOMPS:
                stompBytes(random, start, length);
                break;
            case COMBINED:
                for (int k = 0; k < 3; k++) {
                    switch (random.nextInt(4)) {
                        case 0 -> flipBits(random, start, length);
                        case 1 -> lieAboutALength(random, seed, start);
                        case 2 -> randomiseHeaderLengths(random, seed, start);
                        default -> stompBytes(random, start, length);
                    }
                }
                if (random.nextBoolean()) {
                    length = random.nextInt(length + 1);
                } else {
                    final int extra = random.nextInt(40);
                    for (int i = 0; i < extra; i++) {
                        backing[start + length + i] = (byte) random.nextInt();
                    }
                    length += extra;
                }
                break;
            default:
                break;
        }
        return length;
    }

    private void flipBits(Random random, int start, int length) {
        final int flips = 1 + random.nextInt(8);
        for (int k = 0; k < flips; k++) {
            final int at = start + random.nextInt(length);
            backing[at] ^= (byte) (1 << random.nextInt(8));
        }
    }

    private void stompBytes(Random random, int start, int length) {
        final int stomps = 1 + random.nextInt(4);
        for (int k = 0; k < stomps; k++) {
            // Mostly in the headers, where the decisions are made.
            final int at = start + random.nextInt(random.nextBoolean() ? Math.min(length, 80) : length);
            backing[at] = (byte) random.nextInt();
        }
    }

    /** Rewrites a length field to a near miss or to anything at all. */
    private void lieAboutALength(Random random, Seed seed, int start) {
        final int l3 = start + seed.l3Offset();
        final int at;
        if (seed.ipVersion() == 4) {
            at = l3 + Ipv4Flyweight.TOTAL_LENGTH_OFFSET;
        } else if (seed.ipVersion() == 6 && random.nextBoolean() && seed.l3HeaderLength() > Ipv6Flyweight.HEADER_LENGTH) {
            final int ext = l3 + Ipv6Flyweight.HEADER_LENGTH + Ipv6Flyweight.EXT_LENGTH_OFFSET;
            backing[ext] = (byte) (random.nextBoolean() ? backing[ext] + random.nextInt(5) - 2 : random.nextInt());
            return;
        } else if (seed.ipVersion() == 6) {
            at = l3 + Ipv6Flyweight.PAYLOAD_LENGTH_OFFSET;
        } else {
            at = l3 + ArpFlyweight.HLEN_OFFSET;
        }
        if (seed.protocol() == IpProtocol.UDP && seed.l4Offset() > 0 && random.nextBoolean()) {
            putLie(random, start + seed.l4Offset() + UdpFlyweight.LENGTH_OFFSET);
        } else {
            putLie(random, at);
        }
    }

    private void putLie(Random random, int at) {
        final int truth = ((backing[at] & 0xFF) << 8) | (backing[at + 1] & 0xFF);
        final int lie = random.nextBoolean() ? truth + random.nextInt(17) - 8 : random.nextInt(0x10000);
        backing[at] = (byte) (lie >>> 8);
        backing[at + 1] = (byte) lie;
    }

    /** Random IPv4 IHL and TCP data offset nibbles, or a random first extension-header length. */
    private void randomiseHeaderLengths(Random random, Seed seed, int start) {
        final int l3 = start + seed.l3Offset();
        if (seed.ipVersion() == 4 && random.nextBoolean()) {
            backing[l3] = (byte) (0x40 | random.nextInt(16));
        } else if (seed.protocol() == IpProtocol.TCP && seed.l4Offset() > 0) {
            final int at = start + seed.l4Offset() + TcpFlyweight.DATA_OFFSET_OFFSET;
            backing[at] = (byte) ((random.nextInt(16) << 4) | (backing[at] & 0x0F));
        } else if (seed.ipVersion() == 6 && seed.l3HeaderLength() > Ipv6Flyweight.HEADER_LENGTH) {
            backing[l3 + Ipv6Flyweight.HEADER_LENGTH + Ipv6Flyweight.EXT_LENGTH_OFFSET] = (byte) random.nextInt(8);
        } else if (seed.ipVersion() == 4) {
            backing[l3] = (byte) (0x40 | random.nextInt(16));
        }
    }

    /** Lets mutated IPv4 frames past the header checksum now and then, so the verifying parser sees deep damage too. */
    private void fixIpv4HeaderChecksum(Seed seed, int start, int length) {
        final int l3 = seed.l3Offset();
        if (seed.ipVersion() != 4 || length < l3 + Ipv4Flyweight.MIN_HEADER_LENGTH) {
            return;
        }
        final int ihl = Ipv4Flyweight.ihl(whole, start + l3);
        if (ihl >= Ipv4Flyweight.MIN_HEADER_LENGTH && l3 + ihl <= length) {
            Ipv4Flyweight.checksum(whole, start + l3, Checksum.ipv4Header(whole, start + l3));
        }
    }

    private List<Seed> seeds() {
        final List<Seed> seeds = new ArrayList<>();
        for (byte[] frame : Frames.validFrames().values()) {
            final ParsedFrame f = new ParsedFrame();
            assertEquals(0, verifying.parse(new UnsafeBuffer(frame), 0, frame.length, f), "seeds are valid");
            seeds.add(new Seed(frame, f.l3Offset, f.ipVersion, f.l3HeaderLength,
                    f.ipVersion == 0 ? 0 : f.l4Offset, f.protocol, f.l3End));
        }
        return seeds;
    }
}
