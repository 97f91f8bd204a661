package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.actorvs.forward.Port;
import org.actorvs.io.Injector;
import org.actorvs.io.NdpResponder;
import org.actorvs.io.NeighbourTable;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.Ipv6Flyweight;
import org.actorvs.packet.MacAddress;
import org.actorvs.packet.NdpFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The link-layer actor's IPv6 side: moving IPv6 addresses are announced and then answered. */
class ArpActorTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final long PREFIX = 0xFD00_0077_0000_0000L;
    private static final long VIP = 0x100;
    private static final Port FRONT = new Port(0, "eth0", MacAddress.parse("02:00:00:00:00:11"), 0, PREFIX, 0x11, 1500, -1);
    private static final Port CLIENT = new Port(0, "client", MacAddress.parse("02:00:00:00:00:02"), 0, PREFIX, 2, 1500, -1);
    private static final ArpActor.Announcement VIP6 = new ArpActor.Announcement(0, 6, PREFIX, VIP);

    /** Keeps a copy of every frame the actor sends. */
    private static final class Recorder implements Injector {
        final List<UnsafeBuffer> frames = new ArrayList<>();

        @Override
        public synchronized void send(int port, DirectBuffer buffer, int offset, int length) {
            byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            frames.add(new UnsafeBuffer(copy));
        }

        synchronized List<UnsafeBuffer> sent() {
            return List.copyOf(frames);
        }

        @Override
        public long failures() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private final Recorder wire = new Recorder();
    private final ActorRef<ArpActor.Command> arp = KIT.spawn(ArpActor.create(List.of(FRONT),
            new NeighbourTable(List.of(FRONT), NeighbourTable.Params.kernelDefaults()), wire, Duration.ofHours(1),
            List.of()));

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @Test
    void takingAnIpv6AddressSendsFiveUnsolicitedAdvertisementsAndThenAnswersSolicitationsForIt() {
        assertEquals(NdpResponder.NOT_FOR_US, solicitVip(), "not owned before the takeover");
        arp.tell(new ArpActor.Own(List.of(VIP6)));
        stats();
        List<UnsafeBuffer> announced = wire.sent();
        assertEquals(5, announced.size());
        for (UnsafeBuffer f : announced) {
            assertEquals(NdpFlyweight.multicastMac(NdpFlyweight.ALL_NODES_LO), EthernetFlyweight.dstMac(f, 0));
            NdpFlyweight na = new NdpFlyweight().wrap(f, EthernetFlyweight.HEADER_LENGTH + Ipv6Flyweight.HEADER_LENGTH);
            assertEquals(NdpFlyweight.FLAG_OVERRIDE, na.flags());
            assertEquals(VIP, na.targetLo());
        }
        assertEquals(NdpResponder.ANSWERED, solicitVip());
        assertEquals(6, wire.sent().size(), "the answer");
    }

    @Test
    void aReleasedIpv6AddressIsNoLongerAnswered() {
        arp.tell(new ArpActor.Own(List.of(VIP6)));
        arp.tell(new ArpActor.Own(List.of()));
        assertEquals(NdpResponder.NOT_FOR_US, solicitVip());
    }

    /** A client's multicast solicitation for the VIP through the actor; the reason it was counted under. */
    private int solicitVip() {
        long[] before = stats().ndpReasons();
        NeighbourTable client = new NeighbourTable(List.of(CLIENT), NeighbourTable.Params.kernelDefaults());
        Recorder clientWire = new Recorder();
        client.resolutionNeeded(6, PREFIX, VIP, 0);
        client.tick(0, clientWire);
        byte[] ns = new byte[clientWire.sent().get(0).capacity()];
        clientWire.sent().get(0).getBytes(0, ns);
        arp.tell(new ArpActor.ArpFrame(0, ns, 1));
        long[] after = stats().ndpReasons();
        for (int r = 0; r < after.length; r++) {
            if (after[r] != before[r]) {
                return r;
            }
        }
        return -1;
    }

    private ArpActor.Stats stats() {
        TestProbe<ArpActor.Stats> probe = KIT.createTestProbe(ArpActor.Stats.class);
        arp.tell(new ArpActor.GetStats(probe.getRef()));
        return probe.receiveMessage(Duration.ofSeconds(10));
    }
}
