package org.actorvs.sync;

/**
 * A version 1 entry option: type, value length (1..255, the value only), value. Options follow
 * each other without alignment.
 */
public final class OptionFlyweight extends SyncFlyweight<OptionFlyweight> {
    public static final int TYPE_OFFSET = 0;
    public static final int LENGTH_OFFSET = 1;
    public static final int VALUE_OFFSET = 2;
    public static final int HEADER_LENGTH = 2;
    /** IPVS_OPT_SEQ_DATA: six sequence words, {@link SeqDataFlyweight}. */
    public static final int SEQ_DATA = 1;
    /** IPVS_OPT_PE_DATA: persistence-engine data (the SIP Call-ID). */
    public static final int PE_DATA = 2;
    /** IPVS_OPT_PE_NAME: persistence-engine name, no NUL; sent only after PE_DATA. */
    public static final int PE_NAME = 3;
    /** IPVS_OPT_F_PARAM: set in the type byte, an unknown option may be ignored instead of skipping the entry. */
    public static final int F_PARAM = 0x40;
    /** IP_VS_PEDATA_MAXLEN. */
    public static final int PE_DATA_MAX_LENGTH = 255;
    /** IP_VS_PENAME_MAXLEN. */
    public static final int PE_NAME_MAX_LENGTH = 16;

    public int type() {
        return u8(TYPE_OFFSET);
    }

    public int length() {
        return u8(LENGTH_OFFSET);
    }

    public int valueOffset() {
        return offset + VALUE_OFFSET;
    }

    public OptionFlyweight set(int type, int length) {
        putU8(TYPE_OFFSET, type);
        putU8(LENGTH_OFFSET, length);
        return this;
    }
}
