package org.actorvs.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.actorvs.forward.FrameSink;
import org.actorvs.runtime.ArpActor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** VrrpActor with a real clock and a v3 router at 50 ms, so that Master_Down_Interval is 0.18 s. */
class VrrpActorTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final VrrpConfig CONFIG = Adverts.ours().withVersion(3, 5);

    private final Sent sent = new Sent();
    private final TestProbe<ArpActor.Command> arp = KIT.createTestProbe(ArpActor.Command.class);
    private final TestProbe<VrrpActor.RoleChanged> roles = KIT.createTestProbe(VrrpActor.RoleChanged.class);
    private final ActorRef<VrrpActor.Command> vrrp = KIT.spawn(VrrpActor.create(CONFIG,
            Adverts.port(0, Adverts.OURS, Adverts.OUR_MAC), sent, arp.getRef(), roles.getRef(), System::nanoTime));

    @AfterEach
    void stop() {
        KIT.stop(vrrp);
    }

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    /** Adverts the actor sent, copied (it sends from its own thread). */
    static final class Sent implements FrameSink {
        private final List<byte[]> frames = new ArrayList<>();

        @Override
        public synchronized void send(int port, DirectBuffer buffer, int offset, int length) {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            frames.add(copy);
        }

        synchronized byte[] last() {
            return frames.get(frames.size() - 1);
        }

        synchronized int size() {
            return frames.size();
        }
    }

    private void becomeMaster() {
        assertEquals(VrrpActor.Role.BACKUP, roles.receiveMessage(WAIT).role());
        assertEquals(0, ((ArpActor.Own) arp.receiveMessage(WAIT)).addresses().size(), "a backup owns no VIP");
        assertEquals(VrrpActor.Role.MASTER, roles.receiveMessage(WAIT).role());
    }

    private static byte[] peerAdvert(int priority) {
        return Adverts.from(Adverts.peerConfig(CONFIG), priority);
    }

    @Test
    void startsAsBackupAndTakesTheVipsWhenNoMasterSpeaks() {
        becomeMaster();
        final ArpActor.Own own = (ArpActor.Own) arp.receiveMessage(WAIT);
        assertEquals(List.of(new ArpActor.Announcement(0, Adverts.VIP)), own.addresses(), "the master holds every VIP");
        assertTrue(sent.size() >= 1);
        final UnsafeBuffer advert = new UnsafeBuffer(sent.last());
        assertEquals(100, VrrpFlyweight.priority(advert, Adverts.VRRP));
        assertEquals(3, VrrpFlyweight.version(advert, Adverts.VRRP));
    }

    @Test
    void higherPriorityAdvertMakesTheMasterYieldAndReleaseTheVips() {
        becomeMaster();
        arp.receiveMessage(WAIT);
        vrrp.tell(new VrrpActor.Advert(0, peerAdvert(150), System.nanoTime()));
        assertEquals(VrrpActor.Role.BACKUP, roles.receiveMessage(WAIT).role());
        assertEquals(0, ((ArpActor.Own) arp.receiveMessage(WAIT)).addresses().size());
    }

    @Test
    void backupHearingTheMasterStaysBackup() {
        assertEquals(VrrpActor.Role.BACKUP, roles.receiveMessage(WAIT).role());
        for (int i = 0; i < 10; i++) {
            vrrp.tell(new VrrpActor.Advert(0, peerAdvert(150), System.nanoTime()));
            roles.expectNoMessage(Duration.ofMillis(50));
        }
        assertEquals(0, sent.size(), "a backup never advertises");
    }

    @Test
    void shutdownAsMasterSaysPriorityZeroAndReleasesTheVips() {
        becomeMaster();
        arp.receiveMessage(WAIT);
        vrrp.tell(VrrpActor.Shutdown.INSTANCE);
        assertEquals(VrrpActor.Role.INITIALIZE, roles.receiveMessage(WAIT).role());
        assertEquals(0, ((ArpActor.Own) arp.receiveMessage(WAIT)).addresses().size());
        assertEquals(0, VrrpFlyweight.priority(new UnsafeBuffer(sent.last()), Adverts.VRRP));
    }

    @Test
    void rejectedFramesAreCountedByReason() {
        final byte[] lowTtl = peerAdvert(150);
        lowTtl[Adverts.L2 + 8] = 1;
        vrrp.tell(new VrrpActor.Advert(0, Adverts.reseal(lowTtl), System.nanoTime()));
        final TestProbe<VrrpActor.Status> reply = KIT.createTestProbe(VrrpActor.Status.class);
        vrrp.tell(new VrrpActor.GetStatus(reply.getRef()));
        assertEquals(1, reply.receiveMessage(WAIT).count(VrrpValidator.BAD_TTL));
    }

    @Test
    void aMasterAnnouncesEachVirtualAddressOnItsOwnPort() {
        final List<ArpActor.Announcement> addresses = List.of(new ArpActor.Announcement(1, Adverts.VIP));
        final TestProbe<ArpActor.Command> arp2 = KIT.createTestProbe(ArpActor.Command.class);
        final ActorRef<VrrpActor.Command> other = KIT.spawn(VrrpActor.create(CONFIG,
                Adverts.port(0, Adverts.OURS, Adverts.OUR_MAC), addresses, true, new Sent(), arp2.getRef(),
                KIT.createTestProbe(VrrpActor.RoleChanged.class).getRef(), System::nanoTime));
        try {
            assertEquals(0, ((ArpActor.Own) arp2.receiveMessage(WAIT)).addresses().size(), "a backup owns no VIP");
            assertEquals(addresses, ((ArpActor.Own) arp2.receiveMessage(WAIT)).addresses(),
                    "the address goes out on port 1, not the VRRP port 0");
        } finally {
            KIT.stop(other);
        }
    }

    @Test
    void aMasterHearingALowerPriorityAdvertAnnouncesItsAddressesAgain() {
        becomeMaster();
        arp.receiveMessage(WAIT);
        vrrp.tell(new VrrpActor.Advert(0, peerAdvert(50), System.nanoTime()));
        final ArpActor.Command again = arp.receiveMessage(WAIT);
        assertEquals(List.of(new ArpActor.Announcement(0, Adverts.VIP)), ((ArpActor.Announce) again).addresses());
        final TestProbe<VrrpActor.Status> reply = KIT.createTestProbe(VrrpActor.Status.class);
        vrrp.tell(new VrrpActor.GetStatus(reply.getRef()));
        assertEquals(VrrpActor.Role.MASTER, reply.receiveMessage(WAIT).role(), "a lower priority does not take mastership");
    }

    @Test
    void anInstanceCreatedHeldWaitsForStartup() {
        final TestProbe<VrrpActor.RoleChanged> heldRoles = KIT.createTestProbe(VrrpActor.RoleChanged.class);
        final ActorRef<VrrpActor.Command> held = KIT.spawn(VrrpActor.create(CONFIG,
                Adverts.port(0, Adverts.OURS, Adverts.OUR_MAC), List.of(new ArpActor.Announcement(0, Adverts.VIP)),
                false, new Sent(), KIT.createTestProbe(ArpActor.Command.class).getRef(), heldRoles.getRef(),
                System::nanoTime));
        try {
            heldRoles.expectNoMessage(Duration.ofMillis(400));
            held.tell(VrrpActor.Startup.INSTANCE);
            assertEquals(VrrpActor.Role.BACKUP, heldRoles.receiveMessage(WAIT).role());
        } finally {
            KIT.stop(held);
        }
    }
}
