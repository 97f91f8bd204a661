package org.actorvs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.actorvs.forward.Port;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnsolicitedAdvertisementTest {
    static final Port LAN = NdpResponderTest.LAN;

    @Test
    void announceSendsTheRequestedNumberOfCopiesOnThePort() {
        final SentFrames out = new SentFrames();
        new UnsolicitedAdvertisement().announce(LAN, NdpResponderTest.PREFIX, NdpResponderTest.VIP,
                GratuitousArp.KEEPALIVED_REPEAT, out);
        assertEquals(GratuitousArp.KEEPALIVED_REPEAT, out.size());
        for (SentFrames.Sent s : out.all()) {
            assertEquals(LAN.index(), s.port());
            assertEquals(0, s.frame().compareTo(out.all().get(0).frame()));
        }
    }

    @Test
    void tsharkDecodesAnOverridingUnsolicitedAdvertisementToAllNodes(@TempDir Path dir) throws Exception {
        final UnsafeBuffer written = new UnsafeBuffer(new byte[NdpFrames.MAX_LENGTH]);
        final int length = new UnsolicitedAdvertisement().write(written, 0, LAN, NdpResponderTest.PREFIX,
                NdpResponderTest.VIP);
        final Path file = dir.resolve("una.pcap");
        try (PcapFileWriter writer = new PcapFileWriter(file)) {
            writer.write(0, written, 0, length);
        }
        final String fields = Tshark.fields(file, "eth.dst", "ipv6.src", "ipv6.dst", "ipv6.hlim", "icmpv6.type",
                "icmpv6.checksum.status", "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o", "icmpv6.nd.na.target_address",
                "icmpv6.opt.linkaddr");
        assertEquals("33:33:00:00:00:01\tfd00:77::100\tff02::1\t255\t136\t1\t0\t1\tfd00:77::100\t02:00:00:00:00:01",
                fields.strip());
    }
}
