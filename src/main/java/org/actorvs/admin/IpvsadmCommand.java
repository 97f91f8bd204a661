package org.actorvs.admin;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceSpec;

/**
 * One ipvsadm invocation, as {@link IpvsadmCommandLine} parses it. The commands that edit the rule
 * table are {@link RuleEdit}s and know how to apply themselves; the others (listing, counters,
 * timeouts, sync daemons) are for the {@code actorvsadm} front end to carry to a running director.
 */
public sealed interface IpvsadmCommand {

    /** A command that changes the virtual-service table, i.e. one ipvsadm -R accepts from a rules file. */
    sealed interface RuleEdit extends IpvsadmCommand {
        /** Applies the command with the kernel's semantics; the builder is unchanged on error. */
        RuleSet.Builder applyTo(RuleSet.Builder rules) throws RuleSet.EditException;

        default RuleSet applyTo(RuleSet rules) throws RuleSet.EditException {
            return applyTo(rules.toBuilder()).build();
        }
    }

    /** {@code -A}. */
    record AddService(ServiceSpec spec) implements RuleEdit {
        @Override
        public RuleSet.Builder applyTo(RuleSet.Builder rules) throws RuleSet.EditException {
            return rules.addService(spec);
        }
    }

    /**
     * {@code -E}: every ipvsadm attribute is replaced (an omitted {@code -s} means wlc again, as in
     * ipvsadm). The service's match rules are kept: ipvsadm syntax cannot express them.
     */
    record EditService(ServiceSpec spec) implements RuleEdit {
        @Override
        public RuleSet.Builder applyTo(RuleSet.Builder rules) throws RuleSet.EditException {
            ServiceSpec merged = rules.spec(spec.key())
                    .map(old -> spec.withMatchRules(old.matchRules()))
                    .orElse(spec);
            return rules.editService(merged);
        }
    }

    /** {@code -D}. */
    record DeleteService(ServiceKey service) implements RuleEdit {
        @Override
        public RuleSet.Builder applyTo(RuleSet.Builder rules) throws RuleSet.EditException {
            return rules.deleteService(service);
        }
    }

    /** {@code -C}. */
    record Clear() implements RuleEdit {
        @Override
        public RuleSet.Builder applyTo(RuleSet.Builder rules) {
            return rules.clear();
        }
    }

    /** {@code -a}. */
    record AddDest(ServiceKey service, DestinationSpec dest) implements RuleEdit {
        @Override
        public RuleSet.Builder applyTo(RuleSet.Builder rules) throws RuleSet.EditException {
            return rules.addDest(service, dest);
        }
    }

    /** {@code -e}: every attribute is replaced (an omitted {@code -w} means weight 1 again, as in ipvsadm). */
    record EditDest(ServiceKey service, DestinationSpec dest) implements RuleEdit {
        @Override
        public RuleSet.Builder applyTo(RuleSet.Builder rules) throws RuleSet.EditException {
            return rules.editDest(service, dest);
        }
    }

    /** {@code -d}. */
    record DeleteDest(ServiceKey service, InetAddress address, int port) implements RuleEdit {
        @Override
        public RuleSet.Builder applyTo(RuleSet.Builder rules) throws RuleSet.EditException {
            return rules.deleteDest(service, address, port);
        }
    }

    /** What {@code -L} shows; the ipvsadm options that choose a listing. */
    enum ListOption { NUMERIC, CONNECTION, STATS, RATE, THRESHOLDS, PERSISTENT_CONN, NOSORT, EXACT, TIMEOUT, DAEMON, TUN_INFO }

    /** {@code -L}/{@code -l} (also ipvsadm with no arguments): one service or all, in a format. */
    record List(Optional<ServiceKey> service, Set<ListOption> options) implements IpvsadmCommand {
        public List {
            Objects.requireNonNull(service, "service");
            options = Set.copyOf(options);
        }
    }

    /** {@code -Z}: zero the counters of one service or of all. */
    record Zero(Optional<ServiceKey> service) implements IpvsadmCommand {
        public Zero {
            Objects.requireNonNull(service, "service");
        }
    }

    /** {@code -S}: print the rules in the restore format. */
    record Save(boolean numeric) implements IpvsadmCommand {
    }

    /** {@code -R}: read rules from standard input. */
    record Restore() implements IpvsadmCommand {
    }

    /** {@code --set tcp tcpfin udp}: protocol timeouts in seconds, 0 = leave unchanged. */
    record SetTimeouts(int tcp, int tcpFin, int udp) implements IpvsadmCommand {
    }

    enum DaemonState { MASTER, BACKUP }

    /**
     * {@code --start-daemon}. Values of 0 (and an empty group) mean "not given": the kernel's
     * default applies, as libipvs omits those attributes.
     *
     * @param mcastInterface interface name, ipvsadm default eth0
     * @param syncId         0..255
     * @param syncMaxlen     1..65507, 0 = kernel default
     * @param mcastGroup     IPv4 or IPv6 multicast group, empty = 224.0.0.81
     * @param mcastPort      1..65535, 0 = 8848
     * @param mcastTtl       1..255, 0 = 1
     */
    record StartDaemon(DaemonState state, String mcastInterface, int syncId, int syncMaxlen,
                       Optional<InetAddress> mcastGroup, int mcastPort, int mcastTtl) implements IpvsadmCommand {
        public StartDaemon {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(mcastInterface, "mcastInterface");
            Objects.requireNonNull(mcastGroup, "mcastGroup");
        }
    }

    /** {@code --stop-daemon}. */
    record StopDaemon(DaemonState state, int syncId) implements IpvsadmCommand {
    }

    /** {@code -h}. */
    record Help() implements IpvsadmCommand {
    }

    /** {@code -v}. */
    record Version() implements IpvsadmCommand {
    }
}
