package io.microlink.wireguard.cli;

import io.microlink.crypto.X25519;
import io.microlink.wireguard.WireGuardDevice;
import io.microlink.wireguard.config.ConfigException;
import io.microlink.wireguard.config.InterfaceConfig;
import io.microlink.wireguard.config.WgQuickParser;
import io.microlink.wireguard.config.WireGuardKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The wg-quick-like command: {@code up <file.conf>} brings an interface up and keeps it up until
 * the process is stopped; {@code genkey} and {@code pubkey} work like wg's.
 */
public final class Main {
    private Main() {}

    /**
     * Runs the command and exits with its status.
     *
     * @param args the verb and its arguments
     * @throws InterruptedException if interrupted while the interface is up
     */
    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args));
    }

    static int run(String[] args) throws InterruptedException {
        if (args.length == 2 && args[0].equals("up")) {
            return up(Path.of(args[1]));
        }
        if (args.length == 1 && args[0].equals("genkey")) {
            System.out.println(WireGuardKey.of(X25519.generatePrivateKey(), false).toBase64());
            return 0;
        }
        if (args.length == 1 && args[0].equals("pubkey")) {
            return pubkey();
        }
        System.err.println("usage: microlink-wg up <config.conf> | genkey | pubkey");
        return 2;
    }

    private static int up(Path file) throws InterruptedException {
        InterfaceConfig config;
        try {
            config = WgQuickParser.parse(file);
        } catch (ConfigException e) {
            System.err.println("microlink-wg: " + e.getMessage());
            return 2;
        } catch (java.nio.file.NoSuchFileException e) {
            System.err.println("microlink-wg: " + file + ": no such file");
            return 2;
        } catch (IOException e) {
            System.err.println("microlink-wg: cannot read " + file + ": " + e);
            return 2;
        }
        ConfigPermissions.warning(file).ifPresent(w -> System.err.println("microlink-wg: " + w));
        WireGuardDevice device;
        try {
            device = WireGuardDevice.start(config);
        } catch (IOException e) {
            System.err.println("microlink-wg: cannot bring up " + config.name() + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (var peer : device.engine().peers()) {
                System.out.println("peer " + WireGuardKey.of(peer.publicKey(), false) + ": endpoint " + peer.endpoint()
                        + ", latest handshake " + peer.lastHandshakeTime() + ", received " + peer.rxBytes()
                        + " B, sent " + peer.txBytes() + " B");
            }
            System.out.println(device.interfaceName() + " counters: " + device.engine().counters());
            device.close();
            stopped.countDown();
        }));
        // The ready signal: start() has set addresses, MTU, link and routes and bound UDP by now.
        // scripts/bench-wireguard and CommandTest wait for this line; keep it after start().
        System.out.println(device.interfaceName() + " up, public key "
                + WireGuardKey.of(device.engine().publicKey(), false) + ", listening on UDP port " + device.listenPort());
        System.out.flush();
        stopped.await();
        return 0;
    }

    private static int pubkey() {
        try {
            String text = new String(System.in.readAllBytes(), StandardCharsets.US_ASCII).strip();
            System.out.println(WireGuardKey.of(X25519.publicKey(WireGuardKey.parse(text, true).bytes()), false));
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("microlink-wg: pubkey: " + e.getMessage());
            return 2;
        }
    }
}
