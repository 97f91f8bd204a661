package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.forward.Port;
import org.actorvs.ha.VrrpActor;
import org.actorvs.ha.VrrpConfig;
import org.actorvs.io.MemoryPacketIo;
import org.actorvs.io.NeighbourTable;
import org.actorvs.packet.InetAddresses;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** GET /api/vrrp of a live director (in-memory ports) running a VRRP instance. */
@Timeout(60)
class AdminVrrpTest {
    @Test
    void vrrpShowsTheInstancesStatus() throws Exception {
        DirectorConfig config = DirectorConfigLoader.load(AdminFixture.CONFIG);
        List<Port> ports = config.ports(name -> {
            throw new IllegalArgumentException(name);
        });
        // adverts every 255 s: the instance stays Backup (where Startup put it) for the whole test
        VrrpConfig vrrp = VrrpConfig.keepalivedDefaults(51, (int) ports.get(0).ipv4(),
                InetAddresses.parseIpv4("10.99.0.100")).withVersion(2, 255 * 100);
        NeighbourTable neighbours = new NeighbourTable(ports, NeighbourTable.Params.kernelDefaults());
        try (MemoryPacketIo io = new MemoryPacketIo(ports);
                Director director = Director.live(Main.setup(config, ports, i -> neighbours), io,
                        new Director.LinkLayer(neighbours, List.of(), new Director.Vrrp(vrrp, 0)))) {
            // The instance waits in Initialize until the director joins it (Main does once services
            // are applied); the status asked after the join is answered after it.
            director.joinVrrp();
            VrrpActor.Status status = AskPattern.<VrrpActor.Command, VrrpActor.Status>ask(director.vrrpActor()
                    .orElseThrow(), VrrpActor.GetStatus::new, java.time.Duration.ofSeconds(5),
                    director.system().scheduler()).toCompletableFuture().join();
            AdminApi.Response r = new AdminApi(director).handle("GET", "/api/vrrp", Map.of(), new byte[0]);
            assertEquals(200, r.status());
            JsonNode json = new ObjectMapper().readTree(new String(r.body(), StandardCharsets.UTF_8));
            assertEquals(51, json.get("vrid").asInt());
            assertEquals(VrrpConfig.DEFAULT_PRIORITY, json.get("priority").asInt());
            assertEquals("backup", json.get("role").asText());
            assertEquals(VrrpActor.Role.BACKUP, status.role());
            assertEquals(1, json.get("transitions").asLong());
            assertEquals(0, json.get("advertsSent").asLong());
            assertEquals(0, json.get("received").get("ok").asLong());
            assertTrue(json.get("received").has("ttl_not_255"));
        }
    }
}
