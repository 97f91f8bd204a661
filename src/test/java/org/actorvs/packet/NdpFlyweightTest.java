package org.actorvs.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class NdpFlyweightTest {
    private static final long TARGET_HI = 0xFD00_0078_0000_0000L;
    private static final long TARGET_LO = 0x0000_0000_00AB_CD21L;
    private static final long MAC = MacAddress.parse("02:00:00:00:00:21");

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
    private final NdpFlyweight ndp = new NdpFlyweight().wrap(buffer, 0);

    @Test
    void solicitationRoundTripsItsTargetAndSourceLinkLayerOption() {
        ndp.message(IcmpFlyweight.V6_NEIGHBOR_SOLICITATION, 0, TARGET_HI, TARGET_LO)
                .linkLayerOption(NdpFlyweight.OPTION_SOURCE_LINK_LAYER, MAC);
        assertEquals(IcmpFlyweight.V6_NEIGHBOR_SOLICITATION, ndp.type());
        assertEquals(0, ndp.code());
        assertEquals(TARGET_HI, ndp.targetHi());
        assertEquals(TARGET_LO, ndp.targetLo());
        assertEquals(MAC, NdpFlyweight.linkLayerAddress(buffer, 0, 32, NdpFlyweight.OPTION_SOURCE_LINK_LAYER));
        assertEquals(NdpFlyweight.NO_ADDRESS,
                NdpFlyweight.linkLayerAddress(buffer, 0, 32, NdpFlyweight.OPTION_TARGET_LINK_LAYER));
    }

    @Test
    void advertisementFlagsReadBackOneByOne() {
        ndp.message(IcmpFlyweight.V6_NEIGHBOR_ADVERTISEMENT, NdpFlyweight.FLAG_SOLICITED | NdpFlyweight.FLAG_OVERRIDE,
                TARGET_HI, TARGET_LO);
        assertFalse(ndp.router());
        assertTrue(ndp.solicited());
        assertTrue(ndp.override());
        assertEquals(0x60, buffer.getByte(NdpFlyweight.FLAGS_OFFSET) & 0xFF, "S and O are the 2nd and 3rd bits");
    }

    @Test
    void messageWithoutOptionsHasNoAddress() {
        ndp.message(IcmpFlyweight.V6_NEIGHBOR_SOLICITATION, 0, TARGET_HI, TARGET_LO);
        assertEquals(NdpFlyweight.NO_ADDRESS,
                NdpFlyweight.linkLayerAddress(buffer, 0, 24, NdpFlyweight.OPTION_SOURCE_LINK_LAYER));
    }

    @Test
    void optionOfLengthZeroIsMalformed() {
        ndp.message(IcmpFlyweight.V6_NEIGHBOR_SOLICITATION, 0, TARGET_HI, TARGET_LO)
                .linkLayerOption(NdpFlyweight.OPTION_SOURCE_LINK_LAYER, MAC);
        buffer.putByte(NdpFlyweight.OPTIONS_OFFSET + NdpFlyweight.OPTION_LENGTH_OFFSET, (byte) 0);
        assertEquals(NdpFlyweight.MALFORMED_OPTIONS,
                NdpFlyweight.linkLayerAddress(buffer, 0, 32, NdpFlyweight.OPTION_SOURCE_LINK_LAYER));
    }

    @Test
    void optionRunningPastTheMessageIsMalformed() {
        ndp.message(IcmpFlyweight.V6_NEIGHBOR_SOLICITATION, 0, TARGET_HI, TARGET_LO)
                .linkLayerOption(NdpFlyweight.OPTION_SOURCE_LINK_LAYER, MAC);
        assertEquals(NdpFlyweight.MALFORMED_OPTIONS,
                NdpFlyweight.linkLayerAddress(buffer, 0, 30, NdpFlyweight.OPTION_SOURCE_LINK_LAYER));
        assertEquals(NdpFlyweight.MALFORMED_OPTIONS,
                NdpFlyweight.linkLayerAddress(buffer, 0, 33, NdpFlyweight.OPTION_SOURCE_LINK_LAYER), "a stray byte");
    }

    @Test
    void addressOptionOfTwoUnitsHasABadLength() {
        ndp.message(IcmpFlyweight.V6_NEIGHBOR_ADVERTISEMENT, 0, TARGET_HI, TARGET_LO)
                .linkLayerOption(NdpFlyweight.OPTION_TARGET_LINK_LAYER, MAC);
        buffer.putByte(NdpFlyweight.OPTIONS_OFFSET + NdpFlyweight.OPTION_LENGTH_OFFSET, (byte) 2);
        assertEquals(NdpFlyweight.BAD_ADDRESS_LENGTH,
                NdpFlyweight.linkLayerAddress(buffer, 0, 40, NdpFlyweight.OPTION_TARGET_LINK_LAYER));
    }

    @Test
    void unknownOptionsAreSkippedAndTheFirstAddressOptionCounts() {
        ndp.message(IcmpFlyweight.V6_NEIGHBOR_SOLICITATION, 0, TARGET_HI, TARGET_LO);
        buffer.putByte(24, (byte) 14); // a nonce option, one unit
        buffer.putByte(25, (byte) 1);
        ndp.wrap(buffer, 8).linkLayerOption(NdpFlyweight.OPTION_SOURCE_LINK_LAYER, MAC);
        ndp.wrap(buffer, 16).linkLayerOption(NdpFlyweight.OPTION_SOURCE_LINK_LAYER, MAC + 1);
        assertEquals(MAC, NdpFlyweight.linkLayerAddress(buffer, 0, 48, NdpFlyweight.OPTION_SOURCE_LINK_LAYER));
    }

    @Test
    void solicitedNodeAddressKeepsTheLow24BitsAndMapsToA3333Mac() {
        final long lo = NdpFlyweight.solicitedNodeLo(TARGET_LO);
        assertEquals("ff02::1:ffab:cd21", InetAddresses.formatIpv6(NdpFlyweight.SOLICITED_NODE_HI, lo));
        assertEquals("33:33:ff:ab:cd:21", MacAddress.format(NdpFlyweight.multicastMac(lo)));
        assertTrue(NdpFlyweight.isSolicitedNode(NdpFlyweight.SOLICITED_NODE_HI, lo));
        assertFalse(NdpFlyweight.isSolicitedNode(NdpFlyweight.ALL_NODES_HI, NdpFlyweight.ALL_NODES_LO));
        assertEquals("33:33:00:00:00:01", MacAddress.format(NdpFlyweight.multicastMac(NdpFlyweight.ALL_NODES_LO)));
    }
}
