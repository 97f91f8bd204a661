package org.actorvs.admin;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.actorvs.admin.IpvsadmCommand.DaemonState;
import org.actorvs.admin.IpvsadmCommand.ListOption;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.DestinationSpec.Forward;
import org.actorvs.service.DestinationSpec.TunnelChecksum;
import org.actorvs.service.DestinationSpec.TunnelType;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceKey.Protocol;
import org.actorvs.service.ServiceSpec;

/**
 * Parses one ipvsadm argument list (without the program name) into an {@link IpvsadmCommand},
 * with ipvsadm 1.31's grammar and checks (ipvsadm.c parse_options(), process_options(),
 * generic_opt_check(), tunnel_opt_check()) and its error messages.
 *
 * <p>Option syntax is popt's: short options may be bundled ({@code -Ln}) and take their value from
 * the rest of the bundle or the next argument ({@code -w5}, {@code -w 5}); long options take
 * {@code --weight=5} or {@code --weight 5}; {@code -p} takes an optional value only when the next
 * argument does not start with '-'. The command must come first, as in ipvsadm.
 *
 * <p>Deliberate differences, all stricter or order-independent: addresses must be numeric (no DNS,
 * no /etc/services port names, no octal or shorthand IPv4); {@code -M} and the default port of
 * {@code -r} are resolved after the whole line is read, so option order does not matter; a
 * threshold pair with l &gt; u is refused here instead of by the kernel (ERANGE).
 */
public final class IpvsadmCommandLine {

    private static final int MAX_TIMEOUT = ServiceSpec.MAX_TIMEOUT;
    private static final String COMMANDS =
            "a command first: -A, -E, -D, -C, -a, -e, -d, -L, -Z, -S, -R, --set, --start-daemon, --stop-daemon, -h or -v";
    private static final String SERVICE_TEXT = "ADDRESS[:PORT] with a numeric IPv4 address, or [IPv6]:PORT";
    private static final String SERVER_TEXT = "ADDRESS[:PORT] with a numeric IPv4 address, an IPv6 address or [IPv6]:PORT";

    private IpvsadmCommandLine() {
    }

    /** The commands, named as ipvsadm's cmdnames[] for its messages. */
    private enum Cmd {
        ADD("add-service"), EDIT("edit-service"), DEL("delete-service"), FLUSH("flush"), LIST("list"),
        ADDDEST("add-server"), DELDEST("delete-server"), EDITDEST("edit-server"), TIMEOUT("set"),
        STARTDAEMON("start-daemon"), STOPDAEMON("stop-daemon"), RESTORE("restore"), SAVE("save"), ZERO("zero"),
        HELP("help"), VERSION("version");

        final String ipvsadmName;

        Cmd(String ipvsadmName) {
            this.ipvsadmName = ipvsadmName;
        }
    }

    /**
     * ipvsadm's option classes (OPTC_*), in its order, which is the order its checks report in;
     * each named as ipvsadm's optnames[].
     */
    private enum Opt {
        NUMERIC("numeric"), CONNECTION("connection"), SERVICE("service-address"), SCHEDULER("scheduler"),
        PERSISTENT("persistent"), NETMASK("netmask"), SERVER("real-server"), FORWARD("forwarding-method"),
        WEIGHT("weight"), UTHRESHOLD("u-threshold"), LTHRESHOLD("l-threshold"), MCAST("mcast-interface"),
        TIMEOUT("timeout"), DAEMON("daemon"), STATS("stats"), RATE("rate"), THRESHOLDS("thresholds"),
        PERSISTENTCONN("persistent-conn"), NOSORT("nosort"), SYNCID("syncid"), EXACT("exact"), ONEPACKET("ops"),
        PE("pe"), SCHED_FLAGS("sched-flags"), MCAST_GROUP("mcast-group"), MCAST_PORT("mcast-port"),
        MCAST_TTL("mcast-ttl"), SYNC_MAXLEN("sync-maxlen"), TUN_INFO("tun-info"), TUN_TYPE("tun-type"),
        TUN_PORT("tun-port"), TUN_NOCSUM("tun-nocsum"), TUN_CSUM("tun-csum"), TUN_REMCSUM("tun-remcsum");

        final String ipvsadmName;

        Opt(String ipvsadmName) {
            this.ipvsadmName = ipvsadmName;
        }
    }

    /** ipvsadm's commands_v_options[] table: per command, required, optional and mutually exclusive options. */
    private record Legality(Set<Opt> required, Set<Opt> optional, Set<Opt> exclusive) {
        static Legality of(Set<Opt> required, Set<Opt> optional) {
            return new Legality(required, optional, EnumSet.noneOf(Opt.class));
        }
    }

    private static final Map<Cmd, Legality> LEGALITY = new EnumMap<>(Cmd.class);

    static {
        Set<Opt> none = EnumSet.noneOf(Opt.class);
        Set<Opt> service = EnumSet.of(Opt.SERVICE);
        Set<Opt> serviceAndServer = EnumSet.of(Opt.SERVICE, Opt.SERVER);
        Legality serviceEdit = Legality.of(service, EnumSet.of(Opt.SCHEDULER, Opt.PERSISTENT, Opt.NETMASK,
                Opt.ONEPACKET, Opt.PE, Opt.SCHED_FLAGS));
        Legality destEdit = Legality.of(serviceAndServer, EnumSet.of(Opt.FORWARD, Opt.WEIGHT, Opt.UTHRESHOLD,
                Opt.LTHRESHOLD, Opt.TUN_TYPE, Opt.TUN_PORT, Opt.TUN_NOCSUM, Opt.TUN_CSUM, Opt.TUN_REMCSUM));
        LEGALITY.put(Cmd.ADD, serviceEdit);
        LEGALITY.put(Cmd.EDIT, serviceEdit);
        LEGALITY.put(Cmd.DEL, Legality.of(service, none));
        LEGALITY.put(Cmd.FLUSH, Legality.of(none, none));
        LEGALITY.put(Cmd.LIST, new Legality(none, EnumSet.of(Opt.NUMERIC, Opt.STATS, Opt.RATE, Opt.THRESHOLDS,
                Opt.PERSISTENTCONN, Opt.NOSORT, Opt.SYNCID, Opt.EXACT, Opt.TUN_INFO),
                EnumSet.of(Opt.CONNECTION, Opt.SERVICE, Opt.TIMEOUT, Opt.DAEMON)));
        LEGALITY.put(Cmd.ADDDEST, destEdit);
        LEGALITY.put(Cmd.EDITDEST, destEdit);
        LEGALITY.put(Cmd.DELDEST, Legality.of(serviceAndServer, none));
        LEGALITY.put(Cmd.TIMEOUT, Legality.of(none, none));
        LEGALITY.put(Cmd.STARTDAEMON, Legality.of(none, EnumSet.of(Opt.MCAST, Opt.SYNCID, Opt.MCAST_GROUP,
                Opt.MCAST_PORT, Opt.MCAST_TTL, Opt.SYNC_MAXLEN)));
        LEGALITY.put(Cmd.STOPDAEMON, Legality.of(none, EnumSet.of(Opt.SYNCID)));
        LEGALITY.put(Cmd.RESTORE, Legality.of(none, none));
        LEGALITY.put(Cmd.SAVE, Legality.of(none, EnumSet.of(Opt.NUMERIC)));
        LEGALITY.put(Cmd.ZERO, Legality.of(none, service));
    }

    private enum Arg { NONE, REQUIRED, OPTIONAL }

    /** Every spelling ipvsadm accepts: long name, short letter (0 = none), value kind, what the value is. */
    private enum Switch {
        ADD_SERVICE("add-service", 'A', Cmd.ADD),
        EDIT_SERVICE("edit-service", 'E', Cmd.EDIT),
        DELETE_SERVICE("delete-service", 'D', Cmd.DEL),
        CLEAR("clear", 'C', Cmd.FLUSH),
        LIST("list", 'L', Cmd.LIST),
        ZERO("zero", 'Z', Cmd.ZERO),
        ADD_SERVER("add-server", 'a', Cmd.ADDDEST),
        EDIT_SERVER("edit-server", 'e', Cmd.EDITDEST),
        DELETE_SERVER("delete-server", 'd', Cmd.DELDEST),
        SET("set", '\0', Cmd.TIMEOUT),
        HELP("help", 'h', Cmd.HELP),
        VERSION("version", 'v', Cmd.VERSION),
        RESTORE("restore", 'R', Cmd.RESTORE),
        SAVE("save", 'S', Cmd.SAVE),
        START_DAEMON("start-daemon", '\0', Cmd.STARTDAEMON, Arg.REQUIRED, "master or backup"),
        STOP_DAEMON("stop-daemon", '\0', Cmd.STOPDAEMON, Arg.REQUIRED, "master or backup"),
        TCP_SERVICE("tcp-service", 't', Opt.SERVICE, Arg.REQUIRED, SERVICE_TEXT),
        UDP_SERVICE("udp-service", 'u', Opt.SERVICE, Arg.REQUIRED, SERVICE_TEXT),
        SCTP_SERVICE("sctp-service", '\0', Opt.SERVICE, Arg.REQUIRED, SERVICE_TEXT),
        FWMARK_SERVICE("fwmark-service", 'f', Opt.SERVICE, Arg.REQUIRED, "a firewall mark 1..4294967295"),
        SCHEDULER("scheduler", 's', Opt.SCHEDULER, Arg.REQUIRED, "a scheduler name such as rr, wrr, wlc, sh, mh"),
        PERSISTENT("persistent", 'p', Opt.PERSISTENT, Arg.OPTIONAL, "a timeout in seconds 1..2678400"),
        NETMASK("netmask", 'M', Opt.NETMASK, Arg.REQUIRED, "a dotted-quad mask (IPv4) or a prefix length 1..128 (IPv6)"),
        REAL_SERVER("real-server", 'r', Opt.SERVER, Arg.REQUIRED, SERVER_TEXT),
        MASQUERADING("masquerading", 'm', Opt.FORWARD),
        IPIP("ipip", 'i', Opt.FORWARD),
        GATEWAYING("gatewaying", 'g', Opt.FORWARD),
        WEIGHT("weight", 'w', Opt.WEIGHT, Arg.REQUIRED, "an integer 0..65535"),
        U_THRESHOLD("u-threshold", 'x', Opt.UTHRESHOLD, Arg.REQUIRED, "an integer 0..2147483647"),
        L_THRESHOLD("l-threshold", 'y', Opt.LTHRESHOLD, Arg.REQUIRED, "an integer 0..2147483647"),
        NUMERIC("numeric", 'n', Opt.NUMERIC),
        CONNECTION("connection", 'c', Opt.CONNECTION),
        MCAST_INTERFACE("mcast-interface", '\0', Opt.MCAST, Arg.REQUIRED, "an interface name of at most 15 characters"),
        SYNCID("syncid", '\0', Opt.SYNCID, Arg.REQUIRED, "an integer 0..255"),
        TIMEOUT("timeout", '\0', Opt.TIMEOUT),
        DAEMON("daemon", '\0', Opt.DAEMON),
        STATS("stats", '\0', Opt.STATS),
        RATE("rate", '\0', Opt.RATE),
        THRESHOLDS("thresholds", '\0', Opt.THRESHOLDS),
        PERSISTENT_CONN("persistent-conn", '\0', Opt.PERSISTENTCONN),
        NOSORT("nosort", '\0', Opt.NOSORT),
        SORT("sort", '\0', (Opt) null),
        EXACT("exact", 'X', Opt.EXACT),
        IPV6("ipv6", '6', (Opt) null),
        OPS("ops", 'o', Opt.ONEPACKET),
        PE("pe", '\0', Opt.PE, Arg.REQUIRED, "a persistence engine name such as sip"),
        SCHED_FLAGS("sched-flags", 'b', Opt.SCHED_FLAGS, Arg.REQUIRED,
                "comma-separated flag-1, flag-2, flag-3, sh-fallback, sh-port, mh-fallback, mh-port"),
        MCAST_GROUP("mcast-group", '\0', Opt.MCAST_GROUP, Arg.REQUIRED, "an IPv4 or IPv6 multicast address"),
        MCAST_PORT("mcast-port", '\0', Opt.MCAST_PORT, Arg.REQUIRED, "a port 1..65535"),
        MCAST_TTL("mcast-ttl", '\0', Opt.MCAST_TTL, Arg.REQUIRED, "a TTL 1..255"),
        SYNC_MAXLEN("sync-maxlen", '\0', Opt.SYNC_MAXLEN, Arg.REQUIRED, "a length 1..65507"),
        TUN_INFO("tun-info", '\0', Opt.TUN_INFO),
        TUN_TYPE("tun-type", '\0', Opt.TUN_TYPE, Arg.REQUIRED, "ipip, gue or gre"),
        TUN_PORT("tun-port", '\0', Opt.TUN_PORT, Arg.REQUIRED, "a port 1..65535"),
        TUN_NOCSUM("tun-nocsum", '\0', Opt.TUN_NOCSUM),
        TUN_CSUM("tun-csum", '\0', Opt.TUN_CSUM),
        TUN_REMCSUM("tun-remcsum", '\0', Opt.TUN_REMCSUM);

        final String longName;
        final char shortName;
        final Cmd command;
        final Opt option;
        final Arg arg;
        final String expected;

        Switch(String longName, char shortName, Cmd command) {
            this(longName, shortName, command, null, Arg.NONE, null);
        }

        Switch(String longName, char shortName, Cmd command, Arg arg, String expected) {
            this(longName, shortName, command, null, arg, expected);
        }

        Switch(String longName, char shortName, Opt option) {
            this(longName, shortName, null, option, Arg.NONE, null);
        }

        Switch(String longName, char shortName, Opt option, Arg arg, String expected) {
            this(longName, shortName, null, option, arg, expected);
        }

        Switch(String longName, char shortName, Cmd command, Opt option, Arg arg, String expected) {
            this.longName = longName;
            this.shortName = shortName;
            this.command = command;
            this.option = option;
            this.arg = arg;
            this.expected = expected;
        }
    }

    private static final Map<String, Switch> BY_LONG = new HashMap<>();
    private static final Map<Character, Switch> BY_SHORT = new HashMap<>();

    static {
        for (Switch s : Switch.values()) {
            BY_LONG.put(s.longName, s);
            if (s.shortName != '\0') {
                BY_SHORT.put(s.shortName, s);
            }
        }
        BY_SHORT.put('l', Switch.LIST);
    }

    /** One scanned argument: a switch with its value, or a positional argument (sw == null). */
    private record Token(Switch sw, String text, String value) {
    }

    /** An address with an optional port, as parse_service() returns it. */
    private record Endpoint(InetAddress address, int port, boolean hasPort) {
    }

    public static IpvsadmCommand parse(String... args) throws IpvsadmSyntaxException {
        return parse(Arrays.asList(args));
    }

    /** Parses the arguments after the program name; no arguments means "list the table", as in ipvsadm. */
    public static IpvsadmCommand parse(List<String> args) throws IpvsadmSyntaxException {
        if (args.isEmpty()) {
            return new IpvsadmCommand.List(Optional.empty(), EnumSet.noneOf(ListOption.class));
        }
        return new Parse(scan(args)).run();
    }

    /** Splits the arguments the way popt does. */
    private static List<Token> scan(List<String> args) throws IpvsadmSyntaxException {
        List<Token> out = new ArrayList<>();
        boolean optionsDone = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (optionsDone || a.length() < 2 || a.charAt(0) != '-') {
                out.add(new Token(null, a, a));
            } else if (a.equals("--")) {
                optionsDone = true;
            } else if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                Switch sw = BY_LONG.get(eq < 0 ? a.substring(2) : a.substring(2, eq));
                if (sw == null) {
                    throw new IpvsadmSyntaxException(a, "unknown option", null);
                }
                if (eq >= 0) {
                    if (sw.arg == Arg.NONE) {
                        throw new IpvsadmSyntaxException(a, "option takes no value", null);
                    }
                    out.add(new Token(sw, a, a.substring(eq + 1)));
                } else {
                    i = takeValue(args, i, sw, a, out);
                }
            } else {
                for (int k = 1; k < a.length(); k++) {
                    Switch sw = BY_SHORT.get(a.charAt(k));
                    String spelled = "-" + a.charAt(k);
                    if (sw == null) {
                        throw new IpvsadmSyntaxException(spelled, "unknown option", null);
                    }
                    if (sw.arg != Arg.NONE && k + 1 < a.length()) {
                        out.add(new Token(sw, spelled + a.substring(k + 1), a.substring(k + 1)));
                        break;
                    }
                    if (sw.arg != Arg.NONE) {
                        i = takeValue(args, i, sw, spelled, out);
                    } else {
                        out.add(new Token(sw, spelled, null));
                    }
                }
            }
        }
        return out;
    }

    /** Takes a switch's value from the next argument; returns the index of the last argument used. */
    private static int takeValue(List<String> args, int i, Switch sw, String spelled, List<Token> out)
            throws IpvsadmSyntaxException {
        boolean hasNext = i + 1 < args.size();
        if (sw.arg == Arg.NONE || sw.arg == Arg.OPTIONAL && (!hasNext || args.get(i + 1).startsWith("-"))) {
            out.add(new Token(sw, spelled, null));
            return i;
        }
        if (!hasNext) {
            throw new IpvsadmSyntaxException(spelled, "missing argument", sw.expected);
        }
        String value = args.get(i + 1);
        out.add(new Token(sw, spelled + " " + value, value));
        return i + 1;
    }

    /** The state of one parse, filled option by option as ipvsadm's struct ipvs_command_entry is. */
    private static final class Parse {
        private final List<Token> tokens;
        private final Map<Opt, Token> given = new EnumMap<>(Opt.class);
        private final List<Token> positional = new ArrayList<>();
        private Cmd cmd;
        private Token cmdToken;
        private DaemonState daemon;

        private Protocol protocol;
        private Endpoint vip;
        private long fwmark;
        private boolean fwmarkIpv6;
        private String scheduler = ServiceSpec.DEFAULT_SCHEDULER;
        private int persistTimeout;
        private boolean onePacket;
        private String pe = "";

        private Endpoint server;
        private Forward forward = Forward.DROUTE;
        private int weight = DestinationSpec.DEFAULT_WEIGHT;
        private int upper;
        private int lower;
        private TunnelType tunType = TunnelType.IPIP;
        private int tunPort;
        private TunnelChecksum tunCsum = TunnelChecksum.NOCSUM;

        private String mcastInterface = "";
        private int syncId;
        private int syncMaxlen;
        private InetAddress mcastGroup;
        private int mcastPort;
        private int mcastTtl;
        private final Set<ListOption> listOptions = EnumSet.noneOf(ListOption.class);

        Parse(List<Token> tokens) {
            this.tokens = tokens;
        }

        IpvsadmCommand run() throws IpvsadmSyntaxException {
            Token first = tokens.get(0);
            if (first.sw() == null || first.sw().command == null) {
                throw new IpvsadmSyntaxException(first.text(), "not a command", COMMANDS);
            }
            cmd = first.sw().command;
            cmdToken = first;
            if (cmd == Cmd.STARTDAEMON || cmd == Cmd.STOPDAEMON) {
                daemon = daemonState();
            }
            if (cmd == Cmd.HELP) {
                return new IpvsadmCommand.Help();
            }
            if (cmd == Cmd.VERSION) {
                return new IpvsadmCommand.Version();
            }
            for (Token t : tokens.subList(1, tokens.size())) {
                option(t);
            }
            IpvsadmCommand.SetTimeouts timeouts = positionals();
            int schedFlags = schedFlags();
            checkLegality();
            return build(timeouts, schedFlags);
        }

        private void option(Token t) throws IpvsadmSyntaxException {
            Switch sw = t.sw();
            if (sw == null) {
                positional.add(t);
                return;
            }
            if (sw.command != null) {
                throw new IpvsadmSyntaxException(t.text(), "multiple commands specified", null);
            }
            if (sw.option != null) {
                if (given.containsKey(sw.option)) {
                    throw new IpvsadmSyntaxException(t.text(),
                            "multiple '" + sw.option.ipvsadmName + "' options specified", null);
                }
                given.put(sw.option, t);
            }
            String v = t.value();
            switch (sw) {
                case TCP_SERVICE, UDP_SERVICE, SCTP_SERVICE -> {
                    protocol = sw == Switch.TCP_SERVICE ? Protocol.TCP
                            : sw == Switch.UDP_SERVICE ? Protocol.UDP : Protocol.SCTP;
                    vip = endpoint(v);
                    if (vip == null) {
                        throw bad(t, "illegal virtual server address[:port] specified");
                    }
                }
                case FWMARK_SERVICE -> {
                    fwmark = Numbers.parseUnsigned(v, ServiceKey.MAX_FWMARK);
                    if (fwmark < 1) {
                        throw bad(t, "invalid fwmark value `" + v + "' specified");
                    }
                }
                case SCHEDULER -> scheduler = name(t);
                case PERSISTENT -> persistTimeout = v == null ? ServiceSpec.DEFAULT_PERSIST_TIMEOUT : timeout(t, v, 1);
                case REAL_SERVER -> {
                    server = endpoint(v);
                    if (server == null) {
                        throw bad(t, "illegal real server address[:port] specified");
                    }
                }
                case MASQUERADING -> forward = Forward.MASQ;
                case IPIP -> forward = Forward.TUNNEL;
                case GATEWAYING -> forward = Forward.DROUTE;
                case WEIGHT -> weight = number(t, 0, 65535, "illegal weight specified");
                case U_THRESHOLD -> upper = number(t, 0, Integer.MAX_VALUE, "illegal u_threshold specified");
                case L_THRESHOLD -> lower = number(t, 0, Integer.MAX_VALUE, "illegal l_threshold specified");
                case NUMERIC -> listOptions.add(ListOption.NUMERIC);
                case CONNECTION -> listOptions.add(ListOption.CONNECTION);
                case TIMEOUT -> listOptions.add(ListOption.TIMEOUT);
                case DAEMON -> listOptions.add(ListOption.DAEMON);
                case STATS -> listOptions.add(ListOption.STATS);
                case RATE -> listOptions.add(ListOption.RATE);
                case THRESHOLDS -> listOptions.add(ListOption.THRESHOLDS);
                case PERSISTENT_CONN -> listOptions.add(ListOption.PERSISTENT_CONN);
                case NOSORT -> listOptions.add(ListOption.NOSORT);
                case EXACT -> listOptions.add(ListOption.EXACT);
                case TUN_INFO -> listOptions.add(ListOption.TUN_INFO);
                case MCAST_INTERFACE -> mcastInterface = name(t);
                case SYNCID -> syncId = number(t, 0, 255, "illegal syncid specified");
                case IPV6 -> {
                    // ipvsadm: -6 only marks an already given fwmark service as IPv6
                    if (fwmark == 0) {
                        throw new IpvsadmSyntaxException(t.text(), "-6 used before -f", "-f MARK before -6");
                    }
                    fwmarkIpv6 = true;
                }
                case OPS -> onePacket = true;
                case PE -> pe = name(t);
                case MCAST_GROUP -> mcastGroup = multicast(t);
                case MCAST_PORT -> mcastPort = number(t, 1, 65535, "illegal mcast-port specified");
                case MCAST_TTL -> mcastTtl = number(t, 1, 255, "illegal mcast-ttl specified");
                case SYNC_MAXLEN -> syncMaxlen = number(t, 1, 65535 - 20 - 8, "illegal sync-maxlen specified");
                case TUN_TYPE -> tunType = tunnelType(t);
                case TUN_PORT -> tunPort = number(t, 1, 65535, "illegal tunnel port specified");
                case TUN_NOCSUM -> tunCsum = TunnelChecksum.NOCSUM;
                case TUN_CSUM -> tunCsum = TunnelChecksum.CSUM;
                case TUN_REMCSUM -> tunCsum = TunnelChecksum.REMCSUM;
                default -> {
                    // SORT is a no-op kept for compatibility; NETMASK is resolved once the family is known
                }
            }
        }

        /** The positional arguments: only --set has them; its three timeouts, else null. */
        private IpvsadmCommand.SetTimeouts positionals() throws IpvsadmSyntaxException {
            IpvsadmCommand.SetTimeouts timeouts = null;
            int used = 0;
            if (cmd == Cmd.TIMEOUT) {
                if (positional.size() < 3) {
                    throw new IpvsadmSyntaxException(cmdToken.text(), "--set option requires 3 timeout values",
                            "--set TCP TCPFIN UDP, each 0..2678400 seconds");
                }
                timeouts = new IpvsadmCommand.SetTimeouts(timeout(positional.get(0), positional.get(0).value(), 0),
                        timeout(positional.get(1), positional.get(1).value(), 0),
                        timeout(positional.get(2), positional.get(2).value(), 0));
                used = 3;
            }
            if (positional.size() > used) {
                Token extra = positional.get(used);
                throw new IpvsadmSyntaxException(extra.text(), "unexpected argument " + extra.text(), null);
            }
            return timeouts;
        }

        /** parse_sched_flags(), checked against the scheduler finally chosen. */
        private int schedFlags() throws IpvsadmSyntaxException {
            Token t = given.get(Opt.SCHED_FLAGS);
            if (t == null) {
                return 0;
            }
            int flags = 0;
            for (String f : t.value().split(",")) {
                if (f.isEmpty()) {
                    continue;
                }
                String only = f.startsWith("sh-") ? "sh" : f.startsWith("mh-") ? "mh" : null;
                flags |= switch (f) {
                    case "flag-1", "sh-fallback", "mh-fallback" -> ServiceSpec.SCHED_FLAG_1;
                    case "flag-2", "sh-port", "mh-port" -> ServiceSpec.SCHED_FLAG_2;
                    case "flag-3" -> ServiceSpec.SCHED_FLAG_3;
                    default -> throw bad(t, "invalid scheduler flag `" + f + "'");
                };
                if (only != null && !only.equals(scheduler)) {
                    throw new IpvsadmSyntaxException(t.text(), "incompatible scheduler flag `" + f + "'",
                            f + " only with -s " + only);
                }
            }
            if (flags == 0) {
                throw bad(t, "invalid scheduler flag `" + t.value() + "'");
            }
            return flags;
        }

        /** generic_opt_check(): reports the first offending option in ipvsadm's option order. */
        private void checkLegality() throws IpvsadmSyntaxException {
            Legality l = LEGALITY.get(cmd);
            Token firstExclusive = null;
            Opt firstExclusiveOpt = null;
            for (Opt o : Opt.values()) {
                Token t = given.get(o);
                if (t == null) {
                    if (l.required().contains(o)) {
                        throw new IpvsadmSyntaxException(cmdToken.text(), "You need to supply the '" + o.ipvsadmName
                                + "' option for the '" + cmd.ipvsadmName + "' command", null);
                    }
                } else if (l.exclusive().contains(o)) {
                    if (firstExclusive != null) {
                        throw new IpvsadmSyntaxException(t.text(), "The option '" + o.ipvsadmName
                                + "' conflicts with the '" + firstExclusiveOpt.ipvsadmName + "' option in the '"
                                + cmd.ipvsadmName + "' command", null);
                    }
                    firstExclusive = t;
                    firstExclusiveOpt = o;
                } else if (!l.optional().contains(o) && !l.required().contains(o)) {
                    throw new IpvsadmSyntaxException(t.text(), "Illegal '" + o.ipvsadmName + "' option with the '"
                            + cmd.ipvsadmName + "' command", null);
                }
            }
        }

        private IpvsadmCommand build(IpvsadmCommand.SetTimeouts timeouts, int schedFlags) throws IpvsadmSyntaxException {
            Optional<ServiceKey> key = given.containsKey(Opt.SERVICE) ? Optional.of(serviceKey()) : Optional.empty();
            return switch (cmd) {
                case ADD -> new IpvsadmCommand.AddService(serviceSpec(key.orElseThrow(), schedFlags));
                case EDIT -> new IpvsadmCommand.EditService(serviceSpec(key.orElseThrow(), schedFlags));
                case DEL -> new IpvsadmCommand.DeleteService(key.orElseThrow());
                case FLUSH -> new IpvsadmCommand.Clear();
                case ADDDEST -> new IpvsadmCommand.AddDest(key.orElseThrow(), destination(key.orElseThrow()));
                case EDITDEST -> new IpvsadmCommand.EditDest(key.orElseThrow(), destination(key.orElseThrow()));
                case DELDEST -> new IpvsadmCommand.DeleteDest(key.orElseThrow(), server.address(),
                        server.hasPort() ? server.port() : key.orElseThrow().port());
                case LIST -> list(key);
                case ZERO -> new IpvsadmCommand.Zero(key);
                case SAVE -> new IpvsadmCommand.Save(listOptions.contains(ListOption.NUMERIC));
                case RESTORE -> new IpvsadmCommand.Restore();
                case TIMEOUT -> timeouts;
                case STARTDAEMON -> new IpvsadmCommand.StartDaemon(daemon,
                        mcastInterface.isEmpty() ? "eth0" : mcastInterface, syncId, syncMaxlen,
                        Optional.ofNullable(mcastGroup), mcastPort, mcastTtl);
                case STOPDAEMON -> new IpvsadmCommand.StopDaemon(daemon, syncId);
                case HELP, VERSION -> throw new IllegalStateException("answered before option processing");
            };
        }

        private ServiceKey serviceKey() {
            return fwmark != 0 ? ServiceKey.ofFwmark(fwmark, fwmarkIpv6)
                    : ServiceKey.of(protocol, vip.address(), vip.port());
        }

        private ServiceSpec serviceSpec(ServiceKey key, int schedFlags) throws IpvsadmSyntaxException {
            Token service = given.get(Opt.SERVICE);
            if (!key.isFwmark() && key.port() == 0 && persistTimeout == 0) {
                throw new IpvsadmSyntaxException(service.text(), "Zero port specified for non-persistent service",
                        "a port, or -p to make a port-0 service persistent");
            }
            if (onePacket && !key.isFwmark() && key.protocol() != Protocol.UDP) {
                throw new IpvsadmSyntaxException(given.get(Opt.ONEPACKET).text(),
                        "One-Packet Scheduling is only for UDP virtual services", "-o only with -u or -f");
            }
            return new ServiceSpec(key, scheduler, schedFlags, persistTimeout, netmask(key), onePacket, pe, List.of());
        }

        private int netmask(ServiceKey key) throws IpvsadmSyntaxException {
            Token t = given.get(Opt.NETMASK);
            if (t == null) {
                return ServiceSpec.defaultNetmask(key);
            }
            if (key.ipv6()) {
                int prefix = Numbers.parse(t.value(), 1, 128);
                if (prefix < 0) {
                    throw new IpvsadmSyntaxException(t.text(), "illegal ipv6 netmask specified", "a prefix length 1..128");
                }
                return prefix;
            }
            Integer mask = AddressText.parseIpv4Mask(t.value());
            if (mask == null) {
                throw new IpvsadmSyntaxException(t.text(), "illegal virtual server persistent mask specified",
                        "a dotted-quad mask such as 255.255.255.0");
            }
            return mask;
        }

        private DestinationSpec destination(ServiceKey key) throws IpvsadmSyntaxException {
            Token serverToken = given.get(Opt.SERVER);
            int port = server.hasPort() ? server.port() : key.port();
            // process_options(): DR and tunnel reach the real server on the virtual port
            if (!key.isFwmark() && (forward == Forward.TUNNEL || forward == Forward.DROUTE)) {
                port = key.port();
            }
            boolean sameFamily = (server.address() instanceof Inet6Address) == key.ipv6();
            if (!sameFamily && forward != Forward.TUNNEL) {
                throw new IpvsadmSyntaxException(serverToken.text(),
                        "Different address family is allowed only for tunneling servers", "-i, or a server of the service's family");
            }
            checkTunnelOptions();
            if (lower > upper) {
                // the kernel's ip_vs_add_dest()/ip_vs_edit_dest() answer ERANGE
                throw new IpvsadmSyntaxException(given.get(Opt.LTHRESHOLD).text(), "Numerical result out of range: lower threshold "
                        + lower + " is higher than upper threshold " + upper, "-y no greater than -x");
            }
            return new DestinationSpec(server.address(), port, forward, weight, upper, lower, tunType, tunPort, tunCsum);
        }

        /** The tunnel checks of process_options() and tunnel_opt_check(), in ipvsadm's order. */
        private void checkTunnelOptions() throws IpvsadmSyntaxException {
            Opt[] tunnelOpts = {Opt.TUN_TYPE, Opt.TUN_PORT, Opt.TUN_NOCSUM, Opt.TUN_CSUM, Opt.TUN_REMCSUM};
            for (Opt o : tunnelOpts) {
                if (given.containsKey(o) && forward != Forward.TUNNEL) {
                    throw new IpvsadmSyntaxException(given.get(o).text(), "Tunnel options conflict with forward method",
                            "tunnel options only with -i");
                }
            }
            String typeName = tunType.name().toLowerCase(Locale.ROOT);
            boolean portRequired = tunType == TunnelType.GUE;
            Set<Opt> allowed = switch (tunType) {
                case IPIP -> EnumSet.noneOf(Opt.class);
                case GUE -> EnumSet.of(Opt.TUN_PORT, Opt.TUN_NOCSUM, Opt.TUN_CSUM, Opt.TUN_REMCSUM);
                case GRE -> EnumSet.of(Opt.TUN_NOCSUM, Opt.TUN_CSUM);
            };
            Opt firstChecksum = null;
            for (Opt o : Arrays.copyOfRange(tunnelOpts, 1, tunnelOpts.length)) {
                Token t = given.get(o);
                if (t == null) {
                    if (o == Opt.TUN_PORT && portRequired) {
                        throw new IpvsadmSyntaxException(given.get(Opt.TUN_TYPE).text(), "You need to supply the '"
                                + o.ipvsadmName + "' option for the '" + typeName + "' tunnel type", null);
                    }
                } else if (!allowed.contains(o)) {
                    throw new IpvsadmSyntaxException(t.text(), "Illegal '" + o.ipvsadmName + "' option with the '"
                            + typeName + "' tunnel type", null);
                } else if (o != Opt.TUN_PORT && firstChecksum != null) {
                    throw new IpvsadmSyntaxException(t.text(), "The option '" + o.ipvsadmName + "' conflicts with the '"
                            + firstChecksum.ipvsadmName + "' option in the '" + typeName + "' tunnel type", null);
                } else if (o != Opt.TUN_PORT) {
                    firstChecksum = o;
                }
            }
        }

        private IpvsadmCommand list(Optional<ServiceKey> key) throws IpvsadmSyntaxException {
            boolean plain = listOptions.contains(ListOption.CONNECTION) || listOptions.contains(ListOption.TIMEOUT)
                    || listOptions.contains(ListOption.DAEMON);
            boolean numbers = listOptions.contains(ListOption.STATS) || listOptions.contains(ListOption.RATE)
                    || listOptions.contains(ListOption.THRESHOLDS);
            boolean global = listOptions.contains(ListOption.TIMEOUT) || listOptions.contains(ListOption.DAEMON);
            if (plain && numbers || global && listOptions.contains(ListOption.PERSISTENT_CONN)) {
                throw new IpvsadmSyntaxException(cmdToken.text(), "options conflicts in the list command",
                        "--stats, --rate, --thresholds, --persistent-conn only when listing services or connections");
            }
            return new IpvsadmCommand.List(key, listOptions);
        }

        private DaemonState daemonState() throws IpvsadmSyntaxException {
            return switch (cmdToken.value()) {
                case "master" -> DaemonState.MASTER;
                case "backup" -> DaemonState.BACKUP;
                default -> throw bad(cmdToken, "illegal " + cmd.ipvsadmName + " parameter specified");
            };
        }

        private static IpvsadmSyntaxException bad(Token t, String problem) {
            return new IpvsadmSyntaxException(t.text(), problem, t.sw() == null ? null : t.sw().expected);
        }

        private static int number(Token t, int min, int max, String problem) throws IpvsadmSyntaxException {
            int v = Numbers.parse(t.value(), min, max);
            if (v < 0) {
                throw bad(t, problem);
            }
            return v;
        }

        private static int timeout(Token t, String value, int min) throws IpvsadmSyntaxException {
            int v = Numbers.parse(value, min, MAX_TIMEOUT);
            if (v < 0) {
                throw new IpvsadmSyntaxException(t.text(), "invalid timeout value `" + value + "' specified",
                        "seconds " + min + ".." + MAX_TIMEOUT);
            }
            return v;
        }

        /** Scheduler, engine and interface names: the kernel's fields hold 15 characters and a NUL. */
        private static String name(Token t) throws IpvsadmSyntaxException {
            if (t.value().isEmpty() || t.value().length() > ServiceSpec.MAX_NAME_LENGTH) {
                throw bad(t, "name must be 1.." + ServiceSpec.MAX_NAME_LENGTH + " characters");
            }
            return t.value();
        }

        private static InetAddress multicast(Token t) throws IpvsadmSyntaxException {
            String v = t.value();
            if (v.indexOf(':') >= 0) {
                Inet6Address a = AddressText.parseIpv6(v);
                if (a == null || !a.isMulticastAddress()) {
                    throw bad(t, "invalid IPv6 mcast-group `" + v + "'");
                }
                return a;
            }
            Inet4Address a = AddressText.parseIpv4(v);
            if (a == null || !a.isMulticastAddress()) {
                throw bad(t, "invalid IPv4 mcast-group `" + v + "'");
            }
            return a;
        }

        private static TunnelType tunnelType(Token t) throws IpvsadmSyntaxException {
            return switch (t.value()) {
                case "ipip" -> TunnelType.IPIP;
                case "gue" -> TunnelType.GUE;
                case "gre" -> TunnelType.GRE;
                default -> throw bad(t, "illegal tunnel type specified");
            };
        }

        /**
         * As parse_service(): {@code [v6]:port}, a bare IPv6 address (no port), or
         * {@code v4[:port]}; a bare number is not an address. Null when malformed.
         */
        private static Endpoint endpoint(String s) {
            if (s.isEmpty() || Numbers.parseUnsigned(s, Long.MAX_VALUE) >= 0) {
                return null;
            }
            if (s.charAt(0) == '[') {
                int close = s.indexOf(']');
                if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                    return null;
                }
                Inet6Address a = AddressText.parseIpv6(s.substring(1, close));
                int port = Numbers.parse(s.substring(close + 2), 0, 65535);
                return a == null || port < 0 ? null : new Endpoint(a, port, true);
            }
            Inet6Address a6 = AddressText.parseIpv6(s);
            if (a6 != null) {
                return new Endpoint(a6, 0, false);
            }
            int colon = s.lastIndexOf(':');
            Inet4Address a4 = AddressText.parseIpv4(colon < 0 ? s : s.substring(0, colon));
            if (a4 == null) {
                return null;
            }
            if (colon < 0) {
                return new Endpoint(a4, 0, false);
            }
            int port = Numbers.parse(s.substring(colon + 1), 0, 65535);
            return port < 0 ? null : new Endpoint(a4, port, true);
        }
    }
}
