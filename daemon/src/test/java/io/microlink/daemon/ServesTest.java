package io.microlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.TailnetNode;
import io.microlink.host.settings.NodeSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live serve map refuses the local ports whose callers have rights (the web page's, the
 * proxies'), even when handed them: the settings refuse them first, this is the second lock.
 * The node is built, not started; its socket API listens all the same.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ServesTest {
    @TempDir
    Path tmp;

    private TailnetNode node;
    private final Serves serves = new Serves();

    @BeforeEach
    void buildNode() {
        node = TailnetNode.builder().controlUrl("http://127.0.0.1:9").hostname("servetest").stateDirectory(tmp).build();
    }

    @AfterEach
    void closeAll() {
        serves.close();
        node.close();
    }

    private Serves.Served servedAfter(int localPort, NodeSettings.Field holder) {
        serves.apply(node, Map.of(2222, 22, 8080, localPort), Map.of(localPort, holder));
        assertThat(serves.state()).filteredOn(s -> s.tailnetPort() == 2222).singleElement()
                .extracting(Serves.Served::active).as("an ordinary port is forwarded").isEqualTo(true);
        return serves.state().stream().filter(s -> s.tailnetPort() == 8080).findFirst().orElseThrow();
    }

    @Test
    void theLocalWebPortIsNotForwarded() {
        Serves.Served s = servedAfter(8088, NodeSettings.Field.WEB_LOCAL_PORT);
        assertThat(s.active()).isFalse();
        assertThat(s.problem()).startsWith("not forwarded: local port 8088 is the web page's on 127.0.0.1"
                + " (webLocalPort)");
    }

    @Test
    void theSocks5ProxyPortIsNotForwarded() {
        Serves.Served s = servedAfter(1055, NodeSettings.Field.SOCKS5_PORT);
        assertThat(s.active()).isFalse();
        assertThat(s.problem()).startsWith("not forwarded: local port 1055 is the SOCKS5 proxy's (socks5Port)");
    }

    @Test
    void theHttpProxyPortIsNotForwardedAndAForwardGoesWhenItsPortBecomesReserved() {
        serves.apply(node, Map.of(8080, 3128), Map.of());
        assertThat(serves.state()).singleElement().extracting(Serves.Served::active).isEqualTo(true);
        serves.apply(node, Map.of(8080, 3128), Map.of(3128, NodeSettings.Field.HTTP_PROXY_PORT));
        Serves.Served s = serves.state().getFirst();
        assertThat(s.active()).isFalse();
        assertThat(s.problem()).startsWith("not forwarded: local port 3128 is the HTTP proxy's (httpProxyPort)");
    }
}
