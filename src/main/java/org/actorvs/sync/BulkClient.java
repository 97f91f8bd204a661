package org.actorvs.sync;

import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.actorvs.sync.BulkTransfer.Failure;
import org.actorvs.sync.BulkTransfer.Link;
import org.actorvs.sync.BulkTransfer.Refused;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pulling side of a {@link BulkTransfer}: connects to a peer, authenticates both ways, and
 * receives its table. Every message is checked with the sync decoder as it arrives, and nothing
 * is handed on before the END frame confirms the count: a transfer that fails anywhere leaves the
 * puller's table as it was. Blocking: run it on a thread of its own.
 */
public final class BulkClient {
    /** Takes a received table (validated v1 messages) and applies it before {@code deadlineNanos}. */
    @FunctionalInterface
    public interface Applier {
        void apply(List<byte[]> messages, long deadlineNanos) throws Exception;
    }

    /** A peer's whole table as it arrived. */
    public record Table(InetSocketAddress peer, List<byte[]> messages, long entries) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(BulkClient.class);
    private static final SyncMessageDecoder.EntryHandler CHECK_ONLY = e -> {
    };

    private final byte[] key;
    private final long maxEntries;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param key        the shared key, or null
     * @param maxEntries the most connections accepted from a peer (what this director's tables hold)
     */
    public BulkClient(byte[] key, long maxEntries) {
        this.key = key == null ? null : key.clone();
        this.maxEntries = maxEntries;
    }

    /**
     * Tries each peer in turn until one gives its whole table, which goes to {@code applier}.
     * Until a peer answers (HELLO), it gets an equal share of what is left of the bound, so one
     * unreachable peer cannot starve the next; the transfer itself may use all that is left.
     */
    public BulkResult pull(List<InetSocketAddress> peers, Duration bound, Applier applier) {
        if (peers.isEmpty()) {
            return BulkResult.notConfigured();
        }
        final long start = System.nanoTime();
        final long deadline = start + bound.toNanos();
        final List<String> failures = new ArrayList<>();
        boolean answered = false;
        for (int i = 0; i < peers.size(); i++) {
            final InetSocketAddress peer = peers.get(i);
            final long now = System.nanoTime();
            final long answerBy = now + Math.max(0, deadline - now) / (peers.size() - i);
            try {
                Table table = pull(peer, answerBy, deadline);
                applier.apply(table.messages(), deadline);
                LOG.info("bulk sync: took {} connections in {} messages from {}", table.entries(),
                        table.messages().size(), peer);
                return new BulkResult(BulkResult.Outcome.SYNCED, peer, table.entries(), table.messages().size(),
                        Duration.ofNanos(System.nanoTime() - start), failures);
            } catch (Refused e) {
                answered |= e.failure() != Failure.CONNECT;
                failures.add(peer + ": " + e.getMessage());
            } catch (Exception e) {
                answered = true;
                failures.add(peer + ": applying the table failed: " + e);
            }
        }
        LOG.warn("bulk sync: no peer gave its table ({}); going on without", failures);
        return new BulkResult(answered ? BulkResult.Outcome.FAILED : BulkResult.Outcome.NO_PEER, null, 0, 0,
                Duration.ofNanos(System.nanoTime() - start), failures);
    }

    /**
     * One transfer from {@code peer}.
     *
     * @param answerBy until when the peer may take to connect and say HELLO
     * @param deadline until when the whole transfer may take
     */
    public Table pull(InetSocketAddress peer, long answerBy, long deadline) throws Refused {
        try (Link link = Link.connect(peer, answerBy)) {
            final byte[] serverNonce = hello(link);
            link.deadline(deadline);
            final byte[] clientNonce = new byte[BulkTransfer.NONCE_LENGTH];
            random.nextBytes(clientNonce);
            final UnsafeBuffer out = link.outgoing();
            final int at = BulkTransfer.HEADER_LENGTH;
            out.putByte(at + BulkTransfer.AUTH_FLAGS_OFFSET, (byte) (key != null ? BulkTransfer.FLAG_KEYED : 0));
            out.putBytes(at + BulkTransfer.AUTH_NONCE_OFFSET, clientNonce);
            out.putBytes(at + BulkTransfer.AUTH_MAC_OFFSET, BulkTransfer.mac(key, serverNonce, clientNonce));
            link.send(BulkTransfer.AUTH, BulkTransfer.AUTH_LENGTH);

            link.expect(BulkTransfer.ACCEPT, BulkTransfer.ACCEPT_LENGTH);
            if (!BulkTransfer.macEquals(BulkTransfer.mac(key, clientNonce, serverNonce), link.payload(),
                    BulkTransfer.ACCEPT_MAC_OFFSET)) {
                throw new Refused(Failure.AUTH_FAILED, "the server's proof does not match our key");
            }
            return receiveTable(link, peer, new BulkTransfer.Transcript(key, serverNonce, clientNonce));
        } catch (java.io.IOException e) {
            // closing the link failed after the transfer: what was received is still whole
            throw new Refused(Failure.IO, e.getMessage());
        }
    }

    /** Reads HELLO; a peer that says nothing by {@code answerBy} counts as not answering. */
    private byte[] hello(Link link) throws Refused {
        try {
            link.expect(BulkTransfer.HELLO, BulkTransfer.HELLO_LENGTH);
        } catch (Refused e) {
            throw e.failure() == Failure.TIMEOUT ? new Refused(Failure.CONNECT, "no HELLO in time") : e;
        }
        final UnsafeBuffer in = link.payload();
        if (in.getInt(BulkTransfer.HELLO_MAGIC_OFFSET, ByteOrder.BIG_ENDIAN) != BulkTransfer.MAGIC
                || in.getByte(BulkTransfer.HELLO_VERSION_OFFSET) != BulkTransfer.VERSION) {
            throw new Refused(Failure.MALFORMED, "not a bulk sync server of version " + BulkTransfer.VERSION);
        }
        final boolean serverKeyed = (in.getByte(BulkTransfer.HELLO_FLAGS_OFFSET) & BulkTransfer.FLAG_KEYED) != 0;
        if (serverKeyed != (key != null)) {
            throw new Refused(Failure.KEY_MISMATCH, key != null ? "the server has no key" : "the server wants a key");
        }
        final byte[] nonce = new byte[BulkTransfer.NONCE_LENGTH];
        in.getBytes(BulkTransfer.HELLO_NONCE_OFFSET, nonce);
        return nonce;
    }

    private Table receiveTable(Link link, InetSocketAddress peer, BulkTransfer.Transcript transcript) throws Refused {
        final SyncMessageDecoder decoder = new SyncMessageDecoder(0);
        final List<byte[]> messages = new ArrayList<>();
        long entries = 0;
        while (true) {
            final int type = link.receive();
            final UnsafeBuffer in = link.payload();
            final int length = link.payloadLength();
            if (type == BulkTransfer.END) {
                if (length != BulkTransfer.END_LENGTH) {
                    throw new Refused(Failure.MALFORMED, "END of " + length + " bytes");
                }
                final long claimed = in.getLong(BulkTransfer.END_ENTRIES_OFFSET, ByteOrder.BIG_ENDIAN);
                final int claimedMessages = in.getInt(BulkTransfer.END_MESSAGES_OFFSET, ByteOrder.BIG_ENDIAN);
                if (claimed != entries || claimedMessages != messages.size()) {
                    throw new Refused(Failure.COUNT, "END says " + claimed + " entries in " + claimedMessages
                            + " messages, " + entries + " in " + messages.size() + " arrived");
                }
                if (!BulkTransfer.macEquals(transcript.finish(entries, messages.size()), in,
                        BulkTransfer.END_MAC_OFFSET)) {
                    throw new Refused(Failure.AUTH_FAILED, "the table's mac does not match: altered on the way");
                }
                return new Table(peer, messages, entries);
            }
            if (type != BulkTransfer.MESSAGE) {
                throw new Refused(Failure.MALFORMED, "unexpected frame type " + type);
            }
            final int status = decoder.decode(in, 0, length, CHECK_ONLY);
            if (status != SyncStatus.OK.code() || decoder.version() != 1) {
                throw new Refused(Failure.MALFORMED, "message " + messages.size() + ": "
                        + (status != SyncStatus.OK.code() ? SyncStatus.of(status).description() : "not version 1"));
            }
            entries += decoder.count();
            if (entries > maxEntries) {
                throw new Refused(Failure.COUNT, "more than " + maxEntries + " entries");
            }
            final byte[] message = new byte[length];
            in.getBytes(0, message);
            transcript.message(message);
            messages.add(message);
        }
    }

    /**
     * Splits received messages by the shard that owns each entry's client, as the sync backup
     * does: one list of v1 messages per shard.
     */
    public static List<List<byte[]>> byShard(List<byte[]> messages, int shards, EntryRouter.Owner owner) {
        final List<List<byte[]>> out = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            out.add(new ArrayList<>());
        }
        final EntryRouter router = new EntryRouter(shards, owner, (shard, message) -> out.get(shard).add(message));
        final SyncMessageDecoder decoder = new SyncMessageDecoder(0);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        for (byte[] m : messages) {
            view.wrap(m);
            decoder.decode(view, 0, m.length, router::route);
        }
        router.flush();
        return out;
    }
}
