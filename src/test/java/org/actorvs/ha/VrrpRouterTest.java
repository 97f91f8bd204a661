package org.actorvs.ha;

import static org.actorvs.ha.VrrpRouter.BECOME_BACKUP;
import static org.actorvs.ha.VrrpRouter.BECOME_INITIALIZE;
import static org.actorvs.ha.VrrpRouter.BECOME_MASTER;
import static org.actorvs.ha.VrrpRouter.NONE;
import static org.actorvs.ha.VrrpRouter.NO_DEADLINE;
import static org.actorvs.ha.VrrpRouter.SEND_ADVERT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.actorvs.ha.VrrpRouter.State;
import org.junit.jupiter.api.Test;

/** RFC 5798 section 6.4, state by state and event by event, with keepalived's defaults. */
class VrrpRouterTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_000 * S;
    /** (256 - 100) / 256 s. */
    private static final long SKEW_100 = 609_375_000L;
    private static final long DOWN_100 = 3 * S + SKEW_100;

    private static VrrpRouter backup(VrrpConfig config) {
        final VrrpRouter r = new VrrpRouter(config);
        assertEquals(BECOME_BACKUP, r.startup(T0));
        return r;
    }

    private static VrrpRouter master(VrrpConfig config) {
        final VrrpRouter r = backup(config);
        assertEquals(SEND_ADVERT | BECOME_MASTER, r.onTimer(r.deadline()));
        return r;
    }

    @Test
    void startupWithPriority255BecomesMasterAndAdvertisesAtOnce() {
        final VrrpRouter r = new VrrpRouter(Adverts.ours().withPriority(255));
        assertEquals(SEND_ADVERT | BECOME_MASTER, r.startup(T0));
        assertEquals(State.MASTER, r.state());
        assertEquals(T0 + S, r.deadline());
        assertEquals(255, r.advertPriority());
    }

    @Test
    void startupBelow255BecomesBackupWithTheMasterDownTimer() {
        final VrrpRouter r = backup(Adverts.ours());
        assertEquals(State.BACKUP, r.state());
        assertEquals(T0 + DOWN_100, r.deadline());
        assertEquals(NONE, r.startup(T0 + 1), "startup only leaves Initialize");
    }

    @Test
    void initializeIgnoresTimersAndAdverts() {
        final VrrpRouter r = new VrrpRouter(Adverts.ours());
        assertEquals(NONE, r.onTimer(T0));
        assertEquals(NONE, r.onAdvert(150, 100, Adverts.PEER, T0));
        assertEquals(State.INITIALIZE, r.state());
        assertEquals(NO_DEADLINE, r.deadline());
    }

    @Test
    void backupTimerBeforeItsDeadlineDoesNothing() {
        final VrrpRouter r = backup(Adverts.ours());
        assertEquals(NONE, r.onTimer(r.deadline() - 1));
        assertEquals(State.BACKUP, r.state());
    }

    @Test
    void backupMasterDownTimerExpiryBecomesMasterAndAdvertises() {
        final VrrpRouter r = backup(Adverts.ours());
        assertEquals(SEND_ADVERT | BECOME_MASTER, r.onTimer(T0 + DOWN_100));
        assertEquals(State.MASTER, r.state());
        assertEquals(T0 + DOWN_100 + S, r.deadline());
    }

    @Test
    void backupPriorityZeroAdvertShortensTheTimerToSkewTime() {
        final VrrpRouter r = backup(Adverts.ours());
        assertEquals(NONE, r.onAdvert(0, 100, Adverts.PEER, T0 + S));
        assertEquals(T0 + S + SKEW_100, r.deadline());
    }

    @Test
    void backupHigherPriorityAdvertRestartsTheMasterDownTimer() {
        final VrrpRouter r = backup(Adverts.ours());
        assertEquals(NONE, r.onAdvert(150, 100, Adverts.PEER, T0 + 2 * S));
        assertEquals(T0 + 2 * S + DOWN_100, r.deadline());
        assertEquals(State.BACKUP, r.state());
    }

    @Test
    void backupEqualPriorityAdvertFromALowerAddressStillRestartsTheTimer() {
        final VrrpRouter r = backup(Adverts.ours());
        assertEquals(NONE, r.onAdvert(100, 100, Adverts.LOWER_PEER, T0 + 2 * S));
        assertEquals(T0 + 2 * S + DOWN_100, r.deadline(), "the address tie-break is the master's, not the backup's");
    }

    @Test
    void backupLowerPriorityAdvertIsDiscardedWhenPreempting() {
        final VrrpRouter r = backup(Adverts.ours());
        assertEquals(NONE, r.onAdvert(50, 100, Adverts.PEER, T0 + 2 * S));
        assertEquals(T0 + DOWN_100, r.deadline(), "the timer runs out and we preempt");
    }

    @Test
    void backupLowerPriorityAdvertRestartsTheTimerWithoutPreemption() {
        final VrrpRouter r = backup(Adverts.ours().withPreempt(false, 0));
        r.onAdvert(50, 100, Adverts.PEER, T0 + 2 * S);
        assertEquals(T0 + 2 * S + DOWN_100, r.deadline());
    }

    @Test
    void preemptDelayToleratesALowerMasterUntilTheDelayHasPassed() {
        final VrrpRouter r = backup(Adverts.ours().withPreempt(true, 10 * S));
        r.onAdvert(50, 100, Adverts.PEER, T0 + 5 * S);
        assertEquals(T0 + 5 * S + DOWN_100, r.deadline(), "within the delay started at startup");
        r.onAdvert(50, 100, Adverts.PEER, T0 + 11 * S);
        assertEquals(T0 + 5 * S + DOWN_100, r.deadline(), "after it: discarded, the timer runs out");
        assertEquals(SEND_ADVERT | BECOME_MASTER, r.onTimer(T0 + 5 * S + DOWN_100));
    }

    @Test
    void preemptDelayRestartsWhenALowerMasterFollowsAHigherOne() {
        final VrrpRouter r = backup(Adverts.ours().withPreempt(true, 10 * S));
        r.onAdvert(150, 100, Adverts.PEER, T0 + 20 * S);
        r.onAdvert(50, 100, Adverts.PEER, T0 + 30 * S);
        assertEquals(T0 + 30 * S + DOWN_100, r.deadline(), "a higher master stopped the delay; the lower one starts it");
        r.onAdvert(50, 100, Adverts.PEER, T0 + 39 * S);
        assertEquals(T0 + 39 * S + DOWN_100, r.deadline());
        r.onAdvert(50, 100, Adverts.PEER, T0 + 41 * S);
        assertEquals(T0 + 39 * S + DOWN_100, r.deadline());
    }

    @Test
    void v3BackupAdoptsTheMastersIntervalForItsMasterDownInterval() {
        final VrrpRouter r = backup(Adverts.ours().withVersion(3, 100));
        r.onAdvert(150, 10, Adverts.PEER, T0);
        assertEquals(100_000_000L, r.masterAdverIntervalNanos());
        assertEquals(SKEW_100 / 10, r.skewNanos());
        assertEquals(T0 + 300_000_000L + SKEW_100 / 10, r.deadline());
    }

    @Test
    void v2SkewIsAFractionOfASecondWhateverTheInterval() {
        final VrrpRouter r = backup(Adverts.ours().withVersion(2, 300).withPriority(200));
        assertEquals((256 - 200) * S / 256, r.skewNanos());
        assertEquals(9 * S + (256 - 200) * S / 256, r.masterDownIntervalNanos());
    }

    @Test
    void backupShutdownGoesToInitializeWithoutAnAdvert() {
        final VrrpRouter r = backup(Adverts.ours());
        assertEquals(BECOME_INITIALIZE, r.shutdown(T0 + S));
        assertEquals(State.INITIALIZE, r.state());
        assertEquals(NO_DEADLINE, r.deadline());
    }

    @Test
    void masterAdverTimerSendsAnAdvertAndRearms() {
        final VrrpRouter r = master(Adverts.ours());
        final long due = r.deadline();
        assertEquals(NONE, r.onTimer(due - 1));
        assertEquals(SEND_ADVERT, r.onTimer(due));
        assertEquals(due + S, r.deadline());
        assertEquals(100, r.advertPriority());
    }

    @Test
    void masterAnswersAPriorityZeroAdvertAtOnceAndRearms() {
        final VrrpRouter r = master(Adverts.ours());
        assertEquals(SEND_ADVERT, r.onAdvert(0, 100, Adverts.PEER, T0 + 5 * S));
        assertEquals(T0 + 6 * S, r.deadline());
        assertEquals(State.MASTER, r.state());
    }

    @Test
    void masterHearingAHigherPriorityBecomesBackup() {
        final VrrpRouter r = master(Adverts.ours());
        assertEquals(BECOME_BACKUP, r.onAdvert(150, 100, Adverts.PEER, T0 + 5 * S));
        assertEquals(State.BACKUP, r.state());
        assertEquals(T0 + 5 * S + DOWN_100, r.deadline());
    }

    @Test
    void masterHearingAnEqualPriorityFromAHigherAddressBecomesBackup() {
        final VrrpRouter r = master(Adverts.ours());
        assertEquals(BECOME_BACKUP, r.onAdvert(100, 100, Adverts.PEER, T0 + 5 * S));
    }

    @Test
    void masterHearingAnEqualPriorityFromALowerAddressStaysAndAnswers() {
        final VrrpRouter r = master(Adverts.ours());
        final long due = r.deadline();
        assertEquals(SEND_ADVERT, r.onAdvert(100, 100, Adverts.LOWER_PEER, T0 + 5 * S));
        assertEquals(State.MASTER, r.state());
        assertEquals(due, r.deadline(), "keepalived's extra advert leaves the Adver_Timer alone");
    }

    @Test
    void masterHearingALowerPriorityAnswersWithAnAdvertAsKeepalivedDoes() {
        final VrrpRouter r = master(Adverts.ours());
        assertEquals(SEND_ADVERT, r.onAdvert(50, 100, Adverts.PEER, T0 + 5 * S));
        assertEquals(State.MASTER, r.state());
    }

    @Test
    void addressTieBreakComparesAddressesUnsigned() {
        final VrrpRouter r = master(Adverts.ours());
        assertEquals(BECOME_BACKUP, r.onAdvert(100, 100, 0xC0A80001, T0 + 5 * S), "192.168.0.1 > 10.0.0.1");
    }

    @Test
    void masterShutdownAdvertisesPriorityZeroAndGoesToInitialize() {
        final VrrpRouter r = master(Adverts.ours());
        assertEquals(SEND_ADVERT | BECOME_INITIALIZE, r.shutdown(T0 + 9 * S));
        assertEquals(0, r.advertPriority());
        assertEquals(State.INITIALIZE, r.state());
        assertEquals(NO_DEADLINE, r.deadline());
        assertEquals(NONE, r.shutdown(T0 + 10 * S), "a second shutdown has nothing to do");
    }

    @Test
    void startupAfterShutdownAdvertisesOurPriorityAgain() {
        final VrrpRouter r = new VrrpRouter(Adverts.ours().withPriority(255));
        r.startup(T0);
        r.shutdown(T0 + S);
        assertEquals(SEND_ADVERT | BECOME_MASTER, r.startup(T0 + 2 * S));
        assertEquals(255, r.advertPriority());
    }
}
