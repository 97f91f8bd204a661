package org.actorvs.admin;

/**
 * An ipvsadm argument list (or one of ActorVS's rules-file extensions) that cannot be parsed:
 * names the offending argument as it was written, ipvsadm's complaint and what was expected.
 */
public final class IpvsadmSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String token;
    private final String problem;
    private final String expected;

    /**
     * @param token    the offending argument as written (with its option, e.g. "-w 70000")
     * @param problem  what is wrong, in ipvsadm's words where ipvsadm has them
     * @param expected what would have been accepted, or null when the problem says it all
     */
    public IpvsadmSyntaxException(String token, String problem, String expected) {
        super("`" + token + "': " + problem + (expected == null ? "" : " (expected " + expected + ")"));
        this.token = token;
        this.problem = problem;
        this.expected = expected;
    }

    public String token() {
        return token;
    }

    public String problem() {
        return problem;
    }

    /** What would have been accepted; null when the problem says it all. */
    public String expected() {
        return expected;
    }
}
