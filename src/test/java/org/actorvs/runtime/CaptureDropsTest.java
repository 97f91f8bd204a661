package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.forward.Port;
import org.actorvs.io.MemoryPacketIo;
import org.actorvs.metrics.DirectorMetrics;
import org.actorvs.metrics.MetricsRegistry;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameBuilder;
import org.actorvs.packet.InetAddresses;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.MacAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A live director (in-memory ports) with one shard stuck inside its injector: the capture thread runs
 * out of batches and drops what comes next, and the drops are exported per port, in the metrics while
 * the shard is still stuck and in {@code /api/stats}.
 */
@Timeout(60)
class CaptureDropsTest {
    private static final int CLIENT = InetAddresses.parseIpv4("10.99.0.77");
    private static final int VIP = InetAddresses.parseIpv4("10.99.0.10");
    private static final long CLIENT_MAC = MacAddress.parse("02:00:00:00:00:77");
    /** Two frames this long never share a batch: each takes one of its own. */
    private static final int HALF_BATCH = Director.BATCH_BYTES / 2 + 1024;
    /** Frames sent after the last free batch was taken. */
    private static final int BEYOND = 7;
    private static final long WAIT_SECONDS = 20;

    @Test
    void framesDroppedForAFullQueueAreExportedPerPort() throws Exception {
        DirectorConfig config = DirectorConfigLoader.load(AdminFixture.CONFIG);
        List<Port> ports = config.ports(name -> {
            throw new IllegalArgumentException(name);
        });
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MetricsRegistry registry = new MetricsRegistry();
        try (MemoryPacketIo io = new MemoryPacketIo(ports);
                Director director = Main.start(config, ports, io);
                DirectorMetrics metrics = DirectorMetrics.register(director, "capture", registry)) {
            // the shard that forwards the first IP frame stays in its injector until released
            io.onInjected(0, (port, buffer, offset, length) -> {
                if (EthernetFlyweight.etherType(buffer, offset) == EthernetFlyweight.ETHER_TYPE_IPV4
                        && stuck.getCount() > 0) {
                    stuck.countDown();
                    try {
                        release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            try {
                dropsWhileAShardIsStuck(config, director, io, registry, stuck, release);
            } finally {
                release.countDown();
            }
        }
    }

    private static void dropsWhileAShardIsStuck(DirectorConfig config, Director director, MemoryPacketIo io,
            MetricsRegistry registry, CountDownLatch stuck, CountDownLatch release) throws Exception {
        List<Port> ports = io.ports();
        byte[] syn = syn(ports.get(0).mac());
        assertTrue(io.deliver(0, syn));
        await(stuck);
        // its batch stays with the stuck shard; a frame larger than any batch takes none for good
        io.deliver(0, copy(syn, Director.BATCH_BYTES + 8));
        int fitting = Director.BATCHES_PER_PORT - 1;
        for (int i = 0; i < fitting + BEYOND; i++) {
            io.deliver(0, copy(syn, HALF_BATCH));
        }
        long frames = 2L + fitting + BEYOND;
        awaitFrames(director, frames);

        CaptureStats capture = director.captureStats().get(0);
        assertEquals(new CaptureStats("eth0", frames, 0, 0, 0, BEYOND, 1), capture);
        String text = registry.scrapeText();
        String dropped = "actorvs_capture_frames_dropped_total{port=\"eth0\",reason=";
        assertEquals(BEYOND, value(text, dropped + "\"back_pressure\"}"));
        assertEquals(1, value(text, dropped + "\"oversize\"}"));
        assertEquals(frames, value(text, "actorvs_capture_frames_received_total{port=\"eth0\"}"));
        int shard = FrameDispatcher.shardOf(0, CLIENT & 0xFFFF_FFFFL, config.shards());
        assertEquals(0, value(text, "actorvs_shard_up{shard=\"" + shard + "\"}"), "the stuck shard did not answer");
        everyCaptureMetricTheDashboardQueriesIsIn(text);

        release.countDown();
        AdminApi.Response stats = new AdminApi(director).handle("GET", "/api/stats", Map.of(), new byte[0]);
        assertEquals(200, stats.status());
        JsonNode json = new ObjectMapper().readTree(new String(stats.body(), StandardCharsets.UTF_8));
        JsonNode eth0 = json.get("captures").get(0);
        assertEquals("eth0", eth0.get("port").asText());
        assertEquals(frames, eth0.get("frames").asLong());
        assertEquals(BEYOND, eth0.get("dropped").get("back_pressure").asLong());
        assertEquals(1, eth0.get("dropped").get("oversize").asLong());
    }

    /** The metrics this test's director exposes are all a live director exposes on its capture side. */
    private static void everyCaptureMetricTheDashboardQueriesIsIn(String text) throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("deploy/grafana/actorvs-dashboard.json").toFile());
        Matcher names = Pattern.compile("\\bactorvs_capture_[a-z_]+").matcher("");
        int queried = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.reset(target.get("expr").asText());
                while (names.find()) {
                    queried++;
                    assertTrue(text.contains("\n" + names.group() + "{"), "the dashboard queries " + names.group()
                            + ", which the director does not expose");
                }
            }
        }
        assertTrue(queried > 0, "the dashboard plots the capture threads' figures");
    }

    private static byte[] syn(long directorMac) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[128]);
        int length = new FrameBuilder().ethernet(directorMac, CLIENT_MAC).ipv4(CLIENT, VIP, IpProtocol.TCP, 64, 1, true)
                .tcp(40000, 80, 1, 0, 0x02, 65535).build(b, 0);
        byte[] frame = new byte[length];
        b.getBytes(0, frame);
        return frame;
    }

    /** The SYN's headers at the start of a longer frame: the dispatcher sends it to the SYN's shard. */
    private static byte[] copy(byte[] frame, int length) {
        byte[] longer = new byte[length];
        System.arraycopy(frame, 0, longer, 0, frame.length);
        return longer;
    }

    private static void awaitFrames(Director director, long frames) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (director.captureStats().get(0).frames() < frames && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(frames, director.captureStats().get(0).frames(), "the capture thread read every frame");
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    /** The value of one series of the text format. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
