package io.microlink.interop.derp;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.interop.TestTailnet;
import io.microlink.stun.StunMessage;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Our binding request against headscale's embedded STUN server. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StunInteropTest {
    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    @Test
    void headscaleAnswersWithTheAddressItSawUs() throws Exception {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), tailnet.headscale().stunPort());
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            udp.setSoTimeout(2000);
            byte[] tx = new byte[StunMessage.TX_ID_LENGTH];
            new SecureRandom().nextBytes(tx);
            byte[] request = StunMessage.bindingRequest(tx);
            StunMessage.BindingResponse response = null;
            for (int attempt = 0; attempt < 5 && response == null; attempt++) { // UDP: retry a lost datagram
                udp.send(new DatagramPacket(request, request.length, server));
                byte[] buf = new byte[1500];
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                try {
                    udp.receive(reply);
                    response = StunMessage.parseResponse(Arrays.copyOf(buf, reply.getLength()));
                } catch (SocketTimeoutException e) {
                    // try again
                }
            }
            assertThat(response).as("a STUN answer from headscale").isNotNull();
            assertThat(response.txId()).isEqualTo(tx);
            assertThat(response.mapped()).isEqualTo(udp.getLocalSocketAddress());
        }
    }
}
