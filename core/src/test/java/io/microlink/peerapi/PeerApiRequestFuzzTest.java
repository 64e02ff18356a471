package io.microlink.peerapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;

/** A peer's bytes to this node's peerAPI ({@link PeerApiRequest#read}): the one decoder of them. */
class PeerApiRequestFuzzTest {
    private static final InetAddress OWN = InetAddress.ofLiteral("100.64.0.7");

    /**
     * Any byte stream gives requests, each a refusal with a 4xx status or one query of at most
     * 65,535 bytes, until the stream ends (null) or ends inside a request (EOF); nothing else is
     * thrown, and no request reads more than its head limit and one DNS message.
     */
    @FuzzTest
    void requests(byte[] wire) {
        ByteArrayInputStream in = new ByteArrayInputStream(wire);
        try {
            while (true) {
                int before = in.available();
                PeerApiRequest r = PeerApiRequest.read(in, OWN::equals);
                if (r == null) {
                    return;
                }
                assertThat(before - in.available()).isLessThanOrEqualTo(PeerApiRequest.MAX_HEAD + PeerApiRequest.MAX_QUERY + 1);
                if (r.refusal().isPresent()) {
                    assertThat(r.refusal().get().status()).isBetween(400, 499);
                    assertThat(r.query()).isNull();
                    return; // the connection closes after a refusal
                }
                assertThat(r.dnsPath()).isTrue();
                assertThat(r.query().length).isLessThanOrEqualTo(PeerApiRequest.MAX_QUERY);
            }
        } catch (EOFException e) {
            // ended inside a request
        } catch (IOException e) {
            throw new AssertionError("only EOF may be thrown from bytes in memory", e);
        }
    }
}
