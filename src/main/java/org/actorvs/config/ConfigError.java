package org.actorvs.config;

/**
 * A configuration that cannot be used: where (file and 1-based line, 0 when the problem has no
 * line, e.g. a missing file), which key (its full path such as
 * {@code actorvs.interfaces[1].mtu}, or the offending argument of an ipvsadm rules file; "" when
 * none applies) and what was wrong or expected.
 *
 * <p>The message is {@code file:line: key: problem}, the shape compilers use, so that editors and
 * terminals can jump to the spot; parts that do not apply are left out.
 */
public final class ConfigError extends Exception {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final int line;
    private final String key;
    private final String problem;

    public ConfigError(String file, int line, String key, String problem) {
        super(format(file, line, key, problem));
        this.file = file;
        this.line = line;
        this.key = key;
        this.problem = problem;
    }

    private static String format(String file, int line, String key, String problem) {
        return file + (line > 0 ? ":" + line : "") + ": " + (key.isEmpty() ? "" : key + ": ") + problem;
    }

    /** The file the problem is in, as it was named to the loader (or as an include named it). */
    public String file() {
        return file;
    }

    /** 1-based line, or 0 when the problem is not about one line. */
    public int line() {
        return line;
    }

    /** The key's full path, or the rules-file argument; "" when none applies. */
    public String key() {
        return key;
    }

    /** What was wrong or what was expected, without the location. */
    public String problem() {
        return problem;
    }
}
