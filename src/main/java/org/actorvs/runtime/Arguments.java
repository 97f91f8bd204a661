package org.actorvs.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The options of one subcommand: {@code --name value} pairs, each allowed name given up front. A
 * mistake is reported with the subcommand, the argument and what was expected.
 */
final class Arguments {
    /** A command line that cannot be run; the message names the argument at fault. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();

    private Arguments(String command) {
        this.command = command;
    }

    static Arguments parse(String command, List<String> args, List<String> allowed) throws UsageException {
        Arguments a = new Arguments(command);
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (!allowed.contains(name)) {
                throw new UsageException("actorvs " + command + ": unknown argument '" + name + "' (expected one of "
                        + String.join(", ", allowed) + ")");
            }
            if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                throw new UsageException("actorvs " + command + ": " + name + " needs a value");
            }
            if (a.values.put(name, args.get(++i)) != null) {
                throw new UsageException("actorvs " + command + ": " + name + " is given twice");
            }
        }
        return a;
    }

    String required(String name) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("actorvs " + command + ": " + name + " is required");
        }
        return v;
    }

    Optional<String> optional(String name) {
        return Optional.ofNullable(values.get(name));
    }

    int integer(String name, int defaultValue, int min, int max) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected range
        }
        throw new UsageException("actorvs " + command + ": " + name + " '" + v + "' is not a whole number in " + min
                + ".." + max);
    }

    String choice(String name, String defaultValue, List<String> choices) throws UsageException {
        String v = values.getOrDefault(name, defaultValue);
        if (!choices.contains(v)) {
            throw new UsageException("actorvs " + command + ": " + name + " '" + v + "' is not one of "
                    + String.join(", ", choices));
        }
        return v;
    }
}
