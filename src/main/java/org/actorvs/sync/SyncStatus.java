package org.actorvs.sync;

/**
 * What {@link SyncMessageDecoder} made of a message ({@link #OK} or why the whole message was
 * dropped) or of one entry (the SKIP_ reasons: the entry is left out, the rest of the message
 * applies). Each names the kernel check it mirrors. Codes are stable and dense.
 */
public enum SyncStatus {
    OK(0, "ok"),
    /** Shorter than the 4-byte v0 header ("message header too short"). */
    TOO_SHORT(1, "message header too short"),
    /** The header's size differs from the datagram length ("bogus message size"). */
    BAD_SIZE(2, "bogus message size"),
    /** The backup has a syncid other than 0 and the message carries another one. */
    SYNC_ID_IGNORED(3, "ignoring syncid"),
    /** Fewer than 36 bytes left where a v1 entry starts ("Dropping buffer, too small"). */
    ENTRY_TOO_SMALL(4, "too small for an entry"),
    /** A v1 entry's size runs past the datagram ("Dropping buffer, msg > buffer"). */
    ENTRY_PAST_END(5, "entry size past the end of the message"),
    /** A v1 entry's version nibble is not 0 ("Dropping buffer, Unknown version"). */
    ENTRY_VERSION(6, "unknown entry version"),
    /** A v1 entry type other than 0 (IPv4) or with bit 0 (IPv6): ip_vs_proc_sync_conn() -10. */
    ENTRY_TYPE(7, "unknown entry type (err -10)"),
    /** The fixed part is longer than the entry's size: -20. */
    ENTRY_SHORTER_THAN_FIXED_PART(8, "entry shorter than its fixed part (err -20)"),
    /** Fewer than 2 bytes for an option header: -30. */
    OPTION_HEADER(9, "truncated option header (err -30)"),
    /** Option length 0, or its value runs past the entry: -40. */
    OPTION_LENGTH(10, "bad option length (err -40)"),
    /** SEQ_DATA not 24 bytes, or twice: -50. */
    OPTION_SEQ_DATA(11, "bad or repeated sequence option (err -50)"),
    /** PE_DATA repeated (its length cannot exceed 255): -60. */
    OPTION_PE_DATA(12, "repeated PE data option (err -60)"),
    /** PE_NAME longer than 16 bytes, or twice: -70. */
    OPTION_PE_NAME(13, "bad or repeated PE name option (err -70)"),
    /** nr_conns promises more v0 entries than the datagram holds ("BACKUP v0, bogus conn"). */
    V0_ENTRY_PAST_END(14, "v0 entry past the end of the message"),
    /** A v0 entry with SEQ flags whose sequence data is cut off ("bogus conn options"). */
    V0_SEQ_PAST_END(15, "v0 sequence data past the end of the message"),
    /** An option type the receiver does not know, without F_PARAM: the entry is skipped (20). */
    SKIP_UNKNOWN_MANDATORY_OPTION(16, "unknown mandatory option"),
    /** A non-template entry of a protocol IPVS does not balance (30). */
    SKIP_UNSUPPORTED_PROTOCOL(17, "unsupported protocol"),
    /** A non-template entry with a state number beyond its protocol's states (40). */
    SKIP_INVALID_STATE(18, "invalid state"),
    /** PE data without a PE name, or a PE name no engine has (50). */
    SKIP_UNKNOWN_PE(19, "PE data without a known PE name");

    private static final SyncStatus[] BY_CODE = values();
    public static final int COUNT = BY_CODE.length;

    private final int code;
    private final String description;

    SyncStatus(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** Whether this reason drops one entry only (the rest of the message applies). */
    public boolean entryOnly() {
        return code >= SKIP_UNKNOWN_MANDATORY_OPTION.code;
    }

    /** Whether this reason drops a whole message as bogus (not OK, not merely of another syncid). */
    public boolean bogus() {
        return this != OK && this != SYNC_ID_IGNORED && !entryOnly();
    }

    public static SyncStatus of(int code) {
        return BY_CODE[code];
    }
}
