package org.actorvs.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.actorvs.sync.BulkTransfer.Failure;
import org.actorvs.sync.BulkTransfer.Refused;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bulk transfer protocol over loopback TCP: a real server and client, or one side played by hand. */
class BulkTransferTest {
    private static final byte[] KEY = "sixteen-byte-key-for-tests".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_KEY = "another-key-of-enough-length".getBytes(StandardCharsets.UTF_8);
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** Two messages, 255 + 2 entries: the table the servers here hold. */
    private static final List<byte[]> TABLE = table();

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<byte[]> applied = new ArrayList<>();
    private final BulkClient.Applier collect = (messages, deadline) -> applied.addAll(messages);

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static List<byte[]> table() {
        SyncMessageEncoder encoder = new SyncMessageEncoder(1, 0, TableSnapshot.MESSAGE_LENGTH);
        List<byte[]> out = new ArrayList<>();
        for (int port = 1000; port < 1257; port++) {
            if (!encoder.append(Messages.tcp(port))) {
                out.add(TableSnapshot.take(encoder));
                encoder.append(Messages.tcp(port));
            }
        }
        out.add(TableSnapshot.take(encoder));
        return out;
    }

    private BulkServer server(byte[] key) throws IOException {
        BulkServer s = new BulkServer(new BulkConfig(Optional.of(ANY_LOOPBACK), List.of(), key, BOUND, false),
                () -> CompletableFuture.completedFuture(TABLE));
        open.add(s);
        return s;
    }

    private BulkResult pull(byte[] key, InetSocketAddress... peers) {
        return new BulkClient(key, 1_000_000).pull(List.of(peers), BOUND, collect);
    }

    private FakeBulkPeer fake(FakeBulkPeer.Script script) throws IOException {
        FakeBulkPeer f = new FakeBulkPeer(script);
        open.add(f);
        return f;
    }

    /** A loopback port nobody listens on (bound once, then released). */
    private static InetSocketAddress closedPort() throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open().bind(ANY_LOOPBACK)) {
            return (InetSocketAddress) probe.getLocalAddress();
        }
    }

    private static Failure failureOf(BulkResult r) {
        assertEquals(1, r.failures().size(), r.failures().toString());
        for (Failure f : Failure.values()) {
            if (r.failures().get(0).contains(": " + f + ": ")) {
                return f;
            }
        }
        throw new AssertionError("no failure named in " + r.failures());
    }

    @Test
    void theRightKeyGetsTheWholeTableMessageForMessage() throws IOException {
        BulkServer s = server(KEY);
        BulkResult r = pull(KEY, s.address());
        assertEquals(BulkResult.Outcome.SYNCED, r.outcome(), r.failures().toString());
        assertEquals(257, r.entries());
        assertEquals(2, r.messages());
        assertEquals(TABLE.size(), applied.size());
        for (int i = 0; i < TABLE.size(); i++) {
            assertArrayEquals(TABLE.get(i), applied.get(i));
        }
        assertEquals(1, s.served());
    }

    @Test
    void withoutKeysOnBothSidesLoopbackIsServed() throws IOException {
        BulkServer s = server(null);
        assertEquals(BulkResult.Outcome.SYNCED, pull(null, s.address()).outcome());
        assertEquals(257, applied.stream().mapToInt(m -> m[V1HeaderFlyweight.COUNT_OFFSET] & 0xFF).sum());
    }

    @Test
    void aWrongKeyIsRefusedByTheServer() throws IOException {
        BulkServer s = server(KEY);
        BulkResult r = pull(OTHER_KEY, s.address());
        assertEquals(BulkResult.Outcome.FAILED, r.outcome());
        assertEquals(Failure.CLOSED, failureOf(r));
        assertEquals(1, s.failures(Failure.AUTH_FAILED));
        assertEquals(0, s.served());
        assertTrue(applied.isEmpty());
    }

    @Test
    void aServerProvingAnotherKeyIsRefusedByTheClient() throws Exception {
        FakeBulkPeer f = fake(c -> {
            byte[] nonce = new byte[BulkTransfer.NONCE_LENGTH];
            FakeBulkPeer.send(c, BulkTransfer.HELLO, FakeBulkPeer.hello(true, nonce));
            byte[] auth = FakeBulkPeer.receive(c, BulkTransfer.AUTH);
            FakeBulkPeer.send(c, BulkTransfer.ACCEPT, BulkTransfer.mac(OTHER_KEY, FakeBulkPeer.clientNonce(auth), nonce));
            assertTrue(FakeBulkPeer.closedByPeer(c));
        });
        BulkResult r = pull(KEY, f.address());
        assertEquals(Failure.AUTH_FAILED, failureOf(r));
        assertTrue(applied.isEmpty());
        f.join();
    }

    @Test
    void aTableAlteredAfterTheHandshakeIsRefusedByItsMac() throws Exception {
        byte[] altered = TABLE.get(0).clone();
        // another destination port for the first entry: still a valid sync message
        altered[V1HeaderFlyweight.LENGTH + V1EntryFlyweight.DPORT_OFFSET] ^= 1;
        FakeBulkPeer f = fake(c -> {
            byte[] nonce = new byte[BulkTransfer.NONCE_LENGTH];
            FakeBulkPeer.send(c, BulkTransfer.HELLO, FakeBulkPeer.hello(true, nonce));
            byte[] clientNonce = FakeBulkPeer.clientNonce(FakeBulkPeer.receive(c, BulkTransfer.AUTH));
            FakeBulkPeer.send(c, BulkTransfer.ACCEPT, BulkTransfer.mac(KEY, clientNonce, nonce));
            // the mac the real server computed over the table it sent; the client gets another table
            BulkTransfer.Transcript t = new BulkTransfer.Transcript(KEY, nonce, clientNonce);
            t.message(TABLE.get(0));
            byte[] end = FakeBulkPeer.end(255, 1);
            System.arraycopy(t.finish(255, 1), 0, end, BulkTransfer.END_MAC_OFFSET, BulkTransfer.MAC_LENGTH);
            FakeBulkPeer.send(c, BulkTransfer.MESSAGE, altered);
            FakeBulkPeer.send(c, BulkTransfer.END, end);
            assertTrue(FakeBulkPeer.closedByPeer(c));
        });
        BulkResult r = pull(KEY, f.address());
        assertEquals(Failure.AUTH_FAILED, failureOf(r));
        assertTrue(r.failures().get(0).contains("altered"), r.failures().toString());
        assertTrue(applied.isEmpty());
        f.join();
    }

    @Test
    void aClientWithoutAKeyIsRefusedByAKeyedServerAndSaysWhy() throws IOException {
        BulkServer s = server(KEY);
        assertEquals(Failure.KEY_MISMATCH, failureOf(pull(null, s.address())));
        assertTrue(applied.isEmpty());
    }

    @Test
    void aKeyedClientRefusesAnUnkeyedServer() throws IOException {
        BulkServer s = server(null);
        assertEquals(Failure.KEY_MISMATCH, failureOf(pull(KEY, s.address())));
        assertTrue(applied.isEmpty());
    }

    @Test
    void aKeyedServerRefusesAnAuthClaimingNoKey() throws Exception {
        BulkServer s = server(KEY);
        try (SocketChannel c = FakeBulkPeer.connect(s.address())) {
            byte[] hello = FakeBulkPeer.receive(c, BulkTransfer.HELLO);
            FakeBulkPeer.send(c, BulkTransfer.AUTH,
                    FakeBulkPeer.auth(null, FakeBulkPeer.serverNonce(hello), new byte[BulkTransfer.NONCE_LENGTH]));
            assertTrue(FakeBulkPeer.closedByPeer(c));
        }
        assertEquals(1, s.failures(Failure.KEY_MISMATCH));
    }

    @Test
    void aCorruptSyncMessageEndsTheTransferWithNothingApplied() throws Exception {
        byte[] corrupt = TABLE.get(1).clone();
        // the first entry's size now runs past the message end
        corrupt[V1HeaderFlyweight.LENGTH + V1EntryFlyweight.VER_SIZE_OFFSET + 1] = (byte) 0xFF;
        FakeBulkPeer f = fake(c -> {
            FakeBulkPeer.acceptUnkeyed(c);
            FakeBulkPeer.send(c, BulkTransfer.MESSAGE, TABLE.get(0));
            FakeBulkPeer.send(c, BulkTransfer.MESSAGE, corrupt);
            assertTrue(FakeBulkPeer.closedByPeer(c));
        });
        assertEquals(Failure.MALFORMED, failureOf(pull(null, f.address())));
        assertTrue(applied.isEmpty());
        f.join();
    }

    @Test
    void anOversizedFrameEndsTheTransferWithNothingApplied() throws Exception {
        FakeBulkPeer f = fake(c -> {
            FakeBulkPeer.acceptUnkeyed(c);
            FakeBulkPeer.send(c, BulkTransfer.MESSAGE, TABLE.get(0));
            FakeBulkPeer.sendHeader(c, BulkTransfer.MAX_FRAME + 1, BulkTransfer.MESSAGE);
            assertTrue(FakeBulkPeer.closedByPeer(c));
        });
        assertEquals(Failure.OVERSIZED, failureOf(pull(null, f.address())));
        assertTrue(applied.isEmpty());
        f.join();
    }

    @Test
    void anEndDisagreeingWithWhatArrivedIsRefused() throws Exception {
        FakeBulkPeer f = fake(c -> {
            FakeBulkPeer.acceptUnkeyed(c);
            FakeBulkPeer.send(c, BulkTransfer.MESSAGE, TABLE.get(0));
            FakeBulkPeer.send(c, BulkTransfer.END, FakeBulkPeer.end(256, 1));
            assertTrue(FakeBulkPeer.closedByPeer(c));
        });
        assertEquals(Failure.COUNT, failureOf(pull(null, f.address())));
        assertTrue(applied.isEmpty());
        f.join();
    }

    @Test
    void moreEntriesThanTheClientHoldsAreRefused() throws IOException {
        BulkServer s = server(null);
        BulkResult r = new BulkClient(null, 255).pull(List.of(s.address()), BOUND, collect);
        assertEquals(Failure.COUNT, failureOf(r));
        assertTrue(applied.isEmpty());
    }

    @Test
    void theServerCountsAnOversizedOrMisshapenAuthAndServesTheNextClient() throws Exception {
        BulkServer s = server(null);
        try (SocketChannel c = FakeBulkPeer.connect(s.address())) {
            FakeBulkPeer.receive(c, BulkTransfer.HELLO);
            FakeBulkPeer.sendHeader(c, Integer.MAX_VALUE, BulkTransfer.AUTH);
            assertTrue(FakeBulkPeer.closedByPeer(c));
        }
        try (SocketChannel c = FakeBulkPeer.connect(s.address())) {
            FakeBulkPeer.receive(c, BulkTransfer.HELLO);
            FakeBulkPeer.send(c, BulkTransfer.AUTH, new byte[3]);
            assertTrue(FakeBulkPeer.closedByPeer(c));
        }
        assertEquals(1, s.failures(Failure.OVERSIZED));
        assertEquals(1, s.failures(Failure.MALFORMED));
        assertEquals(BulkResult.Outcome.SYNCED, pull(null, s.address()).outcome());
    }

    @Test
    void aClosedPortCountsAsNoPeer() throws IOException {
        InetSocketAddress closed = closedPort();
        BulkResult r = pull(KEY, closed);
        assertEquals(BulkResult.Outcome.NO_PEER, r.outcome());
        assertEquals(Failure.CONNECT, failureOf(r));
        assertNull(r.peer());
    }

    @Test
    void aPeerThatNeverSaysHelloIsGivenUpAtTheBound() throws IOException {
        // bound and listening, never accepting: the kernel completes the handshake, nobody speaks
        try (ServerSocketChannel silent = ServerSocketChannel.open().bind(ANY_LOOPBACK)) {
            Duration bound = Duration.ofMillis(300);
            BulkResult r = new BulkClient(KEY, 1000).pull(List.of((InetSocketAddress) silent.getLocalAddress()), bound,
                    collect);
            assertEquals(BulkResult.Outcome.NO_PEER, r.outcome());
            assertTrue(r.took().compareTo(bound) >= 0, r.took().toString());
            assertTrue(applied.isEmpty());
        }
    }

    @Test
    void theNextPeerIsTriedWhenTheFirstDoesNotAnswer() throws IOException {
        InetSocketAddress closed = closedPort();
        BulkServer s = server(KEY);
        BulkResult r = pull(KEY, closed, s.address());
        assertEquals(BulkResult.Outcome.SYNCED, r.outcome());
        assertEquals(s.address(), r.peer());
        assertEquals(1, r.failures().size());
    }

    @Test
    void aKeyShorterThanSixteenBytesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BulkConfig(Optional.empty(), List.of(ANY_LOOPBACK),
                "short".getBytes(StandardCharsets.UTF_8), BOUND, false));
    }

    @Test
    void noPeersConfiguredIsNotConfigured() {
        assertEquals(BulkResult.Outcome.NOT_CONFIGURED, pull(KEY).outcome());
    }

    @Test
    void theRefusalNamesItsFailure() {
        Refused r = new Refused(Failure.TIMEOUT, "x");
        assertEquals(Failure.TIMEOUT, r.failure());
        assertTrue(r.getMessage().startsWith("TIMEOUT: "));
    }
}
