package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.actorvs.service.Destination;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.Schedule;
import org.actorvs.service.ScheduleUpdate;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceReconciler.Changes;
import org.actorvs.service.ServiceSpec;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class SchedulerActorTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final ServiceKey KEY = ServiceKey.of(ServiceKey.Protocol.TCP, ip("192.0.2.1"), 80);
    private static final DestinationSpec A = DestinationSpec.of(ip("10.0.0.1"), 8080);
    private static final DestinationSpec B = DestinationSpec.of(ip("10.0.0.2"), 8080);
    /** Long enough that the actor's own timer never fires during a test: the tests send the ticks. */
    private static final Duration NEVER = Duration.ofHours(1);
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private final DestinationRegistry registry = new DestinationRegistry();
    private final AtomicLong clock = new AtomicLong();
    private final TestProbe<ScheduleUpdate> shard1 = KIT.createTestProbe(ScheduleUpdate.class);
    private final TestProbe<ScheduleUpdate> shard2 = KIT.createTestProbe(ScheduleUpdate.class);
    private final TestProbe<SchedulerActor.Retired> owner = KIT.createTestProbe(SchedulerActor.Retired.class);
    private final TestProbe<SchedulerActor.Applied> replies = KIT.createTestProbe(SchedulerActor.Applied.class);
    private final ActorRef<SchedulerActor.Command> actor = KIT.spawn(SchedulerActor.create(KEY, registry,
            List.of(shard1.getRef(), shard2.getRef()), owner.getRef(), NEVER, clock::get));

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

    private static RuleSet.Service target(DestinationSpec... dests) {
        return new RuleSet.Service(ServiceSpec.of(KEY).withScheduler("rr", 0), List.of(dests));
    }

    private SchedulerActor.Applied apply(DestinationSpec... dests) {
        actor.tell(new SchedulerActor.Apply(target(dests), DRAIN, replies.getRef()));
        return replies.receiveMessage();
    }

    /** Destination {@code i} of the next schedule the first shard receives. */
    private Destination published(int i) {
        return shard1.receiveMessage().schedule().destinations().get(i);
    }

    /** The last octet of every destination address, in list order. */
    private static List<Integer> lastOctets(Schedule s) {
        return s.destinations().stream().map(d -> (int) (d.addrLo() & 0xFF)).toList();
    }

    @Test
    void theFirstApplyPublishesTheScheduleToEveryShard() {
        apply(B, A);

        ScheduleUpdate u1 = shard1.receiveMessage();
        ScheduleUpdate u2 = shard2.receiveMessage();
        assertEquals(KEY, u1.key());
        assertEquals(List.of(2, 1), lastOctets(u1.schedule()));
        assertSame(u1, u2);
    }

    @Test
    void everyChangePublishesAndANoChangeApplyPublishesNothing() {
        apply(A);
        shard1.receiveMessage();

        assertFalse(apply(A).changes().any());
        apply(B, A);

        // Had the no-change apply published, its update would come first.
        assertEquals(List.of(2, 1), lastOctets(shard1.receiveMessage().schedule()));
    }

    @Test
    void theApplyAnswerCountsTheChanges() {
        apply(A);

        SchedulerActor.Applied applied = apply(B, A.withWeight(5));

        assertEquals(new Changes(false, 1, 1, 0, 0, 0), applied.changes());
        assertNull(applied.error());
    }

    @Test
    void aRefusedApplyAnswersWithTheReason() {
        apply(A);
        RuleSet.Service other = new RuleSet.Service(
                ServiceSpec.of(ServiceKey.of(ServiceKey.Protocol.TCP, ip("192.0.2.1"), 443)), List.of(A));

        actor.tell(new SchedulerActor.Apply(other, DRAIN, replies.getRef()));

        assertTrue(replies.receiveMessage().error().contains("given to service"));
    }

    @Test
    void removalPublishesANullScheduleAtOnce() {
        apply(A);
        registry.connectionBound(published(0).id(), 0);

        actor.tell(new SchedulerActor.Remove(DRAIN, replies.getRef()));

        assertEquals(new ScheduleUpdate(KEY, null), shard1.receiveMessage());
        assertEquals(1, replies.receiveMessage().changes().draining());
    }

    @Test
    void aRemovedServiceRetiresWhenItsLastConnectionEnds() {
        apply(A);
        Destination a = published(0);
        registry.connectionBound(a.id(), 0);
        actor.tell(new SchedulerActor.Remove(DRAIN, replies.getRef()));
        replies.receiveMessage();

        registry.connectionUnbound(a.id(), 0);
        actor.tell(SchedulerActor.DrainTick.INSTANCE);

        assertEquals(new SchedulerActor.Retired(KEY, actor), owner.receiveMessage());
        assertFalse(a.available());
    }

    @Test
    void aDrainTimeoutOnTheClockRemovesTheDestinationAndPublishes() {
        apply(B, A);
        registry.connectionBound(published(1).id(), 0);
        apply(B);
        assertEquals(List.of(2, 1), lastOctets(shard1.receiveMessage().schedule()));

        clock.set(DRAIN.toNanos());
        actor.tell(SchedulerActor.DrainTick.INSTANCE);

        assertEquals(List.of(2), lastOctets(shard1.receiveMessage().schedule()));
    }

    @Test
    void theStatusShowsTheDrainingDestination() {
        apply(B, A);
        registry.connectionBound(published(1).id(), 0);
        apply(B);
        TestProbe<SchedulerActor.Status> status = KIT.createTestProbe(SchedulerActor.Status.class);

        actor.tell(new SchedulerActor.GetStatus(status.getRef()));

        SchedulerActor.Status s = status.receiveMessage();
        assertTrue(s.inLookup());
        assertEquals(List.of(false, true), s.destinations().stream().map(d -> d.draining()).toList());
        assertEquals(List.of(1, 0), s.destinations().stream().map(d -> d.weight()).toList());
        assertEquals(1, s.destinations().get(1).activeConns());
    }

    @Test
    void stopPublishesANullScheduleAndStops() {
        apply(A);
        shard1.receiveMessage();

        actor.tell(SchedulerActor.Stop.INSTANCE);

        assertEquals(new ScheduleUpdate(KEY, null), shard1.receiveMessage());
        shard1.expectTerminated(actor);
    }
}
