package org.actorvs.ha;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.actorvs.packet.Checksum;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A VRRP advertisement over IPv4, version 2 (RFC 3768 section 5.1) or 3 (RFC 5798 section 5.1).
 * Both share the first four bytes and the checksum; they differ in bytes 4-5 and the tail:
 *
 * <pre>
 * v2: Version|Type  VRID  Priority  Count | AuthType  AdverInt(s)  Checksum | addresses | AuthData(8)
 * v3: Version|Type  VRID  Priority  Count | Rsvd(4)|MaxAdverInt(12, cs)    Checksum | addresses
 * </pre>
 *
 * The v2 checksum covers the VRRP message alone (auth data included); the v3 checksum adds the
 * IPv4 pseudo-header, as keepalived's vrrp_in_chk() and vrrp_build_vrrp_v3() do. Read accessors
 * never check bounds beyond the buffer's own: callers validate the length first
 * ({@link VrrpValidator}).
 */
public final class VrrpFlyweight {
    public static final int VERSION_TYPE_OFFSET = 0;
    public static final int VRID_OFFSET = 1;
    public static final int PRIORITY_OFFSET = 2;
    public static final int COUNT_OFFSET = 3;
    /** v2 only. */
    public static final int AUTH_TYPE_OFFSET = 4;
    /** v2 only: the interval in whole seconds. */
    public static final int ADVER_INT_OFFSET = 5;
    /** v3 only: 4 reserved bits then the interval in centiseconds. */
    public static final int MAX_ADVER_INT_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int ADDRESSES_OFFSET = 8;

    public static final int HEADER_LENGTH = 8;
    public static final int ADDRESS_LENGTH = 4;
    /** v2 only: the authentication data that follows the addresses (zeros without authentication). */
    public static final int AUTH_DATA_LENGTH = 8;

    public static final int VERSION_2 = 2;
    public static final int VERSION_3 = 3;
    public static final int TYPE_ADVERTISEMENT = 1;
    public static final int MAX_ADVER_INT_MASK = 0x0FFF;

    /** RFC 3768 section 5.3.6 (RFC 2338 had type 2, IP AH, which RFC 3768 removed). */
    public static final int AUTH_NONE = 0;
    public static final int AUTH_SIMPLE_TEXT = 1;
    public static final int AUTH_IP_AH = 2;

    /** 224.0.0.18, IP protocol 112, IPv4 TTL 255: RFC 5798 section 5.1.1. */
    public static final int MULTICAST_GROUP = 0xE000_0012;
    public static final long MULTICAST_MAC = 0x0100_5E00_0012L;
    public static final int IP_PROTOCOL = 112;
    public static final int TTL = 255;

    public static final int PRIORITY_STOP = 0;
    public static final int PRIORITY_OWNER = 255;

    private MutableDirectBuffer buffer;
    private int offset;

    public VrrpFlyweight wrap(MutableDirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** The message length for {@code count} addresses. */
    public static int length(int version, int count) {
        return HEADER_LENGTH + count * ADDRESS_LENGTH + (version == VERSION_2 ? AUTH_DATA_LENGTH : 0);
    }

    public int version() {
        return version(buffer, offset);
    }

    public int type() {
        return type(buffer, offset);
    }

    public int vrid() {
        return vrid(buffer, offset);
    }

    public int priority() {
        return priority(buffer, offset);
    }

    public int count() {
        return count(buffer, offset);
    }

    public int authType() {
        return authType(buffer, offset);
    }

    /** The advertisement interval in centiseconds, whichever the version. */
    public int intervalCentis() {
        return intervalCentis(buffer, offset);
    }

    public int checksum() {
        return checksum(buffer, offset);
    }

    public int address(int i) {
        return address(buffer, offset, i);
    }

    public static int version(DirectBuffer b, int o) {
        return (b.getByte(o + VERSION_TYPE_OFFSET) & 0xFF) >>> 4;
    }

    public static int type(DirectBuffer b, int o) {
        return b.getByte(o + VERSION_TYPE_OFFSET) & 0x0F;
    }

    public static int vrid(DirectBuffer b, int o) {
        return b.getByte(o + VRID_OFFSET) & 0xFF;
    }

    public static int priority(DirectBuffer b, int o) {
        return b.getByte(o + PRIORITY_OFFSET) & 0xFF;
    }

    public static int count(DirectBuffer b, int o) {
        return b.getByte(o + COUNT_OFFSET) & 0xFF;
    }

    public static int authType(DirectBuffer b, int o) {
        return b.getByte(o + AUTH_TYPE_OFFSET) & 0xFF;
    }

    public static int intervalCentis(DirectBuffer b, int o) {
        if (version(b, o) == VERSION_2) {
            return (b.getByte(o + ADVER_INT_OFFSET) & 0xFF) * 100;
        }
        return b.getShort(o + MAX_ADVER_INT_OFFSET, BIG_ENDIAN) & MAX_ADVER_INT_MASK;
    }

    public static int checksum(DirectBuffer b, int o) {
        return b.getShort(o + CHECKSUM_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public static int address(DirectBuffer b, int o, int i) {
        return b.getInt(o + ADDRESSES_OFFSET + i * ADDRESS_LENGTH, BIG_ENDIAN);
    }

    /** Offset of the v2 authentication data of a message with {@code count} addresses. */
    public static int authDataOffset(int count) {
        return ADDRESSES_OFFSET + count * ADDRESS_LENGTH;
    }

    /**
     * Writes a whole message (checksum included) and returns its length.
     *
     * @param intervalCentis the interval; v2 carries whole seconds, so it is rounded down (min 1 s)
     * @param authData       v2: the 8 bytes of authentication data (null: zeros); ignored for v3
     * @param ipSrc          the IPv4 source, for the v3 pseudo-header
     * @param ipDst          the IPv4 destination, for the v3 pseudo-header
     */
    public static int write(MutableDirectBuffer b, int o, int version, int vrid, int priority, int intervalCentis,
            int authType, byte[] authData, int[] addresses, int ipSrc, int ipDst) {
        final int count = addresses.length;
        b.putByte(o + VERSION_TYPE_OFFSET, (byte) ((version << 4) | TYPE_ADVERTISEMENT));
        b.putByte(o + VRID_OFFSET, (byte) vrid);
        b.putByte(o + PRIORITY_OFFSET, (byte) priority);
        b.putByte(o + COUNT_OFFSET, (byte) count);
        if (version == VERSION_2) {
            b.putByte(o + AUTH_TYPE_OFFSET, (byte) authType);
            b.putByte(o + ADVER_INT_OFFSET, (byte) Math.max(1, intervalCentis / 100));
        } else {
            b.putShort(o + MAX_ADVER_INT_OFFSET, (short) (intervalCentis & MAX_ADVER_INT_MASK), BIG_ENDIAN);
        }
        b.putShort(o + CHECKSUM_OFFSET, (short) 0, BIG_ENDIAN);
        for (int i = 0; i < count; i++) {
            b.putInt(o + ADDRESSES_OFFSET + i * ADDRESS_LENGTH, addresses[i], BIG_ENDIAN);
        }
        final int length = length(version, count);
        if (version == VERSION_2) {
            final int auth = o + authDataOffset(count);
            for (int i = 0; i < AUTH_DATA_LENGTH; i++) {
                b.putByte(auth + i, authData == null ? 0 : authData[i]);
            }
        }
        b.putShort(o + CHECKSUM_OFFSET, (short) computeChecksum(b, o, length, ipSrc, ipDst), BIG_ENDIAN);
        return length;
    }

    /** The checksum to store for the message of {@code length} bytes at {@code o}; the field is skipped. */
    public static int computeChecksum(DirectBuffer b, int o, int length, int ipSrc, int ipDst) {
        final int initial = version(b, o) == VERSION_3 ? Checksum.pseudoHeader4(ipSrc, ipDst, IP_PROTOCOL, length) : 0;
        final int head = Checksum.sum(b, o, CHECKSUM_OFFSET, initial);
        return Checksum.finish(Checksum.sum(b, o + ADDRESSES_OFFSET, length - ADDRESSES_OFFSET, head));
    }

    /** True when the stored checksum is right (the message, with the pseudo-header for v3, sums to 0xFFFF). */
    public static boolean isChecksumValid(DirectBuffer b, int o, int length, int ipSrc, int ipDst) {
        final int initial = version(b, o) == VERSION_3 ? Checksum.pseudoHeader4(ipSrc, ipDst, IP_PROTOCOL, length) : 0;
        return Checksum.fold(Checksum.sum(b, o, length, initial)) == 0xFFFF;
    }
}
