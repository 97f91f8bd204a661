package org.actorvs.runtime;

import static org.actorvs.runtime.SchedulerActorTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.actorvs.service.Destination;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.ScheduleUpdate;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceReconciler.Changes;
import org.actorvs.service.ServiceSpec;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ServiceDirectoryTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final ServiceKey WEB = ServiceKey.of(ServiceKey.Protocol.TCP, ip("192.0.2.1"), 80);
    private static final ServiceKey DNS = ServiceKey.of(ServiceKey.Protocol.UDP, ip("192.0.2.1"), 53);
    private static final DestinationSpec A = DestinationSpec.of(ip("10.0.0.1"), 80);
    private static final DestinationSpec B = DestinationSpec.of(ip("10.0.0.2"), 80);
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private final DestinationRegistry registry = new DestinationRegistry();
    private final AtomicLong clock = new AtomicLong();
    private final TestProbe<ScheduleUpdate> shard = KIT.createTestProbe(ScheduleUpdate.class);
    private final TestProbe<ServiceDirectory.Summary> summaries = KIT.createTestProbe(ServiceDirectory.Summary.class);
    private final ActorRef<ServiceDirectory.Command> directory = KIT.spawn(
            ServiceDirectory.create(registry, List.of(shard.getRef()), Duration.ofHours(1), clock::get));

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private static RuleSet rules(Map<ServiceKey, List<DestinationSpec>> services) {
        try {
            RuleSet.Builder b = RuleSet.builder();
            for (var e : services.entrySet()) {
                b.addService(ServiceSpec.of(e.getKey()));
                for (DestinationSpec d : e.getValue()) {
                    b.addDest(e.getKey(), d);
                }
            }
            return b.build();
        } catch (RuleSet.EditException e) {
            throw new AssertionError(e);
        }
    }

    private ServiceDirectory.Summary apply(RuleSet rules) {
        directory.tell(new ServiceDirectory.ApplyRules(rules, DRAIN, summaries.getRef()));
        return summaries.receiveMessage();
    }

    private Set<ServiceKey> keysOf(List<ScheduleUpdate> updates) {
        return updates.stream().map(ScheduleUpdate::key).collect(Collectors.toSet());
    }

    private ActorRef<SchedulerActor.Command> actorOf(ServiceKey key) {
        TestProbe<ServiceDirectory.Services> services = KIT.createTestProbe(ServiceDirectory.Services.class);
        directory.tell(new ServiceDirectory.GetServices(services.getRef()));
        return services.receiveMessage().services().get(key);
    }

    @Test
    void aFirstRuleTableAddsEveryServiceAndPublishesEach() {
        ServiceDirectory.Summary s = apply(rules(Map.of(WEB, List.of(A, B), DNS, List.of(A))));

        assertEquals(Set.of(WEB, DNS), Set.copyOf(s.added()));
        assertEquals(new Changes(true, 3, 0, 0, 0, 0), s.destinations());
        assertEquals(Set.of(WEB, DNS), keysOf(shard.receiveSeveralMessages(2)));
    }

    @Test
    void aReloadTouchesOnlyTheChangedService() {
        apply(rules(Map.of(WEB, List.of(A), DNS, List.of(A))));
        shard.receiveSeveralMessages(2);

        ServiceDirectory.Summary s = apply(rules(Map.of(WEB, List.of(A, B), DNS, List.of(A))));

        assertEquals(List.of(WEB), s.changed());
        assertTrue(s.added().isEmpty() && s.removed().isEmpty());
        assertEquals(WEB, shard.receiveMessage().key());
        // Every publication happens before its actor answers, so anything more would be queued already.
        shard.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void aReloadWithoutAServiceTakesItOutOfLookupAndDrainsIt() {
        apply(rules(Map.of(WEB, List.of(A), DNS, List.of(A))));
        Destination web = shard.receiveSeveralMessages(2).stream().filter(u -> u.key().equals(WEB)).findFirst()
                .orElseThrow().schedule().destinations().get(0);
        registry.connectionBound(web.id(), 0);

        ServiceDirectory.Summary s = apply(rules(Map.of(DNS, List.of(A))));

        assertEquals(List.of(WEB), s.removed());
        assertEquals(1, s.destinations().draining());
        assertEquals(new ScheduleUpdate(WEB, null), shard.receiveMessage());
        assertNull(actorOf(WEB));
    }

    @Test
    void aServiceBroughtBackWhileDrainingKeepsItsDestinations() {
        apply(rules(Map.of(WEB, List.of(A))));
        Destination a = shard.receiveMessage().schedule().destinations().get(0);
        registry.connectionBound(a.id(), 0);
        apply(RuleSet.EMPTY);
        shard.receiveMessage();

        ServiceDirectory.Summary s = apply(rules(Map.of(WEB, List.of(A))));

        assertEquals(List.of(WEB), s.added());
        assertEquals(1, s.destinations().restored());
        assertSame(a, shard.receiveMessage().schedule().destinations().get(0));
    }

    @Test
    void aRemovedServiceIsStoppedOnceItHasDrained() {
        apply(rules(Map.of(WEB, List.of(A))));
        Destination a = shard.receiveMessage().schedule().destinations().get(0);
        registry.connectionBound(a.id(), 0);
        ActorRef<SchedulerActor.Command> web = actorOf(WEB);
        apply(RuleSet.EMPTY);

        registry.connectionUnbound(a.id(), 0);
        web.tell(SchedulerActor.DrainTick.INSTANCE);

        shard.expectTerminated(web);
    }
}
