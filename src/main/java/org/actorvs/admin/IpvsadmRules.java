package org.actorvs.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.actorvs.admin.IpvsadmCommand.RuleEdit;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.FwmarkRule;
import org.actorvs.service.RuleSet;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceSpec;

/**
 * Rules files in the {@code ipvsadm-save -n} / {@code ipvsadm -R} format: one ipvsadm argument list
 * per line, applied in order with the kernel's edit semantics ({@code -A -E -D -C -a -e -d}).
 * Blank lines are skipped and, as in ipvsadm's config_stream_read(), everything from a '#' on is a
 * comment.
 *
 * <p>One ActorVS extension: a line {@code #actorvs fwmark MARK [-6] match ...} adds a
 * {@link FwmarkRule} (text form of {@link FwmarkRuleText}) to the firewall-mark service MARK defined
 * on an earlier line. Being a comment to ipvsadm, such a file still restores on Linux unchanged.
 *
 * <p>Reading is all or nothing: every line is parsed and applied to a private copy, and the new
 * RuleSet is returned only when all lines succeeded; otherwise a {@link RulesFileException} names
 * the line, the argument and the reason.
 *
 * <p>Writing reproduces {@code ipvsadm -S -n} (ipvsadm 1.31, print_service_entry()) byte for byte
 * with two deliberate additions that ipvsadm would lose: a destination's non-zero thresholds are
 * written as {@code -x U -y L} at the end of its line, and fwmark match rules as the directive
 * above. A third difference only shows in a case where ipvsadm prints a line it cannot read back:
 * flag-3 on an sh or mh service is written as {@code flag-3} where ipvsadm writes an empty
 * {@code -b}.
 */
public final class IpvsadmRules {

    /** Starts a line carrying an ActorVS extension; ipvsadm reads it as a comment. */
    public static final String DIRECTIVE = "#actorvs";

    private IpvsadmRules() {
    }

    /** Reads a rules file into a new RuleSet. */
    public static RuleSet read(Path file) throws IOException, RulesFileException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return restore(RuleSet.EMPTY, in);
        }
    }

    /** Reads rules text into a new RuleSet. */
    public static RuleSet read(String text) throws RulesFileException {
        try {
            return restore(RuleSet.EMPTY, new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
    }

    /**
     * As {@code ipvsadm -R}: applies the lines to an existing table, so an {@code -A} of a service
     * that already exists fails. Returns the new table; {@code current} is untouched on error.
     */
    public static RuleSet restore(RuleSet current, Reader in) throws IOException, RulesFileException {
        RuleSet.Builder rules = current.toBuilder();
        BufferedReader lines = new BufferedReader(in);
        int lineNo = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            lineNo++;
            applyLine(rules, line, lineNo);
        }
        return rules.build();
    }

    private static void applyLine(RuleSet.Builder rules, String line, int lineNo) throws RulesFileException {
        List<String> words = words(line);
        if (words.size() > 1 && words.get(0).equals(DIRECTIVE)) {
            applyDirective(rules, words.subList(1, words.size()), lineNo);
            return;
        }
        int hash = line.indexOf('#');
        words = words(hash < 0 ? line : line.substring(0, hash));
        if (words.isEmpty()) {
            return;
        }
        IpvsadmCommand command;
        try {
            command = IpvsadmCommandLine.parse(words);
        } catch (IpvsadmSyntaxException e) {
            throw syntax(lineNo, e);
        }
        if (!(command instanceof RuleEdit edit)) {
            throw new RulesFileException(lineNo, words.get(0),
                    "command not allowed in a rules file (expected -A, -E, -D, -C, -a, -e or -d)");
        }
        try {
            edit.applyTo(rules);
        } catch (RuleSet.EditException e) {
            throw new RulesFileException(lineNo, subjectToken(edit, e.subject()), e.getMessage() + " (" + e.detail() + ")");
        }
    }

    /** {@code fwmark MARK [-6] match ...}. */
    private static void applyDirective(RuleSet.Builder rules, List<String> words, int lineNo) throws RulesFileException {
        String expected = " (expected " + DIRECTIVE + " fwmark MARK [-6] match PROTOCOLS [dst ...] [dport ...] [src ...])";
        if (!words.get(0).equals("fwmark") || words.size() < 2) {
            throw new RulesFileException(lineNo, words.get(0), "unknown " + DIRECTIVE + " directive" + expected);
        }
        long mark = Numbers.parseUnsigned(words.get(1), ServiceKey.MAX_FWMARK);
        if (mark < 1) {
            throw new RulesFileException(lineNo, words.get(1), "invalid fwmark value `" + words.get(1) + "' specified" + expected);
        }
        boolean ipv6 = words.size() > 2 && words.get(2).equals("-6");
        ServiceKey key = ServiceKey.ofFwmark(mark, ipv6);
        if (words.size() == (ipv6 ? 3 : 2)) {
            throw new RulesFileException(lineNo, words.get(words.size() - 1), "missing match rule" + expected);
        }
        FwmarkRule rule;
        try {
            rule = FwmarkRuleText.parse(words.subList(ipv6 ? 3 : 2, words.size()), ipv6);
        } catch (IpvsadmSyntaxException e) {
            throw syntax(lineNo, e);
        }
        try {
            rules.addMatchRule(key, rule);
        } catch (RuleSet.EditException e) {
            throw new RulesFileException(lineNo, selector(key), e.getMessage() + " (" + e.detail() + ")");
        }
    }

    private static RulesFileException syntax(int lineNo, IpvsadmSyntaxException e) {
        return new RulesFileException(lineNo, e.token(),
                e.problem() + (e.expected() == null ? "" : " (expected " + e.expected() + ")"));
    }

    /** The argument an edit error is about, as ipvsadm would print it. */
    private static String subjectToken(RuleEdit edit, RuleSet.Subject subject) {
        ServiceKey service;
        String server = null;
        if (edit instanceof IpvsadmCommand.AddDest a) {
            service = a.service();
            server = AddressText.formatWithPort(a.dest().address(), a.dest().port());
        } else if (edit instanceof IpvsadmCommand.EditDest e) {
            service = e.service();
            server = AddressText.formatWithPort(e.dest().address(), e.dest().port());
        } else if (edit instanceof IpvsadmCommand.DeleteDest d) {
            service = d.service();
            server = AddressText.formatWithPort(d.address(), d.port());
        } else if (edit instanceof IpvsadmCommand.AddService a) {
            service = a.spec().key();
        } else if (edit instanceof IpvsadmCommand.EditService e) {
            service = e.spec().key();
        } else {
            service = ((IpvsadmCommand.DeleteService) edit).service(); // Clear cannot fail
        }
        return subject == RuleSet.Subject.DESTINATION && server != null ? "-r " + server : selector(service);
    }

    /** Writes the table as {@code ipvsadm -S -n} does. */
    public static String save(RuleSet rules) {
        StringBuilder out = new StringBuilder();
        for (RuleSet.Service s : IpvsadmSort.services(rules.services())) {
            ServiceSpec spec = s.spec();
            String selector = selector(spec.key());
            out.append("-A ").append(selector).append(" -s ").append(spec.scheduler());
            if (spec.persistent()) {
                out.append(" -p ").append(spec.persistTimeout());
                if (spec.netmask() != ServiceSpec.defaultNetmask(spec.key())) {
                    out.append(" -M ").append(netmask(spec));
                }
            }
            if (!spec.persistenceEngine().isEmpty()) {
                out.append(" --pe ").append(spec.persistenceEngine());
            }
            if (spec.onePacket()) {
                out.append(" -o");
            }
            if (spec.schedFlags() != 0) {
                out.append(" -b ").append(schedFlagNames(spec));
            }
            out.append('\n');
            for (FwmarkRule r : spec.matchRules()) {
                out.append(DIRECTIVE).append(" fwmark ").append(spec.key().fwmark())
                        .append(spec.key().ipv6() ? " -6 " : " ").append(FwmarkRuleText.format(r)).append('\n');
            }
            for (DestinationSpec d : IpvsadmSort.destinations(s.destinations())) {
                out.append("-a ").append(selector).append(" -r ").append(AddressText.formatWithPort(d.address(), d.port()))
                        .append(' ').append(forwardSwitch(d.forward())).append(" -w ").append(d.weight());
                appendTunnel(out, d);
                if (d.upperThreshold() != 0) {
                    out.append(" -x ").append(d.upperThreshold());
                }
                if (d.lowerThreshold() != 0) {
                    out.append(" -y ").append(d.lowerThreshold());
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** A service's selector as ipvsadm prints it in rules: {@code -t a:p}, {@code -f 1 -6}, ... */
    public static String selector(ServiceKey key) {
        if (key.isFwmark()) {
            return "-f " + key.fwmark() + (key.ipv6() ? " -6" : "");
        }
        String option = switch (key.protocol()) {
            case TCP -> "-t";
            case UDP -> "-u";
            case SCTP -> "--sctp-service";
        };
        return option + " " + AddressText.formatWithPort(key.address(), key.port());
    }

    /** The persistence mask as ipvsadm prints it: dotted for IPv4, the prefix length for IPv6. */
    public static String netmask(ServiceSpec spec) {
        return spec.key().ipv6() ? Integer.toString(spec.netmask()) : AddressText.formatIpv4Mask(spec.netmask());
    }

    /** print_sched_flags(): names by scheduler, with flag-3 kept readable for sh and mh. */
    public static String schedFlagNames(ServiceSpec spec) {
        String prefix = spec.scheduler().equals("sh") || spec.scheduler().equals("mh") ? spec.scheduler() + "-" : null;
        List<String> names = new ArrayList<>(3);
        if ((spec.schedFlags() & ServiceSpec.SCHED_FLAG_1) != 0) {
            names.add(prefix == null ? "flag-1" : prefix + "fallback");
        }
        if ((spec.schedFlags() & ServiceSpec.SCHED_FLAG_2) != 0) {
            names.add(prefix == null ? "flag-2" : prefix + "port");
        }
        if ((spec.schedFlags() & ServiceSpec.SCHED_FLAG_3) != 0) {
            names.add("flag-3");
        }
        return String.join(",", names);
    }

    /** fwd_switch(): LOCALNODE has no switch of its own and is written as -g. */
    private static String forwardSwitch(DestinationSpec.Forward f) {
        return switch (f) {
            case MASQ -> "-m";
            case TUNNEL -> "-i";
            case DROUTE, LOCALNODE -> "-g";
        };
    }

    /** print_tunnel_rule() of ipvsadm 1.31. */
    private static void appendTunnel(StringBuilder out, DestinationSpec d) {
        if (d.forward() != DestinationSpec.Forward.TUNNEL) {
            return;
        }
        out.append(" --tun-type ").append(d.tunnelType().name().toLowerCase(Locale.ROOT));
        if (d.tunnelType() == DestinationSpec.TunnelType.GUE) {
            out.append(" --tun-port ").append(d.tunnelPort());
        }
        if (d.tunnelType() != DestinationSpec.TunnelType.IPIP) {
            out.append(" --tun-").append(d.tunnelChecksum().name().toLowerCase(Locale.ROOT));
        }
    }

    /** Splits a line on blanks as config_stream_read() does (space, tab, CR). */
    private static List<String> words(String line) {
        String s = line.strip();
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("[ \t\r]+"));
    }
}
