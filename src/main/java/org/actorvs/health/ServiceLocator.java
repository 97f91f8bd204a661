package org.actorvs.health;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.actorvs.runtime.SchedulerActor;
import org.actorvs.runtime.ServiceDirectory;
import org.actorvs.service.ServiceKey;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Finds the actor that owns a virtual service now. Asked anew for every transition rather than once:
 * a reload may remove and re-add a service, and then another actor owns it.
 */
@FunctionalInterface
public interface ServiceLocator {
    /** The service's actor, or empty when the service is not in lookup. */
    CompletionStage<Optional<ActorRef<SchedulerActor.Command>>> locate(ServiceKey service);

    /** Asks the director's service directory. */
    static ServiceLocator of(final ActorRef<ServiceDirectory.Command> directory, final Scheduler scheduler,
                             final Duration timeout) {
        return service -> AskPattern.<ServiceDirectory.Command, ServiceDirectory.Services>ask(directory,
                ServiceDirectory.GetServices::new, timeout, scheduler)
            .thenApply(s -> Optional.ofNullable(s.services().get(service)));
    }
}
