package org.actorvs.io;

import java.io.IOException;
import java.net.NetworkInterface;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.actorvs.forward.Port;
import org.actorvs.packet.EthernetFlyweight;
import org.actorvs.packet.IpProtocol;
import org.actorvs.packet.Ipv4Flyweight;
import org.actorvs.packet.MacAddress;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A user-space stand-in for a kernel ipip device, for real servers whose kernel has no ipip
 * module (the namespace lab's tun topology): takes the IP-in-IP packets a director sends to this
 * host's {@code --in} interface, strips the outer IPv4 header and injects the inner packet into
 * {@code --out}, one end of a veth pair whose other end holds the VIP — so the kernel receives
 * the inner packet as if ipip_rcv() had decapsulated it and answers the client directly.
 */
public final class IpipDecapsulator {
    /** {@link #decapsulate} results below zero: why a frame was not decapsulated. */
    public static final int NOT_IPV4 = -1;
    public static final int NOT_IPIP = -2;
    public static final int MALFORMED = -3;
    public static final int INNER_NOT_IPV4 = -4;
    public static final String USAGE = "usage: IpipDecapsulator --in IF --out IF";

    private final long dstMac;
    private final long srcMac;

    /**
     * @param dstMac the MAC of the device that receives the inner packets (the veth peer of --out)
     * @param srcMac the MAC the injected frames come from (--out's own)
     */
    public IpipDecapsulator(long dstMac, long srcMac) {
        this.dstMac = dstMac;
        this.srcMac = srcMac;
    }

    /**
     * Writes the inner packet of an untagged Ethernet IPv4 frame carrying IP-in-IP into {@code out}
     * at 0 as a new Ethernet frame; its length, or a negative reason when the frame is not one.
     * Fragmented outer packets are not reassembled (a director sets DF on what it tunnels).
     */
    public int decapsulate(DirectBuffer frame, int offset, int length, MutableDirectBuffer out) {
        final int ip = offset + EthernetFlyweight.HEADER_LENGTH;
        if (length < EthernetFlyweight.HEADER_LENGTH + Ipv4Flyweight.MIN_HEADER_LENGTH
                || EthernetFlyweight.etherType(frame, offset) != EthernetFlyweight.ETHER_TYPE_IPV4
                || Ipv4Flyweight.version(frame, ip) != Ipv4Flyweight.VERSION) {
            return NOT_IPV4;
        }
        if (Ipv4Flyweight.protocol(frame, ip) != IpProtocol.IPIP) {
            return NOT_IPIP;
        }
        final int outerHeader = Ipv4Flyweight.ihl(frame, ip);
        final int total = Ipv4Flyweight.totalLength(frame, ip);
        final int ipLength = length - EthernetFlyweight.HEADER_LENGTH;
        if (outerHeader < Ipv4Flyweight.MIN_HEADER_LENGTH || total > ipLength
                || total < outerHeader + Ipv4Flyweight.MIN_HEADER_LENGTH
                || (Ipv4Flyweight.flagsAndFragmentOffset(frame, ip)
                        & (Ipv4Flyweight.FLAG_MF | Ipv4Flyweight.FRAGMENT_OFFSET_MASK)) != 0) {
            return MALFORMED;
        }
        final int inner = ip + outerHeader;
        final int innerLength = total - outerHeader;
        if (Ipv4Flyweight.version(frame, inner) != Ipv4Flyweight.VERSION
                || Ipv4Flyweight.totalLength(frame, inner) != innerLength) {
            return INNER_NOT_IPV4;
        }
        EthernetFlyweight.dstMac(out, 0, dstMac);
        EthernetFlyweight.srcMac(out, 0, srcMac);
        out.putShort(EthernetFlyweight.ETHER_TYPE_OFFSET, (short) EthernetFlyweight.ETHER_TYPE_IPV4,
                ByteOrder.BIG_ENDIAN);
        out.putBytes(EthernetFlyweight.HEADER_LENGTH, frame, inner, innerLength);
        return EthernetFlyweight.HEADER_LENGTH + innerLength;
    }

    /**
     * {@code --in IF --out IF}: decapsulates until SIGTERM. Prints one line once capturing, so a
     * caller knows when packets will be taken.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4 || !args[0].equals("--in") || !args[2].equals("--out")) {
            System.err.println(USAGE);
            System.exit(2);
        }
        final Port in = PcapLiveIo.portOf(0, args[1]);
        final Port out = PcapLiveIo.portOf(1, args[3]);
        final long peerMac = vethPeerMac(args[3]);
        final IpipDecapsulator decapsulator = new IpipDecapsulator(peerMac, out.mac());
        final PcapLiveIo io = new PcapLiveIo(List.of(in, out), "ip proto " + IpProtocol.IPIP);
        final Injector injector = io.openInjector();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            io.close();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown"));
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[PcapLiveIo.SNAPLEN + EthernetFlyweight.HEADER_LENGTH]);
        final FrameReceiver receiver = (port, buffer, offset, length, timestampNanos) -> {
            final int n = decapsulator.decapsulate(buffer, offset, length, frame);
            if (n > 0) {
                injector.send(out.index(), frame, 0, n);
            }
        };
        System.out.println("decapsulating IPIP from " + in.name() + " into " + out.name() + " to "
                + MacAddress.format(peerMac));
        System.out.flush();
        try {
            while (io.receive(in.index(), receiver) != PacketIo.END) {
                // receive() returns at least once per poll interval; END once closed.
            }
        } finally {
            stopped.countDown();
        }
    }

    /** The MAC of a veth device's peer, which lives in this same namespace (the lab's vip0). */
    private static long vethPeerMac(String veth) throws IOException {
        final int peerIndex = Integer.parseInt(Files.readString(Path.of("/sys/class/net", veth, "iflink")).strip());
        final NetworkInterface peer = NetworkInterface.getByIndex(peerIndex);
        if (peer == null || peer.getHardwareAddress() == null) {
            throw new IOException(veth + ": its peer (ifindex " + peerIndex + ") is not in this namespace");
        }
        return MacAddress.fromBytes(peer.getHardwareAddress(), 0);
    }
}
