package io.microlink.control;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** TLS to the control server over an open connection (direct or a proxy's tunnel), HTTP/1.1 only. */
final class ControlTls {
    private ControlTls() {}

    /** Starts TLS on {@code plain}, requiring a certificate that names {@code host}. */
    static SSLSocket start(Socket plain, SSLSocketFactory factory, String host, int port) throws IOException {
        SSLSocket ssl = (SSLSocket) factory.createSocket(plain, host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // verify the certificate names this host
        params.setApplicationProtocols(new String[] {"http/1.1"});
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        return ssl;
    }
}
