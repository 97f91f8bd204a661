package org.actorvs.forward;

/**
 * How a shard that holds packets for unresolved next hops learns, on its own thread, that the
 * neighbour cache changed: the cache's owner calls {@link #changed()} after each change it
 * publishes, and that wakes the shard (a message to its actor) only while the shard is armed, so
 * shards with nothing waiting cost the owner one volatile read each.
 *
 * <p>Why a flag and a wake-up and not a poll of {@link NeighbourCache#generation()} on the shard's
 * timer: the timer ticks every 100 ms, an ARP reply takes well under a millisecond on a LAN, and
 * every held TCP segment would wait for the tick. The kernel sends the arp_queue from
 * neigh_update() itself, the moment the reply is processed.
 *
 * <p>Each side writes one value only (the shard arms, the owner disarms), so neither needs a
 * compare-and-set; a change published between the shard's lookup and its arming is caught by the
 * shard reading the generation again after arming ({@link Egress}).
 */
public final class NeighbourWatch {
    private final Runnable wake;
    private volatile boolean armed;

    /** @param wake tells the shard to flush; called on the neighbour cache's owner thread, must not block */
    public NeighbourWatch(Runnable wake) {
        this.wake = wake;
    }

    /** The owner published a change: wakes the shard if it waits for one. */
    public void changed() {
        if (armed) {
            armed = false;
            wake.run();
        }
    }

    /** Shard side; true when it was not armed before (the caller then checks for a change it may have missed). */
    boolean arm() {
        if (armed) {
            return false;
        }
        armed = true;
        return true;
    }

    /** Shard side, with nothing left waiting: later changes need not wake it. */
    void disarm() {
        if (armed) {
            armed = false;
        }
    }
}
