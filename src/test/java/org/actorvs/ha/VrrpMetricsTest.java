package org.actorvs.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.actorvs.metrics.HaCollector;
import org.actorvs.metrics.MetricsRegistry;
import org.actorvs.runtime.ArpActor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A VrrpActor (v3 at 50 ms) that becomes master, rejects a frame and is shut down, then scraped:
 * the series are its status, the role changes the ones its listener heard.
 */
class VrrpMetricsTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final VrrpConfig CONFIG = Adverts.ours().withVersion(3, 5);

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @Test
    void scrapeShowsTheRoleTransitionsAndAdvertsOfTheInstance() {
        TestProbe<ArpActor.Command> arp = KIT.createTestProbe(ArpActor.Command.class);
        TestProbe<VrrpActor.RoleChanged> roles = KIT.createTestProbe(VrrpActor.RoleChanged.class);
        ActorRef<VrrpActor.Command> vrrp = KIT.spawn(VrrpActor.create(CONFIG,
                Adverts.port(0, Adverts.OURS, Adverts.OUR_MAC), (p, b, o, l) -> { }, arp.getRef(), roles.getRef(),
                System::nanoTime));
        assertEquals(VrrpActor.Role.BACKUP, roles.receiveMessage(WAIT).role());
        assertEquals(VrrpActor.Role.MASTER, roles.receiveMessage(WAIT).role());
        byte[] lowTtl = Adverts.peer(150);
        lowTtl[Adverts.L2 + 8] = 1;
        vrrp.tell(new VrrpActor.Advert(0, Adverts.reseal(lowTtl), System.nanoTime()));
        vrrp.tell(VrrpActor.Shutdown.INSTANCE);
        assertEquals(VrrpActor.Role.INITIALIZE, roles.receiveMessage(WAIT).role());

        TestProbe<VrrpActor.Status> reply = KIT.createTestProbe(VrrpActor.Status.class);
        vrrp.tell(new VrrpActor.GetStatus(reply.getRef()));
        VrrpActor.Status status = reply.receiveMessage(WAIT);
        String text;
        try (MetricsRegistry registry = new MetricsRegistry()) {
            registry.register(new HaCollector(null, vrrp, KIT.scheduler(), WAIT));
            text = registry.scrapeText();
        } finally {
            KIT.stop(vrrp);
        }

        assertEquals(3, status.transitions());
        assertEquals(3, value(text, "actorvs_vrrp_transitions_total{vrid=\"51\"}"));
        assertEquals(1, value(text, "actorvs_vrrp_role{role=\"initialize\",vrid=\"51\"}"));
        assertEquals(0, value(text, "actorvs_vrrp_role{role=\"master\",vrid=\"51\"}"));
        assertEquals(0, value(text, "actorvs_vrrp_role{role=\"backup\",vrid=\"51\"}"));
        assertTrue(status.advertsSent() >= 2, "a master's adverts and the priority-0 one");
        assertEquals(status.advertsSent(), value(text, "actorvs_vrrp_adverts_sent_total{vrid=\"51\"}"));
        assertEquals(1, value(text, "actorvs_vrrp_adverts_received_total{result=\"ttl_not_255\",vrid=\"51\"}"));
        assertEquals(0, value(text, "actorvs_vrrp_adverts_received_total{result=\"ok\",vrid=\"51\"}"));
        assertTrue(!text.contains("actorvs_sync_"), "no sync actor, no sync series");
    }

    /** The value of the series written exactly as {@code series} in the text format. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
