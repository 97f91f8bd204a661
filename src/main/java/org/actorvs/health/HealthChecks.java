package org.actorvs.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import org.actorvs.runtime.ServiceDirectory;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;

/** Starts one {@link HealthCheckActor} per configured check in a running director's actor system. */
public final class HealthChecks {
    /** How long a transition waits for the service directory's answer. */
    static final Duration LOCATE_TIMEOUT = Duration.ofSeconds(10);

    private HealthChecks() {
    }

    /**
     * Spawns the checkers; they live as long as the actor system. Checks wait on Pekko's blocking-I/O
     * dispatcher, never on the actors' own.
     */
    public static List<ActorRef<HealthCheckActor.Command>> start(final ActorSystem<?> system,
                                                                 final ActorRef<ServiceDirectory.Command> directory,
                                                                 final List<HealthCheckSpec> checks) {
        final Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
        final ServiceLocator locator = ServiceLocator.of(directory, system.scheduler(), LOCATE_TIMEOUT);
        final List<ActorRef<HealthCheckActor.Command>> out = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            final HealthCheckSpec spec = checks.get(i);
            out.add(system.systemActorOf(HealthCheckActor.create(spec, spec.checker(blocking), locator,
                System::nanoTime), "health-" + i, Props.empty()));
        }
        return out;
    }
}
