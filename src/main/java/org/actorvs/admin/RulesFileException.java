package org.actorvs.admin;

/**
 * A rules file that cannot be applied: the 1-based line number, the offending argument as written
 * (or as ipvsadm would print it, for a conflict with the table) and what was wrong or expected.
 * When this is thrown nothing of the file has been applied.
 */
public final class RulesFileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final String token;
    private final String problem;

    public RulesFileException(int line, String token, String problem) {
        super("line " + line + ": `" + token + "': " + problem);
        this.line = line;
        this.token = token;
        this.problem = problem;
    }

    public int line() {
        return line;
    }

    public String token() {
        return token;
    }

    public String problem() {
        return problem;
    }
}
