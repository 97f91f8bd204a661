package org.actorvs.ha;

/**
 * The VRRP state machine of RFC 5798 section 6.4 (and RFC 3768 section 6.4 for v2) for one
 * virtual router, driven by explicit times: every input carries {@code nowNanos}, and the one
 * timer that runs in each state (Adver_Timer in Master, Master_Down_Timer in Backup) is a
 * {@link #deadline()} the caller fires through {@link #onTimer}. Inputs return a bit set of the
 * actions the caller must carry out, in this order: {@link #BECOME_BACKUP} or
 * {@link #BECOME_INITIALIZE} (release the VIPs, stop being a sync master), {@link #SEND_ADVERT}
 * with {@link #advertPriority()}, {@link #BECOME_MASTER} (take the VIPs, gratuitous ARP, start the
 * sync master). Adverts must have passed {@link VrrpValidator} first.
 *
 * <p>Where RFC and keepalived differ, keepalived (vrrp.c) is followed, because it is the router
 * on the other side: a master answers a lower-priority advert with one of its own
 * (vrrp_state_master_rx(), lower_prio_no_advert off by default) so that a lower router that
 * believes itself master backs off at once; preempt_delay holds a backup behind a lower-priority
 * master (vrrp_state_backup()); the v2 skew time is (256 - priority) / 256 seconds whatever the
 * interval (RFC 3768), the v3 one scales with Master_Adver_Interval (RFC 5798), as keepalived's
 * VRRP_TIMER_SKEW.
 */
public final class VrrpRouter {
    public enum State { INITIALIZE, BACKUP, MASTER }

    public static final int SEND_ADVERT = 1;
    public static final int BECOME_MASTER = 2;
    public static final int BECOME_BACKUP = 4;
    public static final int BECOME_INITIALIZE = 8;
    public static final int NONE = 0;
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final long NANOS_PER_CENTI = 10_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final VrrpConfig config;
    private State state = State.INITIALIZE;
    private long deadline = NO_DEADLINE;
    private long masterAdverIntervalNanos;
    /** keepalived's preempt_time: until when a lower-priority master is tolerated; 0 when not running. */
    private long preemptUntil;
    private boolean preemptDelayRunning;
    private int advertPriority;

    public VrrpRouter(VrrpConfig config) {
        this.config = config;
        this.masterAdverIntervalNanos = config.intervalNanos();
        this.advertPriority = config.priority();
    }

    public State state() {
        return state;
    }

    /** When {@link #onTimer} next has something to do; {@link #NO_DEADLINE} in Initialize. */
    public long deadline() {
        return deadline;
    }

    /** The priority the advert to send now carries: 0 when leaving Master on shutdown. */
    public int advertPriority() {
        return advertPriority;
    }

    public VrrpConfig config() {
        return config;
    }

    /** Master_Adver_Interval: ours, or (v3) the one the current master advertises. */
    public long masterAdverIntervalNanos() {
        return masterAdverIntervalNanos;
    }

    /** Skew_Time for our priority. */
    public long skewNanos() {
        final long unit = config.version() == VrrpFlyweight.VERSION_2 ? NANOS_PER_SECOND : masterAdverIntervalNanos;
        return (256 - config.priority()) * unit / 256;
    }

    /** Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time. */
    public long masterDownIntervalNanos() {
        return 3 * masterAdverIntervalNanos + skewNanos();
    }

    /** Startup event in Initialize (section 6.4.1). */
    public int startup(long nowNanos) {
        if (state != State.INITIALIZE) {
            return NONE;
        }
        advertPriority = config.priority();
        masterAdverIntervalNanos = config.intervalNanos();
        if (config.priority() == VrrpFlyweight.PRIORITY_OWNER) {
            return toMaster(nowNanos);
        }
        // keepalived starts its preempt delay with the instance (vrrp_init_state()).
        preemptDelayRunning = config.preemptDelayNanos() > 0;
        preemptUntil = nowNanos + config.preemptDelayNanos();
        return toBackup(nowNanos);
    }

    /** Shutdown event: a master says priority 0 so a backup takes over after Skew_Time, not Master_Down_Interval. */
    public int shutdown(long nowNanos) {
        final State was = state;
        state = State.INITIALIZE;
        deadline = NO_DEADLINE;
        if (was == State.MASTER) {
            advertPriority = VrrpFlyweight.PRIORITY_STOP;
            return BECOME_INITIALIZE | SEND_ADVERT;
        }
        return was == State.BACKUP ? BECOME_INITIALIZE : NONE;
    }

    /** Fires the running timer if its deadline has come. */
    public int onTimer(long nowNanos) {
        if (deadline == NO_DEADLINE || nowNanos - deadline < 0) {
            return NONE;
        }
        if (state == State.BACKUP) {
            return toMaster(nowNanos);
        }
        deadline = nowNanos + config.intervalNanos();
        return SEND_ADVERT;
    }

    /**
     * A validated advertisement.
     *
     * @param priority       its priority, 0..255
     * @param intervalCentis its Max Adver Int (v3) or Adver Int (v2, as centiseconds)
     * @param source         its IPv4 source, the sender's primary address
     */
    public int onAdvert(int priority, int intervalCentis, int source, long nowNanos) {
        if (state == State.BACKUP) {
            return backupReceives(priority, intervalCentis, nowNanos);
        }
        if (state == State.MASTER) {
            return masterReceives(priority, intervalCentis, source, nowNanos);
        }
        return NONE;
    }

    private int backupReceives(int priority, int intervalCentis, long nowNanos) {
        if (priority == VrrpFlyweight.PRIORITY_STOP) {
            deadline = nowNanos + skewNanos();
            return NONE;
        }
        final boolean higherOrEqual = priority >= config.priority();
        if (!config.preempt() || higherOrEqual || toleratesLowerMaster(nowNanos)) {
            adoptInterval(intervalCentis);
            deadline = nowNanos + masterDownIntervalNanos();
            if (config.preemptDelayNanos() > 0) {
                if (higherOrEqual) {
                    preemptDelayRunning = false;
                } else if (!preemptDelayRunning) {
                    preemptDelayRunning = true;
                    preemptUntil = nowNanos + config.preemptDelayNanos();
                }
            }
        }
        // A lower-priority master with preemption on is ignored: Master_Down_Timer runs out.
        return NONE;
    }

    private boolean toleratesLowerMaster(long nowNanos) {
        return config.preemptDelayNanos() > 0 && (!preemptDelayRunning || nowNanos - preemptUntil < 0);
    }

    private int masterReceives(int priority, int intervalCentis, int source, long nowNanos) {
        if (priority == VrrpFlyweight.PRIORITY_STOP) {
            deadline = nowNanos + config.intervalNanos();
            return SEND_ADVERT;
        }
        if (priority > config.priority()
                || priority == config.priority() && Integer.compareUnsigned(source, config.primaryAddress()) > 0) {
            adoptInterval(intervalCentis);
            // keepalived clears preempt_time when it leaves Master for Backup.
            preemptDelayRunning = false;
            return toBackup(nowNanos);
        }
        return SEND_ADVERT;
    }

    /** v3 backups follow the master's interval (section 6.4.2); v2 intervals must match (validator). */
    private void adoptInterval(int intervalCentis) {
        if (config.version() == VrrpFlyweight.VERSION_3) {
            masterAdverIntervalNanos = intervalCentis * NANOS_PER_CENTI;
        }
    }

    private int toMaster(long nowNanos) {
        state = State.MASTER;
        advertPriority = config.priority();
        masterAdverIntervalNanos = config.intervalNanos();
        deadline = nowNanos + config.intervalNanos();
        return SEND_ADVERT | BECOME_MASTER;
    }

    private int toBackup(long nowNanos) {
        state = State.BACKUP;
        deadline = nowNanos + masterDownIntervalNanos();
        return BECOME_BACKUP;
    }
}
