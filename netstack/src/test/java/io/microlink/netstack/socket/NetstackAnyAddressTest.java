package io.microlink.netstack.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The stack that terminates connections to any address, as a bridge or subnet router needs. */
class NetstackAnyAddressTest {
    private static final InetAddress ELSEWHERE = InetAddress.ofLiteral("100.64.0.99");

    @Test
    void tcpToAnotherAddressIsAcceptedWithTheAddressTheClientAskedFor() throws Exception {
        try (StackPair pair = new StackPair();
             TailnetServerSocket any = pair.b.listenAnyAddress(8);
             TailnetServerSocket own = pair.b.listen(4242, 8)) {
            try (TailnetSocket client = pair.a.connect(ELSEWHERE, 4242, 5000);
                 TailnetSocket accepted = any.accept()) {
                assertThat(accepted.getLocalSocketAddress()).isEqualTo(new InetSocketAddress(ELSEWHERE, 4242));
                assertThat(accepted.getRemoteSocketAddress().getAddress()).isEqualTo(StackPair.A);
                client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                assertThat(accepted.getInputStream().readNBytes(4)).asString().isEqualTo("ping");
                accepted.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
                assertThat(client.getInputStream().readNBytes(4)).asString().isEqualTo("pong");
            }
            // The stack's own address still goes to its port listener, not the transparent one.
            try (TailnetSocket client = pair.a.connect(StackPair.B, 4242, 5000);
                 TailnetSocket accepted = own.accept()) {
                assertThat(accepted.getLocalSocketAddress()).isEqualTo(new InetSocketAddress(StackPair.B, 4242));
            }
        }
    }

    @Test
    void withoutItTcpToAnotherAddressIsIgnoredEvenWhereAPortListens() throws Exception {
        try (StackPair pair = new StackPair(); TailnetServerSocket own = pair.b.listen(4242, 8)) {
            assertThatThrownBy(() -> pair.a.connect(ELSEWHERE, 4242, 500)).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void closingTheListenerEndsAnyAddressAcceptsAndASecondOneIsRefused() throws Exception {
        try (StackPair pair = new StackPair()) {
            TailnetServerSocket any = pair.b.listenAnyAddress(8);
            assertThatThrownBy(() -> pair.b.listenAnyAddress(8)).isInstanceOf(BindException.class);
            any.close();
            assertThatThrownBy(() -> pair.a.connect(ELSEWHERE, 80, 2000)).isInstanceOf(IOException.class);
            pair.b.listenAnyAddress(8).close(); // free again
        }
    }

    @Test
    void anEchoRequestToAnotherAddressIsAnsweredOnlyWhenTheInterceptorSaysSo() throws Exception {
        try (StackPair pair = new StackPair()) {
            java.util.concurrent.BlockingQueue<Runnable> answers = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.List<InetAddress> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
            pair.b.interceptEcho((destination, answer, unreachable) -> {
                asked.add(destination);
                answers.add(answer);
            });
            Thread.ofVirtual().start(() -> {
                try {
                    answers.take().run(); // the first is answered, later ones are not
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(pair.a.ping(ELSEWHERE, new byte[] {1, 2, 3}, Duration.ofSeconds(5))).isPositive();
            assertThatThrownBy(() -> pair.a.ping(ELSEWHERE, new byte[] {4}, Duration.ofMillis(300)))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            assertThat(asked).containsExactly(ELSEWHERE, ELSEWHERE);
        }
    }

    @Test
    void udpToAnotherAddressGoesToTheInterceptorWhichAnswersFromThatAddress() throws Exception {
        try (StackPair pair = new StackPair(); TailnetDatagramSocket client = pair.a.bindUdp(0)) {
            pair.b.interceptUdp((stack, packet, d) -> {
                byte[] payload = Arrays.copyOfRange(d.buffer(), d.payloadOffset(), d.payloadOffset() + d.payloadLength());
                stack.sendUdp(packet.destination(), d.destinationPort(), packet.source(), d.sourcePort(), payload, 0,
                        payload.length);
            });
            byte[] big = new byte[1200];
            Arrays.fill(big, (byte) 7);
            client.send(new InetSocketAddress(ELSEWHERE, 5353), big);
            TailnetDatagramSocket.Datagram echo = client.receive(Duration.ofSeconds(5));
            assertThat(echo).isNotNull();
            assertThat(echo.sender()).isEqualTo(new InetSocketAddress(ELSEWHERE, 5353));
            assertThat(echo.data()).isEqualTo(big);

            pair.b.interceptUdp(null);
            client.send(new InetSocketAddress(ELSEWHERE, 5353), big);
            assertThat(client.receive(Duration.ofMillis(300))).isNull();
        }
    }
}
