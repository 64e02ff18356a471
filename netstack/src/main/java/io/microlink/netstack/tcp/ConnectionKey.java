package io.microlink.netstack.tcp;

import java.util.Arrays;

/**
 * A connection's 4-tuple as a map key. The stack keeps one mutable probe and {@link #set}s it
 * for each inbound segment, so demultiplexing does not allocate; stored keys are never changed.
 *
 * <pre>{@code
 * probe.set(dstIp, dstPort, srcIp, srcPort);
 * TcpConnection c = connections.get(probe);
 * }</pre>
 */
final class ConnectionKey {
    private byte[] localIp;
    private int localPort;
    private byte[] remoteIp;
    private int remotePort;
    private int hash;

    ConnectionKey set(byte[] localIp, int localPort, byte[] remoteIp, int remotePort) {
        this.localIp = localIp;
        this.localPort = localPort;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        this.hash = (Arrays.hashCode(remoteIp) * 31 + remotePort) * 31 * 31 + Arrays.hashCode(localIp) * 31 + localPort;
        return this;
    }

    ConnectionKey copy() {
        return new ConnectionKey().set(localIp.clone(), localPort, remoteIp.clone(), remotePort);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionKey k && localPort == k.localPort && remotePort == k.remotePort
                && Arrays.equals(localIp, k.localIp) && Arrays.equals(remoteIp, k.remoteIp);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
