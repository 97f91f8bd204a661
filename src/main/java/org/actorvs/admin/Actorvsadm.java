package org.actorvs.admin;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code bin/actorvsadm ARGS...}: the operator's tool. With ipvsadm's arguments ({@code -L -n},
 * {@code -a -t ...}, ...) it talks to a running director as ipvsadm talks to the kernel
 * ({@link AdminCli}); a first argument naming one of {@link #COMMANDS} runs that tool instead.
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

    /** A named tool, or else ipvsadm's command line against the director. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Command command = args.length == 0 ? null : COMMANDS.get(args[0]);
        if (command == null) {
            return AdminCli.run(args, out, err);
        }
        return command.run(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
}
