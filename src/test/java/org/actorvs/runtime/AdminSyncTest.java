package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.NetworkInterface;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.actorvs.io.MemoryPacketIo;
import org.actorvs.sync.SyncDaemon;
import org.actorvs.sync.SyncLimits;
import org.actorvs.sync.SyncSender;
import org.actorvs.sync.SyncSettings;
import org.actorvs.sync.SyncStatus;
import org.actorvs.sync.V1HeaderFlyweight;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The sync daemons through the admin API and actorvsadm, against a real (offline) director. */
@Timeout(60)
class AdminSyncTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A master that sends into nothing: the test director forwards no traffic anyway. */
    private static final SyncSender NOWHERE = new SyncSender() {
        @Override
        public boolean send(byte[] message, long nowNanos) {
            return true;
        }

        @Override
        public void close() {
        }
    };
    private static AdminFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new AdminFixture(Optional.empty(), MemoryPacketIo::new);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @AfterEach
    void stopDaemons() {
        fx.director.sync(SyncActor.StopMaster::new);
        fx.director.sync(SyncActor.StopBackup::new);
    }

    private static void startMaster(SyncDaemon d) {
        assertTrue(fx.director.sync(r -> new SyncActor.StartMaster(d, SyncSettings.kernelDefaults(), NOWHERE, r)).ok());
    }

    @Test
    void listDaemonPrintsWhatTheKernelsIpvsadmPrinted() throws Exception {
        startMaster(SyncDaemon.defaults("eth0", 7));
        AdminFixture.Run r = fx.cli("-L", "--daemon");
        assertEquals(0, r.status(), r.err());
        assertEquals(AdminFixture.section(AdminFixture.MASTER_CONFIG, "$ ipvsadm -L --daemon"), r.out());
    }

    @Test
    void stopDaemonStopsTheMasterAndAStoppedOneIsRefused() {
        startMaster(SyncDaemon.defaults("eth0", 7));
        AdminFixture.Run stop = fx.cli("--stop-daemon", "master");
        assertEquals(0, stop.status(), stop.err());
        assertEquals("", fx.cli("-L", "--daemon").out());
        AdminFixture.Run again = fx.cli("--stop-daemon", "master");
        assertEquals(1, again.status());
        assertEquals("no master sync daemon is running\n", again.err());
    }

    @Test
    void startDaemonOverTheCliRunsABackupWithTheGivenOptions() throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20_000, 60_000);
        AdminFixture.Run start = fx.cli("--start-daemon", "backup", "--mcast-interface", "lo", "--syncid", "9",
                "--mcast-port", Integer.toString(port), "--mcast-ttl", "2", "--mcast-group", "239.1.2.3");
        assertEquals(0, start.status(), start.err());
        int maxlen = SyncLimits.backupMaxLength(0, NetworkInterface.getByName("lo").getMTU(), false);
        assertEquals("backup sync daemon (mcast=lo, syncid=9, maxlen=" + maxlen + ", group=239.1.2.3, port=" + port
                + ", ttl=2)\n", fx.cli("-L", "--daemon").out());
        JsonNode daemon = JSON.readTree(fx.request("GET", "/api/sync", null).body()).get("daemons").get(0);
        assertEquals("backup", daemon.get("role").asText());
        assertEquals("lo", daemon.get("interface").asText());
        assertEquals(9, daemon.get("syncid").asInt());
        assertTrue(fx.director.syncStats().backup());
        assertEquals(200, fx.request("POST", "/api/sync/stop", "{\"role\":\"backup\"}").statusCode());
        assertTrue(!fx.director.syncStats().backup());
    }

    @Test
    void startsTheKernelWouldRefuseAreRefusedWithJsonErrors() throws Exception {
        assertError(400, "role: 'primary'", "{\"role\":\"primary\",\"interface\":\"eth0\",\"syncid\":1}");
        assertError(400, "interface and syncid are required", "{\"role\":\"master\",\"syncid\":1}");
        assertError(400, "is not a multicast address", "{\"role\":\"master\",\"interface\":\"eth0\",\"syncid\":1,"
                + "\"group\":\"10.0.0.1\"}");
        assertError(400, "syncid must be 0..255", "{\"role\":\"backup\",\"interface\":\"eth0\",\"syncid\":256}");
        assertError(500, "avtnone0", "{\"role\":\"master\",\"interface\":\"avtnone0\",\"syncid\":1}");
        startMaster(SyncDaemon.defaults("eth0", 7));
        assertError(409, "master sync daemon is already running", "{\"role\":\"master\",\"interface\":\"eth0\","
                + "\"syncid\":1}");
        HttpResponse<String> stop = fx.request("POST", "/api/sync/stop", "{\"role\":\"backup\"}");
        assertEquals(404, stop.statusCode());
        assertEquals("{\"error\":\"no backup sync daemon is running\"}", stop.body());
        assertEquals(405, fx.request("GET", "/api/sync/start", null).statusCode());
    }

    private static void assertError(int status, String part, String body) throws Exception {
        HttpResponse<String> r = fx.request("POST", "/api/sync/start", body);
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(JSON.readTree(r.body()).get("error").asText().contains(part), r.body());
    }

    @Test
    void syncShowsTheSyncActorsFigures() throws Exception {
        SyncActor.Stats before = fx.director.syncStats();
        assertTrue(fx.director.sync(r -> new SyncActor.StartBackup(SyncDaemon.defaults("eth0", 7), null, false, r))
                .ok());
        byte[] otherSyncId = new byte[V1HeaderFlyweight.LENGTH];
        otherSyncId[V1HeaderFlyweight.SYNC_ID_OFFSET] = 8;
        otherSyncId[V1HeaderFlyweight.SIZE_OFFSET + 1] = V1HeaderFlyweight.LENGTH;
        otherSyncId[V1HeaderFlyweight.VERSION_OFFSET] = V1HeaderFlyweight.VERSION;
        fx.director.sync().tell(new SyncActor.Datagram(otherSyncId, 0));
        fx.director.sync().tell(new SyncActor.Datagram(new byte[2], 0));
        JsonNode sync = JSON.readTree(fx.request("GET", "/api/sync", null).body());
        SyncActor.Stats after = fx.director.syncStats();
        assertEquals(2, after.datagramsReceived() - before.datagramsReceived());
        assertEquals(after.datagramsReceived(), sync.get("datagramsReceived").asLong());
        assertEquals(before.rejected()[SyncStatus.SYNC_ID_IGNORED.code()] + 1, sync.get("filtered").asLong());
        assertEquals(before.rejected()[SyncStatus.TOO_SHORT.code()] + 1, sync.get("rejected").get("too_short").asLong());
        assertEquals(after.messagesSent(), sync.get("messagesSent").asLong());
        assertEquals(after.bytesSent(), sync.get("bytesSent").asLong());
        assertEquals(1, sync.get("daemons").size());
    }

    @Test
    void vrrpWithoutAnInstanceIsNotFound() throws Exception {
        HttpResponse<String> r = fx.request("GET", "/api/vrrp", null);
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("no VRRP instance"), r.body());
    }
}
