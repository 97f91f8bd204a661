package org.actorvs.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.actorvs.sync.SyncSender;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The sync daemons' multicast group on the simulated lab's back LAN, without sockets: what a
 * member's master daemon sends is told to every other member's sync actor as a
 * {@link SyncActor.Datagram}, where a running backup daemon takes it as from its socket. A
 * director that leaves the group (cut off the LAN) neither sends nor receives from then on.
 */
final class SimulatedSyncGroup {
    private final Map<String, ActorRef<SyncActor.Command>> members = new ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();

    /** The transport of member {@code name}: its master sends to the group, its backup opens no socket. */
    SyncTransport transport(String name) {
        return new SyncTransport(daemon -> new Sender(name), false);
    }

    /** {@code name}'s sync actor receives the group's datagrams from now on, and may send. */
    void join(String name, ActorRef<SyncActor.Command> sync) {
        members.put(name, sync);
    }

    void leave(String name) {
        members.remove(name);
    }

    /** Datagrams handed to members' sync actors. */
    long delivered() {
        return delivered.get();
    }

    private final class Sender implements SyncSender {
        private final String from;

        Sender(String from) {
            this.from = from;
        }

        @Override
        public boolean send(byte[] message, long nowNanos) {
            if (!members.containsKey(from)) {
                return true; // cut off: the datagram goes nowhere, as on a dead link
            }
            members.forEach((name, sync) -> {
                if (!name.equals(from)) {
                    sync.tell(new SyncActor.Datagram(message.clone(), nowNanos));
                    delivered.incrementAndGet();
                }
            });
            return true;
        }

        @Override
        public void close() {
            // nothing to release: the group outlives a master run
        }
    }
}
