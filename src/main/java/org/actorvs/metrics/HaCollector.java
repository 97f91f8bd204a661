package org.actorvs.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import org.actorvs.ha.VrrpActor;
import org.actorvs.ha.VrrpValidator;
import org.actorvs.runtime.SyncActor;
import org.actorvs.sync.SyncStatus;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The high-availability figures, read on scrape: the sync actor's {@link SyncActor.Stats} and the
 * VRRP instance's {@link VrrpActor.Status}. An actor that does not answer within the timeout leaves
 * its series out of that scrape.
 *
 * <p>Replication lag cannot be measured as one figure without a clock shared by master and backup,
 * so it is measured in the two parts each side can time on its own clock:
 * {@code actorvs_sync_master_send_delay_seconds} (a shard buffering a message's first entry to the
 * socket taking the message) and {@code actorvs_sync_backup_apply_delay_seconds} (a datagram's
 * reception to the owning shard having applied its entries). Their sum plus the network's delay is
 * the lag. The master's part leaves out the time between a packet's capture and its shard's
 * handling of it (see actorvs_shard_batch_duration_seconds).
 */
public final class HaCollector implements MultiCollector {
    private final ActorRef<SyncActor.Command> sync;
    private final ActorRef<VrrpActor.Command> vrrp;
    private final Scheduler scheduler;
    private final Duration timeout;

    /**
     * @param sync the sync actor, or null
     * @param vrrp the VRRP instance, or null
     */
    public HaCollector(ActorRef<SyncActor.Command> sync, ActorRef<VrrpActor.Command> vrrp, Scheduler scheduler,
            Duration timeout) {
        this.sync = sync;
        this.vrrp = vrrp;
        this.scheduler = scheduler;
        this.timeout = timeout;
    }

    @Override
    public MetricSnapshots collect() {
        CompletableFuture<SyncActor.Stats> syncAsk = sync == null ? null
                : AskPattern.<SyncActor.Command, SyncActor.Stats>ask(sync, SyncActor.GetStats::new, timeout, scheduler)
                        .toCompletableFuture();
        CompletableFuture<VrrpActor.Status> vrrpAsk = vrrp == null ? null
                : AskPattern.<VrrpActor.Command, VrrpActor.Status>ask(vrrp, VrrpActor.GetStatus::new, timeout,
                        scheduler).toCompletableFuture();
        Families f = new Families();
        SyncActor.Stats stats = syncAsk == null ? null : DirectorCollector.answer(syncAsk);
        if (stats != null) {
            sync(f, stats);
        }
        VrrpActor.Status status = vrrpAsk == null ? null : DirectorCollector.answer(vrrpAsk);
        if (status != null) {
            vrrp(f, status);
        }
        return f.build();
    }

    private static void sync(Families f, SyncActor.Stats s) {
        String running = "Whether the sync daemon of this role runs (1) or not (0).";
        f.gauge("actorvs_sync_daemon_running", running, s.master() ? 1 : 0, "role", "master");
        f.gauge("actorvs_sync_daemon_running", running, s.backup() ? 1 : 0, "role", "backup");

        f.counter("actorvs_sync_master_messages_sent", "Sync messages the master's socket took.", s.messagesSent());
        f.counter("actorvs_sync_master_bytes_sent", "UDP payload bytes of the sync messages sent.", s.bytesSent());
        f.counter("actorvs_sync_master_entries_sent", "Connection entries in the sync messages sent.", s.entriesSent());
        String drops = "Sync messages the master dropped: its queue was full (or it stopped), or the socket failed.";
        f.counter("actorvs_sync_master_messages_dropped", drops, s.messagesDropped(), "reason", "queue_full");
        f.counter("actorvs_sync_master_messages_dropped", drops, s.sendErrors(), "reason", "send_error");
        f.gauge("actorvs_sync_master_queue_depth", "Sync messages waiting for the socket.", s.queueDepth());
        f.histogram("actorvs_sync_master_send_delay_seconds", "Per sync message sent: from a shard buffering its "
                + "first entry to the socket taking it (the master's part of the replication lag).",
                DirectorCollector.seconds(s.sendDelay()));

        f.counter("actorvs_sync_backup_messages_received", "Sync datagrams the backup received.",
                s.datagramsReceived());
        f.counter("actorvs_sync_backup_messages_filtered", "Sync datagrams of another syncid, ignored.",
                s.rejected()[SyncStatus.SYNC_ID_IGNORED.code()]);
        for (SyncStatus r : SyncStatus.values()) {
            if (r.bogus()) {
                f.counter("actorvs_sync_backup_messages_rejected", "Bogus sync datagrams dropped whole, by reason.",
                        s.rejected()[r.code()], "reason", r.name().toLowerCase(Locale.ROOT));
            }
        }
        String entries = "Connection entries in the sync datagrams accepted: handed to the shards (applied) or "
                + "left out (skipped: unknown mandatory option, protocol, state or PE).";
        f.counter("actorvs_sync_backup_entries_received", entries, s.entriesRouted(), "result", "applied");
        f.counter("actorvs_sync_backup_entries_received", entries, s.entriesSkipped(), "result", "skipped");
        f.histogram("actorvs_sync_backup_apply_delay_seconds", "Per shard's part of a sync datagram: from its "
                + "reception to the shard having applied its entries (the backup's part of the replication lag).",
                DirectorCollector.seconds(s.applyDelay()));
    }

    private static void vrrp(Families f, VrrpActor.Status s) {
        String vrid = Integer.toString(s.vrid());
        for (VrrpActor.Role r : VrrpActor.Role.values()) {
            f.gauge("actorvs_vrrp_role", "The VRRP instance's role: 1 for the current one.", r == s.role() ? 1 : 0,
                    "vrid", vrid, "role", r.name().toLowerCase(Locale.ROOT));
        }
        f.counter("actorvs_vrrp_transitions", "Role changes of the VRRP instance.", s.transitions(), "vrid", vrid);
        f.counter("actorvs_vrrp_adverts_sent", "VRRP adverts sent.", s.advertsSent(), "vrid", vrid);
        for (int r = 0; r < VrrpValidator.REASONS; r++) {
            f.counter("actorvs_vrrp_adverts_received", "VRRP frames received, by what the validator found (ok: an "
                    + "advert of this virtual router).", s.count(r), "vrid", vrid, "result",
                    VrrpValidator.key(r));
        }
    }
}
