package org.actorvs.forward;

import static org.actorvs.forward.DirectorFixture.BACK_MAC;
import static org.actorvs.forward.DirectorFixture.CLIENT;
import static org.actorvs.forward.DirectorFixture.RS;
import static org.actorvs.forward.DirectorFixture.RS_MAC;
import static org.actorvs.forward.DirectorFixture.VIP;
import static org.actorvs.forward.DirectorFixture.clientTcp;
import static org.actorvs.forward.DirectorFixture.tcp;
import static org.actorvs.forward.DirectorFixture.u;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.ParsedFrame;
import org.actorvs.packet.TcpFlyweight;
import org.actorvs.runtime.SchedulerActor;
import org.actorvs.runtime.ServiceDirectory;
import org.actorvs.service.Destination;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.Schedule;
import org.actorvs.service.ScheduleUpdate;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceSpec;
import org.actorvs.service.ServiceTable;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 3: a reload applied as a diff by the service actors keeps established connections on their real
 * servers. The director is the NAT director of {@link DirectorFixture} (real frames through the
 * PacketProcessor and ConnectionTable); its services come only from the ScheduleUpdates the actors publish.
 */
class ReloadKeepsConnectionsTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final int SYN = TcpFlyweight.SYN;
    private static final int ACK = TcpFlyweight.ACK;
    private static final int RST = TcpFlyweight.RST;
    private static final ServiceKey WEB = ServiceKey.of(ServiceKey.Protocol.TCP, ip(VIP), 80);
    private static final Duration DRAIN = Duration.ofSeconds(60);
    /** The CLOSE state's timeout (ip_vs_proto_tcp.c tcp_timeouts) plus a margin. */
    private static final long CLOSE_TIMEOUT_NANOS = 11_000_000_000L;

    private final DirectorFixture d = new DirectorFixture();
    private final AtomicLong clock = new AtomicLong();
    private final TestProbe<ScheduleUpdate> shard = KIT.createTestProbe(ScheduleUpdate.class);
    /** The drain timer never fires by itself here: the test sends the ticks after moving its clock. */
    private final ActorRef<ServiceDirectory.Command> directory = KIT.spawn(
            ServiceDirectory.create(d.registry, List.of(shard.getRef()), Duration.ofHours(1), clock::get));
    private final Map<ServiceKey, Schedule> latest = new HashMap<>();
    /** The real server index of each of the two established connections. */
    private int victim;
    private int other;
    private Destination victimDest;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private static InetAddress ip(int ipv4) {
        try {
            return InetAddress.getByName(InetAddresses.formatIpv4(ipv4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DestinationSpec rs(int i) {
        return DestinationSpec.of(ip(RS[i]), 8080).withForward(DestinationSpec.Forward.MASQ);
    }

    /** A rule table with the web service on the given real servers, listed newest first. */
    private static RuleSet rules(int... servers) {
        try {
            RuleSet.Builder b = RuleSet.builder().addService(ServiceSpec.of(WEB).withScheduler("rr", 0));
            for (int i = servers.length - 1; i >= 0; i--) {
                b.addDest(WEB, rs(servers[i]));
            }
            return b.build();
        } catch (RuleSet.EditException e) {
            throw new AssertionError(e);
        }
    }

    /** Applies a rule table and hands the published schedule to the packet path, as a shard would. */
    private ServiceDirectory.Summary reload(RuleSet rules) {
        TestProbe<ServiceDirectory.Summary> summary = KIT.createTestProbe(ServiceDirectory.Summary.class);
        directory.tell(new ServiceDirectory.ApplyRules(rules, DRAIN, summary.getRef()));
        ServiceDirectory.Summary s = summary.receiveMessage();
        publishNext();
        return s;
    }

    private void publishNext() {
        ScheduleUpdate u = shard.receiveMessage();
        if (u.schedule() == null) {
            latest.remove(u.key());
        } else {
            latest.put(u.key(), u.schedule());
        }
        d.processor.services(new ServiceTable(List.copyOf(latest.values())));
    }

    private static int rsIndex(long addr) {
        for (int i = 0; i < RS.length; i++) {
            if (u(RS[i]) == addr) {
                return i;
            }
        }
        throw new AssertionError("not a real server: " + addr);
    }

    /** A real server's packet to the client, arriving on the back port. */
    private static FrameBuilder reply(int server, int sport, int flags) {
        return tcp(BACK_MAC, RS_MAC[server], RS[server], 8080, CLIENT, sport, flags);
    }

    /** The live destination of a real server in the latest published schedule. */
    private Destination published(int server) {
        return latest.get(WEB).destinations().stream().filter(x -> x.addrLo() == u(RS[server])).findFirst()
                .orElseThrow();
    }

    /** SYN, the real server's SYN-ACK back through the director, ACK: the connection is ESTABLISHED. */
    private int establish(int sport) {
        assertEquals(Outcome.FORWARDED_IN, d.receive(clientTcp(sport, SYN)));
        int server = rsIndex(d.only().parse().dstLo);
        assertEquals(Outcome.FORWARDED_OUT, d.receive(reply(server, sport, SYN | ACK)));
        assertEquals(Outcome.FORWARDED_IN, d.receive(clientTcp(sport, ACK)));
        return server;
    }

    /** A client packet reaches the connection's real server rewritten to it; its reply comes back from the VIP. */
    private void assertStillServedBy(int sport, int server) {
        assertEquals(Outcome.FORWARDED_IN, d.receive(clientTcp(sport, ACK)));
        DirectorFixture.Sent in = d.only();
        ParsedFrame f = in.parse();
        assertEquals(1, in.port());
        assertEquals(u(RS[server]), f.dstLo);
        assertEquals(8080, f.dstPort);
        assertEquals(Outcome.FORWARDED_OUT, d.receive(reply(server, sport, ACK)));
        ParsedFrame out = d.only().parse();
        assertEquals(u(VIP), out.srcLo);
        assertEquals(80, out.srcPort);
        assertEquals(sport, out.dstPort);
    }

    /** The real servers new SYNs from a few fresh client ports are scheduled to. */
    private List<Integer> newConnectionsGoTo(int firstPort) {
        List<Integer> servers = new ArrayList<>();
        for (int p = firstPort; p < firstPort + 4; p++) {
            assertEquals(Outcome.FORWARDED_IN, d.receive(clientTcp(p, SYN)));
            servers.add(rsIndex(d.only().parse().dstLo));
        }
        return servers;
    }

    /** Two connections established on RS[0] and RS[1]; then a reload drops the first one's server. */
    @BeforeEach
    void twoConnectionsThenTheFirstOnesServerIsDropped() {
        assertEquals(List.of(WEB), reload(rules(0, 1)).added());
        victim = establish(40000);
        other = establish(40001);
        assertNotEquals(victim, other);
        victimDest = published(victim);

        assertEquals(1, reload(rules(other)).destinations().draining());
    }

    @Test
    void establishedConnectionsKeepTheirRealServersWhileNewOnesAvoidTheDrainingOne() {
        assertStillServedBy(40000, victim);
        assertStillServedBy(40001, other);
        assertEquals(List.of(other, other, other, other), newConnectionsGoTo(41000));
        assertTrue(victimDest.available());
        assertEquals(0, victimDest.weight());
    }

    @Test
    void reAddingTheDrainingServerRestoresTheSameDestination() {
        assertEquals(1, reload(rules(victim, other)).destinations().restored());

        assertSame(victimDest, published(victim));
        assertEquals(1, victimDest.weight());
        assertStillServedBy(40000, victim);
        assertTrue(newConnectionsGoTo(41000).contains(victim));
    }

    @Test
    void theDrainingServerIsGoneOnceItsConnectionsHaveClosed() {
        assertEquals(Outcome.FORWARDED_IN, d.receive(clientTcp(40000, RST)));
        d.now += CLOSE_TIMEOUT_NANOS;
        d.table.poll(d.now, null, 1000);
        assertEquals(0, victimDest.activeConns() + victimDest.inactiveConns());

        drainTick();

        assertFalse(latest.get(WEB).destinations().contains(victimDest));
        assertFalse(victimDest.available());
        assertStillServedBy(40001, other);
    }

    @Test
    void theDrainingServerIsGoneWhenTheDrainTimeoutPassesOnTheClock() {
        clock.set(DRAIN.toNanos());

        drainTick();

        assertFalse(latest.get(WEB).destinations().contains(victimDest));
        // The drain gave up: as after ipvsadm -d, the kernel's ip_vs_in() drops the leftover connection's packets.
        assertEquals(Outcome.DESTINATION_UNAVAILABLE, d.receive(clientTcp(40000, ACK)));
        assertStillServedBy(40001, other);
    }

    /** The service actor checks its draining destinations, and the shard takes what it publishes. */
    private void drainTick() {
        TestProbe<ServiceDirectory.Services> services = KIT.createTestProbe(ServiceDirectory.Services.class);
        directory.tell(new ServiceDirectory.GetServices(services.getRef()));
        services.receiveMessage().services().get(WEB).tell(SchedulerActor.DrainTick.INSTANCE);
        publishNext();
    }
}
