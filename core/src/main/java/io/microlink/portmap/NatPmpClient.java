package io.microlink.portmap;

import io.microlink.netstack.relay.SocketBinder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/** Mapping with NAT-PMP: the gateway's external address, then a UDP mapping of our port. */
final class NatPmpClient implements MappingProtocol {
    private static final System.Logger LOG = System.getLogger("io.microlink.portmap");

    private final SocketBinder binder;

    /** @param binder readies each socket to the gateway (binds it to the node's active uplink) */
    NatPmpClient(SocketBinder binder) {
        this.binder = binder;
    }

    @Override
    public PortMapProtocol kind() {
        return PortMapProtocol.NAT_PMP;
    }

    @Override
    public Grant map(Inet4Address gateway, int localPort) throws IOException {
        try (GatewayUdp udp = new GatewayUdp(gateway, NatPmp.PORT, GatewayUdp.NAT_PMP_ATTEMPTS, binder)) {
            NatPmp.ExternalAddress ext = udp.exchange(NatPmp.externalAddressRequest(), NatPmpClient::externalAddress);
            if (ext == null || ext.result() != 0) {
                refused(gateway, ext);
                return null;
            }
            if (!ExternalAddresses.usable(ext.address())) {
                LOG.log(Level.DEBUG, "gateway {0} names {1} as its external address; not an endpoint for peers",
                        gateway.getHostAddress(), ext.address().getHostAddress());
                return null;
            }
            NatPmp.Mapping m = udp.exchange(
                    NatPmp.mappingRequest(true, localPort, localPort, PortMapper.LIFETIME_SECONDS),
                    (b, off, len) -> udpMapping(b, off, len, localPort));
            if (m == null || m.result() != 0 || m.externalPort() == 0 || m.lifetimeSeconds() == 0) {
                refused(gateway, m);
                return null;
            }
            return new Grant(kind(), gateway, localPort, new InetSocketAddress(ext.address(), m.externalPort()),
                    m.lifetimeSeconds(), m.epochSeconds(), System.nanoTime());
        }
    }

    @Override
    public long epoch(Inet4Address gateway) throws IOException {
        try (GatewayUdp udp = new GatewayUdp(gateway, NatPmp.PORT, GatewayUdp.NAT_PMP_ATTEMPTS, binder)) {
            NatPmp.ExternalAddress ext = udp.exchange(NatPmp.externalAddressRequest(), NatPmpClient::externalAddress);
            return ext == null || ext.result() != 0 ? -1 : ext.epochSeconds();
        }
    }

    @Override
    public void delete(Grant grant) throws IOException {
        try (GatewayUdp udp = new GatewayUdp(grant.gateway(), NatPmp.PORT, GatewayUdp.NAT_PMP_ATTEMPTS, binder)) {
            // One datagram, no waiting: the mapping also ends with its lifetime.
            udp.send(NatPmp.mappingRequest(true, grant.localPort(), 0, 0));
        }
    }

    private static NatPmp.ExternalAddress externalAddress(byte[] b, int off, int len) throws PortMapProtocolException {
        return b[off] == 0 && NatPmp.decode(b, off, len) instanceof NatPmp.ExternalAddress a ? a : null;
    }

    /**
     * The answer to our UDP mapping request only: a TCP mapping's answer (opcode 130), or one
     * for another internal port, is not ours whatever it says.
     */
    static NatPmp.Mapping udpMapping(byte[] b, int off, int len, int localPort) throws PortMapProtocolException {
        if (b[off] != 0 || !(NatPmp.decode(b, off, len) instanceof NatPmp.Mapping m) || !m.udp()) {
            return null;
        }
        return m.result() != 0 || m.internalPort() == localPort ? m : null;
    }

    private static void refused(Inet4Address gateway, NatPmp.Response r) {
        LOG.log(Level.DEBUG, "gateway {0}: {1}", gateway.getHostAddress(),
                r == null ? "no NAT-PMP answer" : "NAT-PMP " + NatPmp.describe(r.result()));
    }
}
