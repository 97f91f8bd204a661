package org.actorvs.runtime;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import org.actorvs.ha.VrrpActor;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncSettings;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a VRRP role means for the sync daemons, as keepalived's notify scripts drive
 * {@code ipvsadm --start-daemon / --stop-daemon}: the master of the virtual router forwards and so
 * sends its connections (the master daemon), the others receive them (the backup daemon), so that
 * whichever takes over already has the table. Without {@code both} each role runs only its own
 * daemon; with it a daemon once started keeps running, as the kernel allows master and backup at
 * once (ip_vs_sync.c: start_sync_thread() per state).
 *
 * @param settings the sync sysctls both daemons start with
 * @param master   the master daemon to run as MASTER, if any
 * @param backup   the backup daemon to run as BACKUP (and INITIALIZE), if any
 * @param both     never stop a daemon because of a role change
 * @param transport how the daemons reach the peers (live: their multicast sockets)
 */
public record SyncRoles(SyncSettings settings, Optional<SyncDaemon> master, Optional<SyncDaemon> backup,
        boolean both, SyncTransport transport) {
    private static final Logger LOG = LoggerFactory.getLogger(SyncRoles.class);

    public SyncRoles {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(transport, "transport");
    }

    /** Daemons on their multicast sockets. */
    public SyncRoles(SyncSettings settings, Optional<SyncDaemon> master, Optional<SyncDaemon> backup, boolean both) {
        this(settings, master, backup, both, SyncTransport.MULTICAST);
    }

    /** The same daemons, reaching the peers through {@code other}. */
    public SyncRoles withTransport(SyncTransport other) {
        return new SyncRoles(settings, master, backup, both, other);
    }

    /** No daemons: a role change moves only the addresses. */
    public static SyncRoles none() {
        return new SyncRoles(SyncSettings.kernelDefaults(), Optional.empty(), Optional.empty(), false);
    }

    /** Whether the master daemon should run in {@code role}, given whether it runs now. */
    public boolean masterIn(VrrpActor.Role role, boolean running) {
        return master.isPresent() && (role == VrrpActor.Role.MASTER || both && running);
    }

    /** Whether the backup daemon should run in {@code role}; a director out of the router (INITIALIZE) keeps listening. */
    public boolean backupIn(VrrpActor.Role role, boolean running) {
        return backup.isPresent() && (role != VrrpActor.Role.MASTER || both && running);
    }

    /**
     * Told before a starting director pulls its peer's table: start the daemons of the INITIALIZE
     * role (the backup daemon), as keepalived's notify script does for a router starting in
     * BACKUP, and answer {@code replyTo} once the backup daemon listens (or could not start, or
     * has nothing to start), so that what the peer syncs during the pull is not missed.
     */
    public record BeforePull(ActorRef<SyncActor.Reply> replyTo) {
    }

    /**
     * The listener of a VRRP instance's role changes ({@link VrrpActor.RoleChanged}, and
     * {@link BeforePull}): tells {@code sync} to start and stop the daemons this policy asks for,
     * and hands every role to {@code onRole} (the director's view).
     */
    Behavior<Object> listener(ActorRef<SyncActor.Command> sync, Consumer<VrrpActor.Role> onRole) {
        return Behaviors.setup(ctx -> {
            ActorRef<SyncActor.Reply> replies = ctx.getSelf().narrow();
            boolean[] running = new boolean[2];
            return Behaviors.receive(Object.class)
                    .onMessage(VrrpActor.RoleChanged.class, m -> {
                        change(m.role(), running, sync, replies, replies, onRole);
                        return Behaviors.same();
                    })
                    .onMessage(BeforePull.class, m -> {
                        boolean starts = !running[1] && backupIn(VrrpActor.Role.INITIALIZE, false);
                        change(VrrpActor.Role.INITIALIZE, running, sync, replies, m.replyTo(), onRole);
                        if (!starts) {
                            m.replyTo().tell(new SyncActor.Reply(true, "no backup daemon to start"));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(SyncActor.Reply.class, r -> {
                        if (r.ok()) {
                            LOG.info("sync: {}", r.text());
                        } else {
                            LOG.error("sync daemon change for a VRRP role failed: {}", r.text());
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /**
     * Starts and stops the daemons for {@code role}; the backup daemon's start is answered to
     * {@code backupReplies}, everything else to {@code replies}.
     */
    private void change(VrrpActor.Role role, boolean[] running, ActorRef<SyncActor.Command> sync,
            ActorRef<SyncActor.Reply> replies, ActorRef<SyncActor.Reply> backupReplies, Consumer<VrrpActor.Role> onRole) {
        onRole.accept(role);
        boolean wantMaster = masterIn(role, running[0]);
        boolean wantBackup = backupIn(role, running[1]);
        // Stop first: a director becoming master must not go on applying what the old master
        // still sends about the connections it now forwards itself.
        if (running[1] && !wantBackup) {
            sync.tell(new SyncActor.StopBackup(replies));
        }
        if (running[0] && !wantMaster) {
            sync.tell(new SyncActor.StopMaster(replies));
        }
        if (wantMaster && !running[0]) {
            sync.tell(new SyncActor.StartMaster(master.get(), settings, transport.sender(master.get()), replies));
        }
        if (wantBackup && !running[1]) {
            sync.tell(new SyncActor.StartBackup(backup.get(), settings, transport.listen(), backupReplies));
        }
        running[0] = wantMaster;
        running[1] = wantBackup;
    }
}
