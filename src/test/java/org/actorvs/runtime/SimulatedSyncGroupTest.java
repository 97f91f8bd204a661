package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.actorvs.ha.VrrpActor;
import org.actorvs.ha.VrrpActor.Role;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncSender;
import org.actorvs.sync.SyncSettings;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The sync daemons a VRRP role starts, on the simulated lab's in-process group instead of sockets. */
class SimulatedSyncGroupTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final SyncDaemon DAEMON = SyncDaemon.defaults("eth1", 7);
    private static final byte[] MESSAGE = {1, 2, 3};

    private final SimulatedSyncGroup group = new SimulatedSyncGroup();
    private final TestProbe<SyncActor.Command> d1 = KIT.createTestProbe(SyncActor.Command.class);
    private final TestProbe<SyncActor.Command> d2 = KIT.createTestProbe(SyncActor.Command.class);

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private SyncRoles roles(String member) {
        return new SyncRoles(SyncSettings.kernelDefaults(), Optional.of(DAEMON), Optional.of(DAEMON), true)
                .withTransport(group.transport(member));
    }

    /** d1's master daemon as its MASTER role starts it: the sender it was given. */
    private SyncSender masterOfD1() {
        ActorRef<Object> listener = KIT.spawn(roles("d1").listener(d1.getRef(), r -> {
        }));
        listener.tell(new VrrpActor.RoleChanged(Role.MASTER));
        SyncActor.StartMaster start = assertInstanceOf(SyncActor.StartMaster.class, d1.receiveMessage(WAIT));
        assertNotNull(start.sender(), "the group's sender, not the multicast socket");
        return start.sender();
    }

    @Test
    void theLiveTransportIsTheDaemonsMulticastSockets() {
        SyncRoles live = new SyncRoles(SyncSettings.kernelDefaults(), Optional.of(DAEMON), Optional.empty(), false);
        assertEquals(SyncTransport.MULTICAST, live.transport());
        assertNull(live.transport().sender(DAEMON), "null: the sync actor opens the daemon's socket");
        assertTrue(live.transport().listen());
    }

    @Test
    void aBackupStartedByItsRoleInTheGroupOpensNoSocket() {
        ActorRef<Object> listener = KIT.spawn(roles("d2").listener(d2.getRef(), r -> {
        }));
        listener.tell(new VrrpActor.RoleChanged(Role.BACKUP));
        SyncActor.StartBackup start = assertInstanceOf(SyncActor.StartBackup.class, d2.receiveMessage(WAIT));
        assertFalse(start.listen());
    }

    @Test
    void whatAMasterSendsReachesEveryOtherMemberAsADatagram() throws Exception {
        group.join("d1", d1.getRef());
        group.join("d2", d2.getRef());
        SyncSender sender = masterOfD1();
        assertTrue(sender.send(MESSAGE, 42));
        SyncActor.Datagram got = assertInstanceOf(SyncActor.Datagram.class, d2.receiveMessage(WAIT));
        assertArrayEquals(MESSAGE, got.data());
        assertEquals(42, got.nowNanos());
        d1.expectNoMessage(Duration.ofMillis(100));
        assertEquals(1, group.delivered());
    }

    @Test
    void aMemberThatLeftTheGroupNeitherSendsNorReceives() throws Exception {
        TestProbe<SyncActor.Command> d3 = KIT.createTestProbe(SyncActor.Command.class);
        group.join("d1", d1.getRef());
        group.join("d2", d2.getRef());
        group.join("d3", d3.getRef());
        SyncSender sender = masterOfD1();
        group.leave("d1");
        assertTrue(sender.send(MESSAGE, 42), "taken, as a datagram onto a dead link");
        group.transport("d3").sender(DAEMON).send(MESSAGE, 43);
        SyncActor.Datagram got = assertInstanceOf(SyncActor.Datagram.class, d2.receiveMessage(WAIT));
        assertEquals(43, got.nowNanos(), "d2's first datagram is d3's: d1's went nowhere");
        d1.expectNoMessage(Duration.ofMillis(100));
    }
}
