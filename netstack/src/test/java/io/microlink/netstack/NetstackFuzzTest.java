package io.microlink.netstack;

import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.netstack.icmp.DestinationUnreachable;
import io.microlink.netstack.icmp.EchoResponder;
import io.microlink.netstack.icmp.Icmp;
import io.microlink.netstack.icmp.IcmpEcho;
import io.microlink.netstack.ip.FragmentReassembler;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.ip.IpProtocol;
import io.microlink.netstack.udp.UdpDatagram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile input: every truncation of every vector packet, random corruptions of them and random
 * bytes go through the whole receive path, which may throw nothing but MalformedPacketException.
 */
class NetstackFuzzTest {
    private final IpPacketBuilder ip = new IpPacketBuilder(0);
    private final FragmentReassembler reassembler = new FragmentReassembler(8, 32 * 1024);
    private final EchoResponder responder = new EchoResponder(ip);
    private long now;

    private static List<byte[]> seeds() {
        List<byte[]> out = new ArrayList<>();
        for (String section : List.of("udp", "echo", "portUnreachable", "ipv6ExtensionHeaders", "fragmented")) {
            for (JsonNode v : NetstackVectors.get(section)) {
                for (String field : List.of("packet", "offending", "error", "datagram")) {
                    if (v.has(field)) {
                        out.add(NetstackVectors.bytes(v, field));
                    }
                }
                v.path("fragments").forEach(f -> out.add(NetstackVectors.bytes(f.asText())));
            }
        }
        return out;
    }

    /** The receive path as the stack will run it, on an exactly-sized copy so any overread throws. */
    private void receive(byte[] b, int len) {
        byte[] exact = Arrays.copyOf(b, len);
        now += 1_000_000_000L;
        try {
            IpPacket p = IpPacket.parse(exact, 0, len);
            if (p.isFragment()) {
                DestinationUnreachable.portUnreachable(ip, p);
                var whole = reassembler.accept(p, now);
                if (whole.isEmpty()) {
                    return;
                }
                p = whole.get();
            }
            if (p.protocol() == IpProtocol.UDP) {
                UdpDatagram.parse(p);
            } else if (p.protocol() == Icmp.protocol(p.version())) {
                IcmpEcho.parse(p);
                responder.reply(p);
            }
            DestinationUnreachable.portUnreachable(ip, p);
        } catch (MalformedPacketException expected) {
            // the declared way to refuse a packet
        }
    }

    @Test
    void everyTruncationIsRefusedCleanly() {
        assertThatCode(() -> {
            for (byte[] seed : seeds()) {
                for (int len = 0; len <= seed.length; len++) {
                    receive(seed, len);
                }
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void randomCorruptionsAreRefusedCleanly() {
        Random random = new Random(42);
        assertThatCode(() -> {
            for (byte[] seed : seeds()) {
                for (int round = 0; round < 500; round++) {
                    byte[] b = seed.clone();
                    for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt();
                    }
                    receive(b, random.nextInt(b.length + 1));
                    receive(b, b.length);
                }
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void randomBytesAreRefusedCleanly() {
        Random random = new Random(7);
        assertThatCode(() -> {
            for (int round = 0; round < 20_000; round++) {
                byte[] b = new byte[random.nextInt(120)];
                random.nextBytes(b);
                if (b.length > 0) {
                    b[0] = (byte) ((random.nextBoolean() ? 0x40 : 0x60) | (b[0] & 0x0f));
                }
                receive(b, b.length);
            }
        }).doesNotThrowAnyException();
    }
}
