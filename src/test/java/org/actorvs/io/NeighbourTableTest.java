package org.actorvs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.actorvs.forward.NeighbourCache;
import org.actorvs.forward.Port;
import org.actorvs.io.NeighbourTable.State;
import org.actorvs.packet.ArpFlyweight;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.MacAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class NeighbourTableTest {
    static final long SECOND = 1_000_000_000L;
    static final Port LAN = new Port(0, "lan0", MacAddress.parse("02:00:00:00:00:01"),
            InetAddresses.parseIpv4("10.0.0.1") & 0xFFFF_FFFFL, 0, 0, 1500, -1);
    static final int RS = InetAddresses.parseIpv4("10.0.0.7");
    static final long RS_MAC = MacAddress.parse("02:00:00:00:00:07");

    private final NeighbourTable table = new NeighbourTable(List.of(LAN), NeighbourTable.Params.kernelDefaults());
    private final SentFrames out = new SentFrames();
    private final ArpFlyweight arp = new ArpFlyweight();

    @Test
    void unresolvedNeighbourGetsThreeBroadcastRequestsOneSecondApartThenFails() {
        table.resolutionNeeded(4, 0, RS, 0);
        for (int i = 0; i < 3; i++) {
            table.tick(i * SECOND, out);
            assertEquals(i + 1, out.size(), "probe " + i);
            assertEquals(State.INCOMPLETE, table.state(RS));
            table.tick(i * SECOND + SECOND / 2, out);
            assertEquals(i + 1, out.size(), "nothing between retransmissions");
        }
        for (SentFrames.Sent s : out.all()) {
            assertRequest(s, EthernetFlyweight.BROADCAST_MAC);
        }
        table.tick(3 * SECOND, out);
        assertEquals(State.FAILED, table.state(RS));
        assertEquals(3, table.probesSent());
        assertEquals(1, table.resolutionsFailed());
        assertEquals(NeighbourCache.UNRESOLVED, table.mac(4, 0, RS));
    }

    @Test
    void repeatedResolutionRequestsSendOneProbe() {
        for (int i = 0; i < 1000; i++) {
            table.resolutionNeeded(4, 0, RS, 0);
        }
        table.tick(0, out);
        assertEquals(1, out.size());
        assertEquals(0, table.requestsDropped());
    }

    @Test
    void replyToOurRequestResolvesTheNeighbour() {
        table.resolutionNeeded(4, 0, RS, 0);
        table.tick(0, out);
        assertTrue(table.learn(0, RS, RS_MAC, true, SECOND / 10));
        assertEquals(State.REACHABLE, table.state(RS));
        assertEquals(RS_MAC, table.mac(4, 0, RS));
    }

    @Test
    void unusedReachableEntryGoesStaleAfterTheReachableTime() {
        resolve(0);
        table.tick(table.reachableNanos() - 1, out);
        assertEquals(State.REACHABLE, table.state(RS));
        table.tick(table.reachableNanos() + 1, out);
        assertEquals(State.STALE, table.state(RS));
        assertEquals(RS_MAC, table.mac(4, 0, RS), "a stale entry is still used");
    }

    @Test
    void reachableTimeIsDrawnBetweenHalfAndOneAndAHalfTimesTheBase() {
        final long base = NeighbourTable.Params.kernelDefaults().baseReachableNanos();
        assertTrue(table.reachableNanos() >= base / 2 && table.reachableNanos() < base * 3 / 2);
    }

    @Test
    void usedStaleEntryIsProbedByUnicastAfterTheDelayAndFailsWithoutAnswer() {
        resolve(0);
        final long stale = table.reachableNanos() + 1;
        table.tick(stale, out);
        out.clear();
        table.mac(4, 0, RS);
        table.tick(stale + 1, out);
        assertEquals(State.DELAY, table.state(RS));
        assertEquals(0, out.size());
        final long probe = stale + 1 + 5 * SECOND;
        for (int i = 0; i < 3; i++) {
            table.tick(probe + i * SECOND, out);
            assertEquals(State.PROBE, table.state(RS));
        }
        assertEquals(3, out.size());
        for (SentFrames.Sent s : out.all()) {
            assertRequest(s, RS_MAC);
        }
        table.tick(probe + 3 * SECOND, out);
        assertEquals(State.FAILED, table.state(RS));
        assertEquals(NeighbourCache.UNRESOLVED, table.mac(4, 0, RS));
    }

    @Test
    void answeredUnicastProbeMakesTheEntryReachableAgain() {
        resolve(0);
        final long stale = table.reachableNanos() + 1;
        table.tick(stale, out);
        table.mac(4, 0, RS);
        table.tick(stale + 1, out);
        table.tick(stale + 1 + 5 * SECOND, out);
        assertEquals(State.PROBE, table.state(RS));
        table.learn(0, RS, RS_MAC, true, stale + 6 * SECOND);
        assertEquals(State.REACHABLE, table.state(RS));
    }

    @Test
    void unusedStaleEntryIsCollectedAfterTheGcStaleTime() {
        resolve(0);
        table.tick(table.reachableNanos() + 1, out);
        assertEquals(State.STALE, table.state(RS));
        table.tick(61 * SECOND + table.reachableNanos(), out);
        assertEquals(State.NONE, table.state(RS));
        assertEquals(NeighbourCache.UNRESOLVED, table.mac(4, 0, RS));
    }

    @Test
    void staticEntryNeverExpiresNorChanges() {
        table.putStatic(0, RS, RS_MAC);
        table.learn(0, RS, 0x0200_0000_0099L, true, 10 * SECOND);
        table.tick(3600 * SECOND, out);
        assertEquals(State.PERMANENT, table.state(RS));
        assertEquals(RS_MAC, table.mac(4, 0, RS));
        assertEquals(0, out.size());
    }

    @Test
    void differentMacWithinLocktimeIsIgnoredAndTakenAfterIt() {
        resolve(0);
        final long other = 0x0200_0000_0099L;
        table.learn(0, RS, other, true, SECOND / 2);
        assertEquals(RS_MAC, table.mac(4, 0, RS), "the first reply wins within locktime");
        table.learn(0, RS, other, true, 2 * SECOND);
        assertEquals(other, table.mac(4, 0, RS));
    }

    @Test
    void failedNeighbourIsHeldDownThenResolvedAfresh() {
        table.resolutionNeeded(4, 0, RS, 0);
        for (int i = 0; i <= 3; i++) {
            table.tick(i * SECOND, out);
        }
        assertEquals(State.FAILED, table.state(RS));
        table.resolutionNeeded(4, 0, RS, 0);
        table.tick(3 * SECOND + SECOND / 2, out);
        assertEquals(3, out.size(), "no probe during the hold-down");
        table.tick(4 * SECOND, out);
        assertEquals(State.NONE, table.state(RS));
        table.resolutionNeeded(4, 0, RS, 0);
        table.tick(4 * SECOND + 1, out);
        assertEquals(State.INCOMPLETE, table.state(RS));
        assertEquals(4, out.size());
    }

    @Test
    void plainLearnDoesNotCreateEntriesButRequestForUsDoes() {
        assertFalse(table.learn(0, RS, RS_MAC, false, 0));
        assertEquals(State.NONE, table.state(RS));
        table.learnFromRequest(0, RS, RS_MAC, 0);
        assertEquals(State.STALE, table.state(RS));
        assertEquals(RS_MAC, table.mac(4, 0, RS));
    }

    @Test
    void addressesNoNeighbourHasAndBadPortRequestsAreDroppedAndCounted() {
        table.resolutionNeeded(6, 0xFF02_0000_0000_0000L, 1, 0);
        table.resolutionNeeded(6, 0, 0, 0);
        table.resolutionNeeded(4, 0, 0, 0);
        table.resolutionNeeded(4, 0, RS, 5);
        table.tick(0, out);
        assertEquals(0, out.size());
        assertEquals(4, table.requestsDropped());
    }

    @Test
    void readersOnOtherThreadsSeeOnlyPublishedMappings() throws Exception {
        final int neighbours = 500;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong wrong = new AtomicLong();
        final AtomicLong hits = new AtomicLong();
        final Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++) {
            readers[t] = new Thread(() -> {
                while (!stop.get()) {
                    for (int i = 1; i <= neighbours; i++) {
                        final long mac = table.mac(4, 0, RS + i);
                        if (mac != NeighbourCache.UNRESOLVED) {
                            hits.incrementAndGet();
                            if (mac != RS_MAC + i) {
                                wrong.incrementAndGet();
                            }
                        }
                    }
                }
            });
            readers[t].start();
        }
        for (int i = 1; i <= neighbours; i++) {
            table.learnFromRequest(0, RS + i, RS_MAC + i, i);
            table.tick(i, out);
        }
        stop.set(true);
        for (Thread r : readers) {
            r.join(10_000);
        }
        assertEquals(0, wrong.get());
        assertTrue(hits.get() > 0);
        for (int i = 1; i <= neighbours; i++) {
            assertEquals(RS_MAC + i, table.mac(4, 0, RS + i));
        }
    }

    @Test
    void generationMovesWhenAMacIsPublished() {
        long before = table.generation();
        resolve(0);
        assertTrue(table.generation() != before);
    }

    @Test
    void generationMovesAfterATickThatCollectedUseMarksOnly() {
        resolve(0);
        long idle = table.generation();
        table.tick(SECOND / 10, out);
        assertEquals(idle, table.generation(), "nothing was used, nothing to report again");
        table.mac(4, 0, RS);
        table.tick(SECOND / 5, out);
        assertTrue(table.generation() != idle, "a cached MAC must be looked up again to mark its use");
    }

    @Test
    void aFailedResolutionIsPublishedToTheShardsUntilItsHoldDownEnds() {
        table.resolutionNeeded(4, 0, RS, 0);
        long published = table.generation();
        for (int i = 0; i <= 3; i++) {
            table.tick(i * SECOND, out);
        }
        assertTrue(table.failed(4, 0, RS), "shards drop what waits for it");
        assertTrue(table.generation() != published, "the failure moved the generation");
        assertEquals(NeighbourCache.UNRESOLVED, table.mac(4, 0, RS));
        table.tick(4 * SECOND, out);
        assertFalse(table.failed(4, 0, RS), "after the hold-down a packet may start a new resolution");
        assertEquals(State.NONE, table.state(RS));
    }

    @Test
    void aNewResolutionRequestWakesTheOwnerOnceBeforeItsTick() {
        AtomicLong wakes = new AtomicLong();
        table.onRequest(wakes::incrementAndGet);
        table.resolutionNeeded(4, 0, RS, 0);
        table.resolutionNeeded(4, 0, RS + 1, 0);
        assertEquals(1, wakes.get(), "one wake-up until the owner ticks");
        table.tick(0, out);
        assertEquals(2, out.size(), "both first probes at once");
        table.resolutionNeeded(4, 0, RS + 2, 0);
        assertEquals(2, wakes.get());
    }

    private void resolve(long now) {
        table.resolutionNeeded(4, 0, RS, 0);
        table.tick(now, out);
        table.learn(0, RS, RS_MAC, true, now);
        out.clear();
    }

    private void assertRequest(SentFrames.Sent s, long dstMac) {
        final UnsafeBuffer f = s.frame();
        assertEquals(42, s.length());
        assertEquals(dstMac, EthernetFlyweight.dstMac(f, 0));
        assertEquals(LAN.mac(), EthernetFlyweight.srcMac(f, 0));
        assertEquals(EthernetFlyweight.ETHER_TYPE_ARP, EthernetFlyweight.etherType(f, 0));
        arp.wrap(f, EthernetFlyweight.HEADER_LENGTH);
        assertEquals(ArpFlyweight.OP_REQUEST, arp.op());
        assertEquals(LAN.mac(), arp.senderMac());
        assertEquals((int) LAN.ipv4(), arp.senderIp());
        assertEquals(0, arp.targetMac());
        assertEquals(RS, arp.targetIp());
    }
}
