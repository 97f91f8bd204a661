package org.actorvs.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.actorvs.runtime.SchedulerActor;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.ScheduleUpdate;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceReconciler.DestinationStatus;
import org.actorvs.service.ServiceSpec;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A HealthCheckActor driving a real SchedulerActor: its verdicts become weights in the published schedule. */
class HealthCheckActorTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final ServiceKey KEY = ServiceKey.of(ServiceKey.Protocol.TCP, ip("192.0.2.1"), 80);
    private static final DestinationSpec A = DestinationSpec.of(ip("10.0.0.1"), 8080).withWeight(3);
    private static final DestinationSpec B = DestinationSpec.of(ip("10.0.0.2"), 8080);
    /** So long that the actors' own timers never fire in a test: the test sends the ticks. */
    private static final Duration NEVER = Duration.ofHours(1);

    private final TestProbe<ScheduleUpdate> shard = KIT.createTestProbe(ScheduleUpdate.class);
    private final TestProbe<SchedulerActor.Applied> applied = KIT.createTestProbe(SchedulerActor.Applied.class);
    private final ActorRef<SchedulerActor.Command> service = KIT.spawn(SchedulerActor.create(KEY,
            new DestinationRegistry(), List.of(shard.getRef()),
            KIT.createTestProbe(SchedulerActor.Retired.class).getRef(), NEVER, () -> 0L));
    private final AtomicBoolean healthy = new AtomicBoolean();
    private final HealthChecker scripted = () ->
            CompletableFuture.completedFuture(healthy.get() ? CheckResult.OK : CheckResult.failed("scripted"));

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Applies the service (wrr over B and A); answers what the apply changed. */
    private SchedulerActor.Applied apply() {
        service.tell(new SchedulerActor.Apply(new RuleSet.Service(ServiceSpec.of(KEY).withScheduler("wrr", 0),
                List.of(B, A)), Duration.ofSeconds(30), applied.getRef()));
        return applied.receiveMessage();
    }

    private void configure() {
        apply();
        shard.receiveMessage();
    }

    private ActorRef<HealthCheckActor.Command> checker(HealthPolicy.OnFailure onFailure, boolean alpha) {
        HealthPolicy policy = new HealthPolicy(NEVER, Duration.ofSeconds(1), 0, NEVER, onFailure, alpha);
        HealthCheckSpec spec = new HealthCheckSpec(KEY, B.address(), B.port(), new HealthCheckSpec.Tcp(B.port()), policy);
        return KIT.spawn(HealthCheckActor.create(spec, scripted,
                key -> CompletableFuture.completedFuture(Optional.of(service)), System::nanoTime));
    }

    /** Last octet of each destination of the next published schedule, with its weight. */
    private Map<Integer, Integer> nextSchedule() {
        return shard.receiveMessage().schedule().destinations().stream()
                .collect(Collectors.toMap(d -> (int) (d.addrLo() & 0xFF), d -> d.weight()));
    }

    private List<DestinationStatus> status() {
        TestProbe<SchedulerActor.Status> p = KIT.createTestProbe(SchedulerActor.Status.class);
        service.tell(new SchedulerActor.GetStatus(p.getRef()));
        return p.receiveMessage().destinations();
    }

    private HealthCheckActor.Status status(ActorRef<HealthCheckActor.Command> checker) {
        TestProbe<HealthCheckActor.Status> p = KIT.createTestProbe(HealthCheckActor.Status.class);
        checker.tell(new HealthCheckActor.GetStatus(p.getRef()));
        return p.receiveMessage();
    }

    @Test
    void aFailedServerIsInhibitedToWeightZeroAndRestoredToItsWeightWhenItPassesAgain() {
        configure();
        ActorRef<HealthCheckActor.Command> c = checker(HealthPolicy.OnFailure.INHIBIT, false);
        assertEquals(Map.of(1, 3, 2, 0), nextSchedule(), "B failed its first check: weight 0");
        healthy.set(true);
        c.tell(HealthCheckActor.Tick.INSTANCE);
        assertEquals(Map.of(1, 3, 2, 1), nextSchedule(), "B passed: its configured weight again");
    }

    @Test
    void aFailedServerIsRemovedAndAddedBackWhenItPassesAgain() {
        configure();
        ActorRef<HealthCheckActor.Command> c = checker(HealthPolicy.OnFailure.REMOVE, false);
        assertEquals(Map.of(1, 3), nextSchedule(), "B, without connections, left at once");
        healthy.set(true);
        c.tell(HealthCheckActor.Tick.INSTANCE);
        assertEquals(Map.of(1, 3, 2, 1), nextSchedule());
        HealthCheckActor.Status s = status(c);
        assertTrue(s.up());
        assertEquals(1, s.wentDown());
        assertEquals(1, s.wentUp());
        assertEquals("scripted", s.lastProblem());
    }

    @Test
    void withAlphaTheServerIsOutUntilItsFirstCheckPasses() {
        configure();
        ActorRef<HealthCheckActor.Command> c = checker(HealthPolicy.OnFailure.INHIBIT, true);
        assertEquals(Map.of(1, 3, 2, 0), nextSchedule(), "down from the start (alpha)");
        assertEquals(0, status(c).wentDown(), "its failed first check was no transition");
        healthy.set(true);
        c.tell(HealthCheckActor.Tick.INSTANCE);
        assertEquals(Map.of(1, 3, 2, 1), nextSchedule(), "up with the first check that passes");
    }

    @Test
    void aReloadOfTheSameConfigurationKeepsADownServerInhibited() {
        configure();
        ActorRef<HealthCheckActor.Command> c = checker(HealthPolicy.OnFailure.INHIBIT, false);
        nextSchedule();
        assertFalse(apply().changes().any(), "nothing to change: the verdict is part of the target");
        assertEquals(0, status().stream().filter(d -> d.address().equals(B.address())).findFirst().orElseThrow()
                .weight(), "still inhibited after the reload");
        assertFalse(status(c).up());
    }
}
