package io.microlink.control;

import io.microlink.control.noise.ControlHandshake;
import io.microlink.control.noise.ControlProtocolException;
import io.microlink.control.noise.EarlyPayload;
import io.microlink.control.noise.NoiseTransport;
import io.microlink.http.HttpHeadException;
import io.microlink.http.PeerText;
import io.microlink.http.UpgradeResponse;
import io.microlink.outbound.Dialer;
import io.microlink.outbound.ExchangeDeadline;
import io.microlink.outbound.ProxyException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLSocketFactory;

/**
 * A socket whose streams are a ts2021 Noise channel to the control server, so an ordinary
 * HTTP/2 client can run over it. {@link #connect} dials TCP, upgrades with
 * {@code POST /ts2021}, completes the Noise handshake and consumes the server's optional
 * early payload; afterwards reads and writes carry HTTP/2 bytes in Noise records.
 */
final class NoiseSocket extends Socket {
    static final String UPGRADE_PROTOCOL = "tailscale-control-protocol";

    /** With a fallback still to try, a silent first port must not cost the whole timeout. */
    private static final int FIRST_ATTEMPT_TIMEOUT_MS = 3000;
    /** The TLS, upgrade and Noise handshake's whole budget when OkHttp gives no connect timeout. */
    private static final int UPGRADE_TIMEOUT_MS = 15_000;

    private final DialPlan plan;
    private final SSLSocketFactory tlsFactory;
    private final Dialer dialer;
    private final HandshakeFactory handshakes;
    private Socket tcp = new Socket();
    private NoiseTransport transport;
    private InputStream in;
    private OutputStream out;

    /** A fresh handshake (and ephemeral key) for each attempt. */
    interface HandshakeFactory {
        ControlHandshake create() throws IOException;
    }

    NoiseSocket(DialPlan plan, SSLSocketFactory tlsFactory, Dialer dialer, HandshakeFactory handshakes) {
        this.plan = plan;
        this.tlsFactory = tlsFactory;
        this.dialer = dialer;
        this.handshakes = handshakes;
    }

    /**
     * Dials the plan's attempts in order at the address OkHttp resolved (its port is
     * ignored: the plan decides), or by name through the outbound proxy when the dialer has one
     * for the attempt, and upgrades the first connection that answers.
     */
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        InetAddress address = ((InetSocketAddress) endpoint).getAddress();
        IOException failure = null;
        for (int i = 0; i < plan.attempts().size(); i++) {
            DialPlan.Attempt attempt = plan.attempts().get(i);
            boolean last = i == plan.attempts().size() - 1;
            int t = last ? timeout : Math.min(timeout > 0 ? timeout : Integer.MAX_VALUE, FIRST_ATTEMPT_TIMEOUT_MS);
            try {
                Socket raw = dialer.connect(attempt.tls() ? "https" : "http", plan.host(), attempt.port(), address, t);
                tcp = raw;
                // One deadline for TLS, upgrade and handshake: a server that trickles a byte per
                // read timeout must not hold the control loop.
                ExchangeDeadline.run(raw, Duration.ofMillis(timeout > 0 ? timeout : UPGRADE_TIMEOUT_MS), () -> {
                    if (attempt.tls()) {
                        tcp = ControlTls.start(raw, tlsFactory, plan.host(), attempt.port());
                    }
                    upgrade(attempt.hostHeader(), handshakes.create(), timeout);
                    return null;
                });
                return;
            } catch (IOException e) {
                tcp.close();
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                // Even a refusal moves on: port 80 of an HTTPS server often just redirects. A
                // proxy's refusal is already one line for the user and stays as it is.
                failure = e instanceof ProxyException ? e : new IOException((attempt.tls() ? "TLS" : "HTTP")
                        + " on port " + attempt.port() + ": " + e.getMessage(), e);
            }
        }
        throw failure;
    }

    private void upgrade(String hostHeader, ControlHandshake handshake, int timeout) throws IOException {
        tcp.setTcpNoDelay(true);
        // The upgrade and handshake must not hang on a silent server.
        int previous = tcp.getSoTimeout();
        tcp.setSoTimeout(timeout > 0 ? timeout : UPGRADE_TIMEOUT_MS);
        try {
            InputStream rawIn = tcp.getInputStream();
            OutputStream rawOut = tcp.getOutputStream();
            rawOut.write(("POST /ts2021 HTTP/1.1\r\n"
                    + "Host: " + hostHeader + "\r\n"
                    + "Upgrade: " + UPGRADE_PROTOCOL + "\r\n"
                    + "Connection: upgrade\r\n"
                    + "X-Tailscale-Handshake: " + handshake.initiationHeader() + "\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            rawOut.flush();
            readUpgradeResponse(rawIn);
            transport = handshake.finish(readHandshakeResponse(rawIn));
            in = new RecordInputStream(rawIn, transport);
            out = new RecordOutputStream(rawOut, transport);
            readEarlyPayload();
        } catch (IOException e) {
            tcp.close();
            throw e;
        } finally {
            if (!tcp.isClosed()) {
                tcp.setSoTimeout(previous);
            }
        }
    }

    private static void readUpgradeResponse(InputStream rawIn) throws IOException {
        UpgradeResponse r;
        try {
            r = UpgradeResponse.read(rawIn);
        } catch (EOFException e) {
            throw new ControlProtocolException("control server " + e.getMessage());
        } catch (HttpHeadException e) {
            throw new ControlProtocolException("control server sent a bad ts2021 upgrade response: " + e.getMessage(), e);
        }
        if (!r.switched(UPGRADE_PROTOCOL)) {
            throw new ControlProtocolException("control server refused the ts2021 upgrade: "
                    + PeerText.forLog(r.statusLine(), PeerText.DEFAULT_MAX));
        }
    }

    private static byte[] readHandshakeResponse(InputStream rawIn) throws IOException {
        byte[] header = ExactReads.exactly(rawIn, 3, "Noise handshake response");
        int len = ((header[1] & 0xFF) << 8) | (header[2] & 0xFF);
        if (len > NoiseTransport.MAX_RECORD) {
            throw new ControlProtocolException("Noise handshake message of " + len + " bytes");
        }
        byte[] body = ExactReads.exactly(rawIn, len, "Noise handshake response");
        byte[] all = Arrays.copyOf(header, 3 + len);
        System.arraycopy(body, 0, all, 3, len);
        return all;
    }

    /**
     * Consumes the early payload if there is one (its node-key challenge serves features we
     * lack); otherwise hands the bytes back to the stream.
     */
    private void readEarlyPayload() throws IOException {
        byte[] prefix = ExactReads.upTo(in, EarlyPayload.PREFIX_LENGTH);
        if (prefix.length == EarlyPayload.PREFIX_LENGTH && EarlyPayload.isEarlyPayload(prefix)) {
            ExactReads.exactly(in, EarlyPayload.jsonLength(prefix), "early payload");
        } else {
            ((RecordInputStream) in).unread(prefix);
        }
    }

    @Override
    public InputStream getInputStream() throws IOException {
        requireConnected();
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        requireConnected();
        return out;
    }

    private void requireConnected() throws SocketException {
        if (transport == null) {
            throw new SocketException("Noise socket is not connected");
        }
    }

    @Override
    public boolean isConnected() {
        return transport != null && tcp.isConnected();
    }

    @Override
    public boolean isClosed() {
        return tcp.isClosed();
    }

    @Override
    public void close() throws IOException {
        tcp.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        tcp.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        tcp.shutdownOutput();
    }

    @Override
    public boolean isInputShutdown() {
        return tcp.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return tcp.isOutputShutdown();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        tcp.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return tcp.getSoTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        tcp.setTcpNoDelay(on);
    }

    @Override
    public InetAddress getInetAddress() {
        return tcp.getInetAddress();
    }

    @Override
    public int getPort() {
        return tcp.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return tcp.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return tcp.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return tcp.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return tcp.getLocalSocketAddress();
    }

    @Override
    public String toString() {
        return "NoiseSocket[" + tcp.getRemoteSocketAddress() + "]";
    }

    /** Decrypted bytes of successive records, with room to push back a peeked prefix. */
    private static final class RecordInputStream extends InputStream {
        private final InputStream raw;
        private final NoiseTransport transport;
        private byte[] buffer = new byte[0];
        private int pos;

        RecordInputStream(InputStream raw, NoiseTransport transport) {
            this.raw = raw;
            this.transport = transport;
        }

        void unread(byte[] prefix) {
            byte[] rest = Arrays.copyOfRange(buffer, pos, buffer.length);
            buffer = new byte[prefix.length + rest.length];
            System.arraycopy(prefix, 0, buffer, 0, prefix.length);
            System.arraycopy(rest, 0, buffer, prefix.length, rest.length);
            pos = 0;
        }

        private boolean fill() throws IOException {
            while (pos >= buffer.length) {
                byte[] header = ExactReads.upTo(raw, NoiseTransport.HEADER_LENGTH);
                if (header.length == 0) {
                    return false;
                }
                if (header.length < NoiseTransport.HEADER_LENGTH) {
                    throw new EOFException("control connection ended inside a Noise record header");
                }
                int len = NoiseTransport.ciphertextLength(header);
                buffer = transport.open(ExactReads.exactly(raw, len, "Noise record"));
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? buffer[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, buffer.length - pos);
            System.arraycopy(buffer, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return buffer.length - pos;
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    /** Splits writes into records of at most {@link NoiseTransport#MAX_PLAINTEXT} bytes. */
    private static final class RecordOutputStream extends OutputStream {
        private final OutputStream raw;
        private final NoiseTransport transport;

        RecordOutputStream(OutputStream raw, NoiseTransport transport) {
            this.raw = raw;
            this.transport = transport;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, NoiseTransport.MAX_PLAINTEXT);
                raw.write(transport.seal(b, off, n));
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            raw.flush();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }
}
