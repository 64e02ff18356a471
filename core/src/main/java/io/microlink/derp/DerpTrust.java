package io.microlink.derp;

import io.microlink.control.wire.DerpMap;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How to trust a DERP node's certificate, as the DERP map says: normally the trust store and
 * host name; {@code CertName: "sha256-raw:<hex>"} pins the leaf certificate's SHA-256 instead
 * (for self-signed relays); {@code InsecureForTests} still speaks TLS but checks nothing.
 */
final class DerpTrust {
    static final String PIN_PREFIX = "sha256-raw:";

    private DerpTrust() {}

    /** Whether the host name must also be verified (only with ordinary chain validation). */
    static boolean verifiesHostName(DerpMap.DerpNode node) {
        return !node.insecureForTests() && pin(node) == null;
    }

    /** The TLS context for this node: {@code normal} unless the map asks for a pin or no checks. */
    static SSLContext context(DerpMap.DerpNode node, SSLContext normal) throws GeneralSecurityException {
        String pin = pin(node);
        if (pin == null && !node.insecureForTests()) {
            return normal;
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new PinnedLeaf(pin)}, null);
        return ctx;
    }

    private static String pin(DerpMap.DerpNode node) {
        String c = node.certName();
        return c != null && c.startsWith(PIN_PREFIX) ? c.substring(PIN_PREFIX.length()).toLowerCase(Locale.ROOT) : null;
    }

    /** Accepts exactly the leaf whose SHA-256 is {@code expectedHex}; null accepts anything. */
    private record PinnedLeaf(String expectedHex) implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (expectedHex == null) {
                return; // InsecureForTests
            }
            if (chain == null || chain.length == 0) {
                throw new CertificateException("DERP server sent no certificate");
            }
            try {
                String actual = HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
                if (!MessageDigest.isEqual(actual.getBytes(), expectedHex.getBytes())) {
                    throw new CertificateException("DERP certificate sha256 " + actual + " does not match the pinned "
                            + expectedHex);
                }
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new CertificateException(e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
