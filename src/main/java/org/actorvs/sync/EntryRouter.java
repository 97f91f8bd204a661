package org.actorvs.sync;

/**
 * Re-encodes decoded sync entries into one v1 message per owning shard: a backup's shards each
 * apply only their own clients' connections, whatever shard layout the sender had. Used by the
 * sync backup (per datagram) and the bulk transfer (per table). Single-threaded; allocates only
 * the messages it hands out.
 */
public final class EntryRouter {
    /** The shard that owns a client address. */
    @FunctionalInterface
    public interface Owner {
        int shardOf(long caddrHi, long caddrLo);
    }

    /** Receives a finished message for {@code shard}; the array is the receiver's. */
    @FunctionalInterface
    public interface Out {
        void message(int shard, byte[] message);
    }

    private final SyncMessageEncoder[] perShard;
    private final Owner owner;
    private final Out out;
    private long routed;

    public EntryRouter(int shards, Owner owner, Out out) {
        this.perShard = new SyncMessageEncoder[shards];
        for (int i = 0; i < shards; i++) {
            // v0 entries grow in v1, so a shard's message may need a whole datagram's worth
            perShard[i] = new SyncMessageEncoder(1, 0, SyncLimits.MAX_DATAGRAM);
        }
        this.owner = owner;
        this.out = out;
    }

    public void route(SyncEntry entry) {
        final int shard = owner.shardOf(entry.caddrHi(), entry.caddrLo());
        if (!perShard[shard].append(entry)) {
            handOver(shard);
            perShard[shard].append(entry);
        }
        routed++;
    }

    /** Hands out every partly filled message. */
    public void flush() {
        for (int i = 0; i < perShard.length; i++) {
            handOver(i);
        }
    }

    private void handOver(int shard) {
        if (!perShard[shard].isEmpty()) {
            out.message(shard, TableSnapshot.take(perShard[shard]));
        }
    }

    /** Entries routed so far. */
    public long routed() {
        return routed;
    }
}
