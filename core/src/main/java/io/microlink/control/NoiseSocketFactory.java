package io.microlink.control;

import io.microlink.control.noise.ControlHandshake;
import io.microlink.control.noise.ControlProtocolException;
import io.microlink.crypto.CryptoException;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.outbound.Dialer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Hands OkHttp unconnected {@link NoiseSocket}s; OkHttp's {@code connect} then dials the
 * plan and performs the upgrade and handshake, with a fresh ephemeral key per attempt.
 */
final class NoiseSocketFactory extends SocketFactory {
    private final DialPlan plan;
    private final SSLSocketFactory tlsFactory;
    private final int version;
    private final PrivateKey machineKey;
    private final PublicKey serverKey;
    private final Dialer dialer;

    NoiseSocketFactory(DialPlan plan, SSLSocketFactory tlsFactory, int version, PrivateKey machineKey,
                       PublicKey serverKey, Dialer dialer) {
        this.plan = plan;
        this.tlsFactory = tlsFactory;
        this.version = version;
        this.machineKey = machineKey;
        this.serverKey = serverKey;
        this.dialer = dialer;
    }

    @Override
    public Socket createSocket() {
        return new NoiseSocket(plan, tlsFactory, dialer, () -> {
            try {
                return new ControlHandshake(version, machineKey.raw(), serverKey.raw());
            } catch (CryptoException e) {
                throw new ControlProtocolException(
                        "control server key " + serverKey.shortString() + " is not a usable Curve25519 key", e);
            }
        });
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port));
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        Socket s = createSocket();
        s.connect(address, 0);
        return s;
    }
}
