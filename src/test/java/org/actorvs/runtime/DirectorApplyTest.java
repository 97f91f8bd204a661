package org.actorvs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.actorvs.admin.IpvsadmRules;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.forward.Port;
import org.actorvs.io.MemoryPacketIo;
import org.actorvs.service.Destination;
import org.actorvs.service.RuleSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Director.apply returns only once every shard holds the table it applied. */
@Timeout(60)
class DirectorApplyTest {
    private static final Duration DRAIN = Duration.ofSeconds(30);

    @Test
    void everyShardHoldsTheAppliedRealServersWhenApplyReturns() throws Exception {
        DirectorConfig config = DirectorConfigLoader.load(AdminFixture.CONFIG);
        List<Port> ports = config.ports(name -> {
            throw new IllegalArgumentException(name);
        });
        try (Director director = Director.offline(Main.setup(config, ports, i -> config.staticNeighbours()),
                new MemoryPacketIo(ports))) {
            String web = "-A -t 10.99.0.50:80 -s rr\n-a -t 10.99.0.50:80 -r 10.99.0.21:80 -m\n";
            director.apply(rules(web), DRAIN);
            assertEveryShardHolds(director, 1);
            director.apply(rules(web + "-a -t 10.99.0.50:80 -r 10.99.0.22:80 -m\n"), DRAIN);
            assertEveryShardHolds(director, 2);
        }
    }

    /** A shard's traffic lists every real server (the object) of every table it was given. */
    private static void assertEveryShardHolds(Director director, int servers) {
        Set<Destination> applied = Collections.newSetFromMap(new IdentityHashMap<>());
        director.services().values().forEach(s -> applied.addAll(s.destinations()));
        assertEquals(servers, applied.size());
        for (CompletableFuture<ShardMetrics> shard : director.metrics(Duration.ofSeconds(10))) {
            Set<Destination> given = Collections.newSetFromMap(new IdentityHashMap<>());
            shard.join().traffic().forEach(t -> given.add(t.destination()));
            assertTrue(given.containsAll(applied), "shard " + shard.join().stats().shard());
        }
    }

    private static RuleSet rules(String text) throws Exception {
        return IpvsadmRules.restore(RuleSet.EMPTY, new StringReader(text));
    }
}
