package org.actorvs.runtime;

import java.util.ArrayList;
import java.util.List;

import org.actorvs.config.DirectorConfig;
import org.actorvs.forward.Port;
import org.actorvs.io.MemoryPacketIo;
import org.actorvs.packet.InetAddresses;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The simulated lab's LANs (deploy/lab/lab.sh): one {@link SimulatedSegment} per director port,
 * the client on the VIP's LAN and the virtual service's real servers on theirs, each host on the
 * segment whose subnet holds its address. Directors are plugged in port by port, and can be cut
 * off again.
 */
final class SimulatedNetwork implements AutoCloseable {
    /** The lab's addresses (deploy/lab/lab.sh): the client and the real servers' default gateway. */
    static final String CLIENT = "10.77.0.2";
    private static final String NAT_GATEWAY = "10.78.0.254";
    private static final int PREFIX_LENGTH = 24;

    final List<SimulatedSegment> segments = new ArrayList<>();
    final SimulatedClient client;
    final List<SimulatedRealServer> servers = new ArrayList<>();
    /** The virtual service the client asks. */
    final int vip;
    final int vipPort;

    /** The LANs of {@code ports} (a director's), with the hosts of {@code config}'s first virtual service. */
    SimulatedNetwork(DirectorConfig config, List<Port> ports) {
        for (Port p : ports) {
            segments.add(new SimulatedSegment(p.name()));
        }
        RuleSet.Service service = config.services().services().get(0);
        vip = Main.ipv4(service.spec().key().address());
        vipPort = service.spec().key().port();
        int clientIp = InetAddresses.parseIpv4(CLIENT);
        SimulatedSegment front = segments.get(portOn(ports, clientIp));
        client = new SimulatedClient("c1", clientIp, PREFIX_LENGTH, front::send);
        front.attach(client.mac, client::receive);
        int gateway = InetAddresses.parseIpv4(NAT_GATEWAY);
        for (DestinationSpec d : service.destinations()) {
            int ip = Main.ipv4(d.address());
            SimulatedSegment lan = segments.get(portOn(ports, ip));
            SimulatedRealServer s = new SimulatedRealServer("r" + (servers.size() + 1), ip, PREFIX_LENGTH, gateway,
                    lan::send);
            lan.attach(s.mac, s::receive);
            servers.add(s);
        }
    }

    /** A director's ports as the simulated lab gives them: each MAC shows the port's IPv4 address. */
    static List<Port> ports(DirectorConfig config) {
        return config.ports(name -> SimulatedHost.macOf(
                (int) config.interfaces().get(config.interfaceIndex(name)).ipv4().orElseThrow().lo()));
    }

    /** Plugs each of a director's ports into its segment: what it sends goes on the wire, what is for it arrives. */
    void plug(List<Port> ports, MemoryPacketIo io) {
        for (Port p : ports) {
            SimulatedSegment lan = segments.get(p.index());
            int index = p.index();
            lan.attach(p.mac(), frame -> io.deliver(index, new UnsafeBuffer(frame), 0, frame.length));
            io.onInjected(index, (port, buffer, offset, length) -> {
                byte[] frame = new byte[length];
                buffer.getBytes(offset, frame);
                lan.send(frame);
            });
        }
    }

    /** Cuts a director's ports off their segments, as pulling its cables: no frame in or out. */
    void unplug(List<Port> ports) {
        for (Port p : ports) {
            segments.get(p.index()).detach(p.mac());
        }
    }

    /** Frames the hosts refused: malformed or with a wrong checksum. */
    long badFrames() {
        return client.badFrames() + servers.stream().mapToLong(SimulatedHost::badFrames).sum();
    }

    /** Unicast frames addressed to no station on their segment. */
    long unclaimed() {
        return segments.stream().mapToLong(SimulatedSegment::unclaimed).sum();
    }

    /** The port whose IPv4 subnet holds {@code ip}: the segment a host lives on. */
    private static int portOn(List<Port> ports, int ip) {
        long mask = 0xFFFF_FFFFL << (32 - PREFIX_LENGTH) & 0xFFFF_FFFFL;
        for (Port p : ports) {
            if (p.hasIpv4() && ((p.ipv4() ^ (ip & 0xFFFF_FFFFL)) & mask) == 0) {
                return p.index();
            }
        }
        throw new IllegalArgumentException(InetAddresses.formatIpv4(ip) + " is on none of the director's subnets");
    }

    @Override
    public void close() {
        client.close();
        segments.forEach(SimulatedSegment::close);
    }
}
