package io.microlink.outbound;

import io.microlink.http.PeerText;
import java.io.IOException;
import java.net.Socket;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * TLS to an {@code https://} proxy itself, before any {@code CONNECT}: as Go's transport does for
 * such a proxy, the name sent (SNI) and the name the certificate must carry are the proxy's host
 * from its URL, and the trust is the node's (its TLS context: the JVM's trust store unless the
 * node was given another). A certificate problem becomes one {@link ProxyException} line that
 * names the proxy, so it is not mistaken for a problem with control's or a relay's certificate,
 * which is checked again, end to end, inside the tunnel.
 */
final class ProxyTls {
    private ProxyTls() {}

    /**
     * Starts TLS on {@code plain}, connected to {@code proxy}; the caller bounds the time.
     *
     * @return the TLS socket; closing it closes {@code plain}
     * @throws ProxyException when the handshake fails (its certificate, its protocol)
     * @throws IOException    when the connection fails during it
     */
    static SSLSocket start(Socket plain, OutboundProxy proxy, SSLContext tls) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, proxy.host(), proxy.port(), true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the proxy's host
        // CONNECT is an HTTP/1.1 request; a proxy that would pick h2 must not.
        params.setApplicationProtocols(new String[] {"http/1.1"});
        ssl.setSSLParameters(params);
        try {
            ssl.startHandshake();
        } catch (SSLException e) {
            throw new ProxyException("TLS to the outbound proxy " + proxy + " failed: " + why(e, proxy.host()), 0, e);
        }
        return ssl;
    }

    /** What to check, for the failures a user can fix; the JDK's words otherwise. */
    private static String why(SSLException e, String host) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return "its certificate is not signed by a CA this node trusts (add the CA to the JVM's trust"
                        + " store, e.g. -Djavax.net.ssl.trustStore=FILE, or to the node's TLS settings)";
            }
            if (t instanceof CertificateException && t.getMessage() != null
                    && t.getMessage().startsWith("No subject alternative")) {
                return "its certificate is not for " + host + " (the proxy URL must name a host its certificate"
                        + " lists)";
            }
        }
        if (e.getMessage() != null && e.getMessage().contains("Unsupported or unrecognized SSL message")) {
            return "it does not speak TLS (is it an http:// proxy?)";
        }
        // The JDK's words may quote what the proxy's certificate says: escaped and cut, as peer text.
        return e.getMessage() == null ? e.getClass().getSimpleName()
                : PeerText.forLog(e.getMessage(), PeerText.DEFAULT_MAX);
    }
}
