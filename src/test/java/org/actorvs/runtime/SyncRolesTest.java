package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.actorvs.ha.VrrpActor;
import org.actorvs.ha.VrrpActor.Role;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncSettings;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class SyncRolesTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final SyncDaemon MASTER = SyncDaemon.defaults("eth1", 7);
    private static final SyncDaemon BACKUP = SyncDaemon.defaults("eth1", 7);

    private static SyncRoles roles(boolean both) {
        return new SyncRoles(SyncSettings.kernelDefaults(), Optional.of(MASTER), Optional.of(BACKUP), both);
    }

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @Test
    void exclusiveRunsTheMasterDaemonOnlyAsMasterAndTheBackupOtherwise() {
        SyncRoles r = roles(false);
        assertTrue(r.masterIn(Role.MASTER, false));
        assertFalse(r.backupIn(Role.MASTER, true));
        assertFalse(r.masterIn(Role.BACKUP, true));
        assertTrue(r.backupIn(Role.BACKUP, false));
        assertTrue(r.backupIn(Role.INITIALIZE, false));
    }

    @Test
    void bothKeepsADaemonOnceStartedInEveryRole() {
        SyncRoles r = roles(true);
        assertTrue(r.backupIn(Role.MASTER, true));
        assertTrue(r.masterIn(Role.BACKUP, true));
        assertFalse(r.masterIn(Role.BACKUP, false), "a master daemon starts only with mastership");
    }

    @Test
    void anUnconfiguredDaemonNeverRuns() {
        assertFalse(SyncRoles.none().masterIn(Role.MASTER, false));
        assertFalse(SyncRoles.none().backupIn(Role.BACKUP, false));
    }

    @Test
    void theListenerStopsTheBackupBeforeStartingTheMasterOnTakeover() {
        TestProbe<SyncActor.Command> sync = KIT.createTestProbe(SyncActor.Command.class);
        List<Role> seen = new CopyOnWriteArrayList<>();
        ActorRef<Object> listener = KIT.spawn(roles(false).listener(sync.getRef(), seen::add));
        listener.tell(new VrrpActor.RoleChanged(Role.BACKUP));
        SyncActor.StartBackup backup = assertInstanceOf(SyncActor.StartBackup.class, sync.receiveMessage(WAIT));
        assertEquals(BACKUP, backup.daemon());
        assertTrue(backup.listen(), "the backup daemon opens its socket");
        listener.tell(new VrrpActor.RoleChanged(Role.MASTER));
        assertInstanceOf(SyncActor.StopBackup.class, sync.receiveMessage(WAIT));
        SyncActor.StartMaster master = assertInstanceOf(SyncActor.StartMaster.class, sync.receiveMessage(WAIT));
        assertEquals(MASTER, master.daemon());
        sync.expectNoMessage(Duration.ofMillis(100));
        assertEquals(List.of(Role.BACKUP, Role.MASTER), seen);
    }

    @Test
    void beforeAPullTheBackupDaemonStartsAndItsStartIsAnsweredToTheAsker() {
        TestProbe<SyncActor.Command> sync = KIT.createTestProbe(SyncActor.Command.class);
        TestProbe<SyncActor.Reply> asker = KIT.createTestProbe(SyncActor.Reply.class);
        ActorRef<Object> listener = KIT.spawn(roles(true).listener(sync.getRef(), r -> { }));
        listener.tell(new SyncRoles.BeforePull(asker.getRef()));
        SyncActor.StartBackup backup = assertInstanceOf(SyncActor.StartBackup.class, sync.receiveMessage(WAIT));
        assertEquals(BACKUP, backup.daemon());
        assertEquals(asker.getRef(), backup.replyTo(), "the pull waits for the daemon's own answer");
        // The router then starts in BACKUP: the daemon already runs, nothing is started twice.
        listener.tell(new VrrpActor.RoleChanged(Role.BACKUP));
        sync.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void beforeAPullWithoutABackupDaemonTheAnswerComesAtOnce() {
        TestProbe<SyncActor.Command> sync = KIT.createTestProbe(SyncActor.Command.class);
        TestProbe<SyncActor.Reply> asker = KIT.createTestProbe(SyncActor.Reply.class);
        ActorRef<Object> listener = KIT.spawn(new SyncRoles(SyncSettings.kernelDefaults(), Optional.of(MASTER),
                Optional.empty(), true).listener(sync.getRef(), r -> { }));
        listener.tell(new SyncRoles.BeforePull(asker.getRef()));
        assertTrue(asker.receiveMessage(WAIT).ok());
        sync.expectNoMessage(Duration.ofMillis(100));
    }
}
