package io.microlink.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.PortMapping;
import io.microlink.netstack.relay.SocketBinder;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The UPnP client against a {@link ScriptedUpnpGateway}, each test on a gateway address of its own. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UpnpTest {
    private static final int PORT = 41641;

    private static UpnpClient client() {
        return new UpnpClient(Ssdp.PORT, false, SocketBinder.DEFAULT_ROUTE); // unicast only: nothing leaves loopback
    }

    @Test
    void aGatewayMapsOurPortAndDropsTheMappingOnDelete() throws Exception {
        try (ScriptedUpnpGateway gw = new ScriptedUpnpGateway("127.35.54.1")) {
            UpnpClient upnp = client();
            Grant g = upnp.map(gw.address, PORT);
            assertThat(g.external()).isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("203.0.113.2"), PORT));
            assertThat(g.protocol()).isEqualTo(PortMapProtocol.UPNP);
            assertThat(gw.actions).hasSize(2);
            assertThat(gw.actions.get(0)).startsWith("GetExternalIPAddress");
            assertThat(gw.actions.get(1)).startsWith("AddPortMapping").contains("<NewExternalPort>41641</NewExternalPort>",
                    "<NewProtocol>UDP</NewProtocol>", "<NewInternalPort>41641</NewInternalPort>",
                    "<NewInternalClient>127.0.0.1</NewInternalClient>", "<NewLeaseDuration>7200</NewLeaseDuration>");
            upnp.delete(g);
            assertThat(gw.actions.get(2)).startsWith("DeletePortMapping").contains("<NewExternalPort>41641</NewExternalPort>");
        }
    }

    @Test
    void thePortMapperFallsBackToUpnpAndNamesIt() throws Exception {
        try (ScriptedUpnpGateway gw = new ScriptedUpnpGateway("127.35.54.2")) {
            PortMapper mapper = new PortMapper(() -> gw.address, List.of(new NatPmpClient(SocketBinder.DEFAULT_ROUTE), new PcpClient(SocketBinder.DEFAULT_ROUTE), client()),
                    PortMapper.EPOCH_CHECK, () -> { });
            Grant g = mapper.request(gw.address, PORT, null, 0);
            assertThat(g.mapping()).isEqualTo(new PortMapping("UPnP",
                    new InetSocketAddress(InetAddress.ofLiteral("203.0.113.2"), PORT)));
        }
    }

    @Test
    void aDescriptionOrControlUrlOnAnotherHostIsNotFollowed() throws Exception {
        try (ScriptedUpnpGateway gw = new ScriptedUpnpGateway("127.35.54.3")) {
            // Someone on the LAN (or the gateway, fooled) points us at another server: no request goes there.
            gw.location = "http://127.35.54.99:80/rootDesc.xml";
            assertThat(client().map(gw.address, PORT)).isNull();
            gw.location = null;
            gw.description = gw.description.replace("<controlURL>/ctl/IPConn</controlURL>",
                    "<controlURL>http://127.35.54.99/ctl/IPConn</controlURL>");
            assertThatThrownBy(() -> client().map(gw.address, PORT)).isInstanceOf(PortMapProtocolException.class)
                    .hasMessageContaining("names another host");
            assertThat(gw.actions).isEmpty();
        }
    }

    @Test
    void aHostileDescriptionIsRefused() throws Exception {
        try (ScriptedUpnpGateway gw = new ScriptedUpnpGateway("127.35.54.4")) {
            gw.description = "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                    + "<root><URLBase>&x;</URLBase></root>";
            assertThatThrownBy(() -> client().map(gw.address, PORT)).isInstanceOf(PortMapProtocolException.class)
                    .hasMessageContaining("does not parse");
            gw.description = "<root>" + "<a/>".repeat(GatewayHttp.MAX_RESPONSE / 4) + "</root>";
            assertThatThrownBy(() -> client().map(gw.address, PORT)).hasMessageContaining("longer than 65536 bytes");
        }
    }

    @Test
    void aRefusedMappingGivesNoneAfterAFewPorts() throws Exception {
        try (ScriptedUpnpGateway gw = new ScriptedUpnpGateway("127.35.54.5")) {
            gw.addError = 718; // ConflictInMappingEntry: another port is tried, twice
            assertThat(client().map(gw.address, PORT)).isNull();
            assertThat(gw.actions.stream().filter(a -> a.startsWith("AddPortMapping")).count()).isEqualTo(3);
            gw.actions.clear();
            gw.addError = 606; // Action not authorized: no retry
            assertThat(client().map(gw.address, PORT)).isNull();
            assertThat(gw.actions.stream().filter(a -> a.startsWith("AddPortMapping")).count()).isEqualTo(1);
            gw.addError = 0;
            gw.externalIp = "gateway.example"; // not a literal (never looked up): no mapping
            assertThat(client().map(gw.address, PORT)).isNull();
        }
    }

    @Test
    void aSilentGatewayCostsTheSsdpWaitOnly() throws Exception {
        Inet4Address nobody = (Inet4Address) InetAddress.ofLiteral("127.35.54.6");
        long start = System.nanoTime();
        assertThat(client().map(nobody, PORT)).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void theDeletionGoesToTheGatewayThatGrantedTheMapping() throws Exception {
        // One client, two gateways (the network changed between): each grant is dropped where it was made.
        try (ScriptedUpnpGateway first = new ScriptedUpnpGateway("127.35.54.7");
             ScriptedUpnpGateway next = new ScriptedUpnpGateway("127.35.54.8")) {
            UpnpClient upnp = client();
            Grant old = upnp.map(first.address, PORT);
            assertThat(upnp.map(next.address, PORT)).isNotNull();
            upnp.delete(old);
            assertThat(first.actions).last().asString().startsWith("DeletePortMapping");
            assertThat(next.actions).noneMatch(a -> a.startsWith("DeletePortMapping"));
        }
    }

    @Test
    void theGatewayIsReachedDirectlyWhateverProxyTheJvmIsSetTo() throws Exception {
        ProxySelector before = ProxySelector.getDefault();
        try (ScriptedUpnpGateway gw = new ScriptedUpnpGateway("127.35.54.9");
             ServerSocket proxy = new ServerSocket(0, 10, InetAddress.ofLiteral("127.35.54.10"))) {
            AtomicInteger proxied = new AtomicInteger();
            Thread.startVirtualThread(() -> {
                while (!proxy.isClosed()) {
                    try {
                        proxy.accept().close();
                        proxied.incrementAndGet();
                    } catch (IOException e) {
                        // closed: the test is over
                    }
                }
            });
            // What -DsocksProxyHost (or an application's selector) does to every plain Socket.
            ProxySelector.setDefault(new ProxySelector() {
                @Override
                public List<Proxy> select(URI uri) {
                    return List.of(new Proxy(Proxy.Type.SOCKS, proxy.getLocalSocketAddress()));
                }

                @Override
                public void connectFailed(URI uri, SocketAddress sa, IOException e) {
                    // nothing to learn
                }
            });
            assertThat(GatewayHttp.get(URI.create(gw.ownLocation()), SocketBinder.DEFAULT_ROUTE).status()).isEqualTo(200);
            assertThat(proxied.get()).isZero();
        } finally {
            ProxySelector.setDefault(before);
        }
    }
}
