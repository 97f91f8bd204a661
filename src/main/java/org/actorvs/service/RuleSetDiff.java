package org.actorvs.service;

import java.util.ArrayList;
import java.util.List;

/**
 * The service-level difference between the rule table a director runs and the one a reload asks for:
 * which services to add (ipvsadm -A), to delete (-D) and to bring to a new configuration (-E and the
 * destination commands, which {@link ServiceReconciler} works out). Services equal in both are left alone.
 *
 * @param added   services of the target that the current table lacks, in the target's order
 * @param removed keys of current services the target lacks, in the current table's order
 * @param changed target services that exist now with another configuration, in the target's order
 */
public record RuleSetDiff(List<RuleSet.Service> added, List<ServiceKey> removed, List<RuleSet.Service> changed) {
    public RuleSetDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
    }

    public static RuleSetDiff between(final RuleSet current, final RuleSet target) {
        final List<RuleSet.Service> added = new ArrayList<>();
        final List<RuleSet.Service> changed = new ArrayList<>();
        for (final RuleSet.Service wanted : target.services()) {
            current.service(wanted.key()).ifPresentOrElse(
                now -> {
                    if (!now.equals(wanted)) {
                        changed.add(wanted);
                    }
                },
                () -> added.add(wanted));
        }
        final List<ServiceKey> removed = new ArrayList<>();
        for (final RuleSet.Service now : current.services()) {
            if (target.service(now.key()).isEmpty()) {
                removed.add(now.key());
            }
        }
        return new RuleSetDiff(added, removed, changed);
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }
}
