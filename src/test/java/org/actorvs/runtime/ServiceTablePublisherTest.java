package org.actorvs.runtime;

import static org.actorvs.runtime.SchedulerActorTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.actorvs.forward.Port;
import org.actorvs.service.DestinationRegistry;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.Schedule;
import org.actorvs.service.ScheduleUpdate;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceSpec;
import org.actorvs.service.ServiceTable;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The barrier Director.apply waits on, through the real service directory, scheduler actors and publisher. */
class ServiceTablePublisherTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final ServiceKey WEB = ServiceKey.of(ServiceKey.Protocol.TCP, ip("192.0.2.1"), 80);
    private static final Port PORT = new Port(0, "eth0", 0x0200_0000_0001L, 0xC000_0201L, 0, 0, 1500, -1);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final TestProbe<PacketShard.Command> shard = KIT.createTestProbe(PacketShard.Command.class);
    private final TestProbe<PacketShard.Command> other = KIT.createTestProbe(PacketShard.Command.class);
    private final AtomicReference<Map<ServiceKey, Schedule>> published = new AtomicReference<>(Map.of());
    private final ActorRef<ScheduleUpdate> publisher = KIT.spawn(ServiceTablePublisher.create(
            List.of(shard.getRef(), other.getRef()), List.of(PORT),
            new AtomicReference<>(ServiceAddresses.of(ServiceTable.EMPTY, List.of(PORT))), published)).narrow();
    private final ActorRef<ServiceDirectory.Command> directory = KIT.spawn(ServiceDirectory.create(
            new DestinationRegistry(), List.of(publisher), Duration.ofHours(1), System::nanoTime));

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    /**
     * Asked once the directory has answered a reload, the barrier reaches the shard behind the table
     * of that reload, and only the shard's answer completes it.
     */
    @Test
    void aBarrierAfterAReloadReachesTheShardBehindTheReloadsTable() throws Exception {
        RuleSet rules = RuleSet.builder().addService(ServiceSpec.of(WEB))
                .addDest(WEB, DestinationSpec.of(ip("10.0.0.1"), 80))
                .addDest(WEB, DestinationSpec.of(ip("10.0.0.2"), 80)).build();
        TestProbe<ServiceDirectory.Summary> summary = KIT.createTestProbe(ServiceDirectory.Summary.class);
        directory.tell(new ServiceDirectory.ApplyRules(rules, Duration.ofSeconds(30), summary.getRef()));
        assertEquals(List.of(WEB), summary.receiveMessage().added());

        CompletableFuture<Done> held = ServiceTablePublisher.barrier(publisher, shard.getRef(), TIMEOUT,
                KIT.scheduler()).toCompletableFuture();
        ServiceTable last = ServiceTable.EMPTY;
        PacketShard.Command m = shard.receiveMessage();
        while (m instanceof PacketShard.ServicesChanged changed) {
            last = changed.services();
            m = shard.receiveMessage();
        }
        assertEquals(1, last.schedules().size());
        assertEquals(2, last.schedules().get(0).destinations().size());
        assertTrue(m instanceof PacketShard.Barrier, "then the barrier: " + m);
        assertFalse(held.isDone(), "the shard, not the publisher, answers");
        ((PacketShard.Barrier) m).replyTo().tell(Done.getInstance());
        assertEquals(Done.getInstance(), held.get());
        assertEquals(Map.of(WEB, last.schedules().get(0)), published.get());
    }
}
