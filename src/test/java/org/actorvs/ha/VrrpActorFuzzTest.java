package org.actorvs.ha;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.actorvs.forward.FrameSink;
import org.actorvs.runtime.ArpActor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A million random and mutated adverts told to a running VrrpActor as the capture path tells them
 * ({@link VrrpActor.Advert}), beside a reference: a validator that classifies each advert on its
 * own, and a VrrpRouter fed only the ones it accepts, at the same times.
 *
 * <p>The actor's clock is the test's, and stands still while a batch of adverts is in flight (the
 * adverts themselves are a nanosecond apart, from that reading on). Its timer still runs on the
 * real clock, for the virtual distance to the router's deadline, but a firing before the deadline
 * does nothing. Between batches the test lets time pass: it sets the clock to the reference's
 * deadline and waits until the actor has sent the advert the reference's timer sends there, so
 * every timer event falls between the same two adverts in both; otherwise the clock moves a step
 * short of the deadline. VRRPv3 at 10 ms keeps those real waits to tens of milliseconds, and time
 * passes only every {@value #PASS_EVERY} batches to bound their number.
 */
class VrrpActorFuzzTest {
    private static final int FRAMES = 1_000_000;
    private static final int BATCH = 1024;
    private static final int PASS_EVERY = 8;
    private static final long MS = 1_000_000L;
    /** How far the clock moves between batches when no deadline is to pass. */
    private static final long STEP = MS;
    /** Time passes to a deadline at most this far ahead: the actor's timer fires that much later in real time. */
    private static final long NEAR = 100 * MS;
    private static final long START = 1_000_000 * MS;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(5);
    private static final VrrpConfig CONFIG = Adverts.ours().withVersion(VrrpFlyweight.VERSION_3, 1);

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static VrrpActor.Status status;
    private static long[] reasons;
    private static Reference reference;
    private static long sentThroughTheSink;
    private static List<VrrpActor.Role> announced;

    /** What the actor should have done: a router given only the adverts the validator accepts. */
    private static final class Reference {
        final VrrpRouter router = new VrrpRouter(CONFIG);
        final List<VrrpActor.Role> roles = new ArrayList<>();
        long advertsSent;
        long transitions;

        void carryOut(int actions) {
            if ((actions & VrrpRouter.SEND_ADVERT) != 0) {
                advertsSent++;
            }
            if ((actions & (VrrpRouter.BECOME_MASTER | VrrpRouter.BECOME_BACKUP | VrrpRouter.BECOME_INITIALIZE)) != 0) {
                transitions++;
                roles.add(role());
            }
        }

        VrrpActor.Role role() {
            return VrrpActor.Role.valueOf(router.state().name());
        }
    }

    @BeforeAll
    static void fuzz() {
        final AtomicLong clock = new AtomicLong(START);
        final AtomicLong sent = new AtomicLong();
        final FrameSink sink = (port, buffer, offset, length) -> sent.incrementAndGet();
        final TestProbe<VrrpActor.RoleChanged> roles = KIT.createTestProbe(VrrpActor.RoleChanged.class);
        final ActorRef<ArpActor.Command> arp = KIT.spawn(Behaviors.ignore());
        final ActorRef<VrrpActor.Command> vrrp = KIT.spawn(VrrpActor.create(CONFIG,
                Adverts.port(0, Adverts.OURS, Adverts.OUR_MAC), sink, arp, roles.getRef(), clock::get));
        final TestProbe<VrrpActor.Status> replies = KIT.createTestProbe(VrrpActor.Status.class);
        reference = new Reference();
        reference.carryOut(reference.router.startup(START));
        final VrrpValidator classify = new VrrpValidator(CONFIG);
        final VrrpFuzzFrames frames = new VrrpFuzzFrames(CONFIG, 20_260_105);
        for (int sentFrames = 0, batch = 0; sentFrames < FRAMES; batch++) {
            long now = clock.get();
            for (int i = 0; i < BATCH && sentFrames < FRAMES; i++, sentFrames++, now++) {
                final int length = frames.next();
                vrrp.tell(new VrrpActor.Advert(0, frames.copy(length), now));
                if (classify.check(frames.buffer(), 0, length) == VrrpValidator.OK) {
                    reference.carryOut(reference.router.onAdvert(classify.priority(), classify.intervalCentis(),
                            classify.source(), now));
                }
            }
            // back-pressure: the batch is processed before the next one, or time, moves on
            ask(vrrp, replies);
            final long lastAdvert = now - 1;
            final long deadline = reference.router.deadline();
            if (batch % PASS_EVERY == 0 && deadline - lastAdvert <= NEAR) {
                clock.set(deadline);
                reference.carryOut(reference.router.onTimer(deadline));
                replies.awaitAssert(WAIT, POLL, () -> {
                    assertEquals(reference.advertsSent, ask(vrrp, replies).advertsSent(),
                            "the actor's timer fires at the reference's deadline " + deadline);
                    return null;
                });
            } else {
                clock.set(lastAdvert + Math.min(STEP, deadline - lastAdvert - 1));
            }
        }
        status = ask(vrrp, replies);
        reasons = new long[VrrpValidator.REASONS];
        for (int r = 0; r < reasons.length; r++) {
            reasons[r] = classify.count(r);
        }
        sentThroughTheSink = sent.get();
        announced = new ArrayList<>();
        for (VrrpActor.RoleChanged changed : roles.receiveSeveralMessages(reference.roles.size(), WAIT)) {
            announced.add(changed.role());
        }
        roles.expectNoMessage();
        KIT.stop(vrrp);
    }

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private static VrrpActor.Status ask(ActorRef<VrrpActor.Command> vrrp, TestProbe<VrrpActor.Status> replies) {
        vrrp.tell(new VrrpActor.GetStatus(replies.getRef()));
        return replies.receiveMessage(WAIT);
    }

    @Test
    void everyAdvertIsCountedUnderTheReasonTheValidatorGivesIt() {
        assertArrayEquals(reasons, status.reasons());
        assertEquals(FRAMES, Arrays.stream(status.reasons()).sum());
        // the mutations reach every check a peer's v3 advert can fail: v3 has no authentication,
        // and no advert comes from our own address
        Set<Integer> unreachable = Set.of(VrrpValidator.BAD_AUTH_TYPE, VrrpValidator.AUTH_TYPE_MISMATCH,
                VrrpValidator.AUTH_MISMATCH, VrrpValidator.OWN_ADVERT);
        for (int r = 0; r < VrrpValidator.REASONS; r++) {
            assertEquals(!unreachable.contains(r), reasons[r] > 0, VrrpValidator.name(r) + ": " + reasons[r]);
        }
    }

    @Test
    void theActorEndsInTheRoleOfARouterFedOnlyTheAcceptedAdverts() {
        assertEquals(reference.role(), status.role());
        assertEquals(reference.transitions, status.transitions());
        assertTrue(reference.transitions > 20, "the run must move the router between roles: " + reference.transitions);
    }

    @Test
    void theActorSendsTheAdvertsOfARouterFedOnlyTheAcceptedAdverts() {
        assertEquals(reference.advertsSent, status.advertsSent());
        assertEquals(reference.advertsSent, sentThroughTheSink, "every advert goes out through the sink");
    }

    @Test
    void theListenerHearsTheRolesOfARouterFedOnlyTheAcceptedAdvertsInOrder() {
        assertEquals(reference.roles, announced);
    }
}
