package org.actorvs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.actorvs.forward.Port;
import org.actorvs.packet.ArpFlyweight;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.FrameBuilder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GratuitousArpTest {
    static final Port LAN = NeighbourTableTest.LAN;
    static final int VIP = ArpResponderTest.VIP;

    @Test
    void announcementIsKeepalivedsBroadcastRequestWithAllOnesTargetMac() {
        final UnsafeBuffer built = new UnsafeBuffer(new byte[64]);
        final int expectedLength = new FrameBuilder().ethernet(EthernetFlyweight.BROADCAST_MAC, LAN.mac())
                .arp(ArpFlyweight.OP_REQUEST, LAN.mac(), VIP, EthernetFlyweight.BROADCAST_MAC, VIP).build(built, 0);
        final UnsafeBuffer written = new UnsafeBuffer(new byte[64]);
        final int length = new GratuitousArp().write(written, 0, LAN, VIP);
        assertEquals(expectedLength, length);
        assertEquals(0, written.compareTo(built));
    }

    @Test
    void announceSendsTheRequestedNumberOfCopiesOnThePort() {
        final SentFrames out = new SentFrames();
        new GratuitousArp().announce(LAN, VIP, GratuitousArp.KEEPALIVED_REPEAT, out);
        assertEquals(5, out.size());
        final List<SentFrames.Sent> all = out.all();
        for (SentFrames.Sent s : all) {
            assertEquals(LAN.index(), s.port());
            assertEquals(0, s.frame().compareTo(all.get(0).frame()));
        }
    }

    @Test
    void tsharkDecodesTheAnnouncementAsGratuitous(@TempDir Path dir) throws Exception {
        final UnsafeBuffer written = new UnsafeBuffer(new byte[64]);
        final int length = new GratuitousArp().write(written, 0, LAN, VIP);
        final Path file = dir.resolve("garp.pcap");
        try (PcapFileWriter writer = new PcapFileWriter(file)) {
            writer.write(0, written, 0, length);
        }
        final String fields = Tshark.fields(file, "arp.isgratuitous", "arp.src.proto_ipv4", "eth.dst");
        assertEquals("1\t10.0.0.100\tff:ff:ff:ff:ff:ff", fields.strip());
    }
}
