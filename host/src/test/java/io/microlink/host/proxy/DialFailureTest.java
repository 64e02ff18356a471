package io.microlink.host.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** The line a proxy logs for a name it could not dial, with and without an exit node. */
class DialFailureTest {
    @Test
    void withoutAnExitNodeOnlyTailnetNamesAreLookedUp() {
        UnknownHostException e = new UnknownHostException("example.com is not a tailnet name or address this node knows");
        assertThat(DialFailure.of(e).describe("example.com", 443, e))
                .isEqualTo("example.com is not a name in the tailnet, and only tailnet names are looked up"
                        + " (no exit node is used)");
    }

    @Test
    void withOneTheNodesDnsAnswerIsSaid() {
        UnknownHostException e = new UnknownHostException("nosuch.example: this node's DNS has no address for it"
                + " (no such name)");
        assertThat(DialFailure.of(e).describe("nosuch.example", 443, e)).isEqualTo(e.getMessage());
    }
}
