package org.actorvs.admin;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code bin/actorvsadm COMMAND ARGS...}: the operator's tool. The first argument names the
 * command; the rest go to it. Add a command by putting it in {@link #COMMANDS}.
 */
public final class Actorvsadm {

    /** One subcommand: runs with the remaining arguments, returns the exit status. */
    @FunctionalInterface
    public interface Command {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    static final Map<String, Command> COMMANDS = new TreeMap<>(Map.of(
            "sync-dump", SyncDump::run));

    private Actorvsadm() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Dispatches on the first argument; 2 for a missing or unknown command. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Command command = args.length == 0 ? null : COMMANDS.get(args[0]);
        if (command == null) {
            if (args.length > 0 && !args[0].equals("--help") && !args[0].equals("-h")) {
                err.println("actorvsadm: unknown command '" + args[0] + "'");
            }
            err.println("usage: actorvsadm COMMAND [ARGS...]; commands: " + String.join(", ", COMMANDS.keySet()));
            return 2;
        }
        return command.run(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
}
