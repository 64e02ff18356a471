package io.microlink.wireguard.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads wg-quick(8) configuration files. Every error names the file, the line and the reason;
 * a bad key is described by its length, never quoted. Settings wg-quick hands to other tools
 * (DNS, Table, hooks, SaveConfig, FwMark) are accepted and reported as ignored.
 *
 * <pre>{@code
 * InterfaceConfig config = WgQuickParser.parse(Path.of("/etc/wireguard/wg0.conf"));
 * }</pre>
 */
public final class WgQuickParser {
    private static final System.Logger LOG = System.getLogger(WgQuickParser.class.getName());
    static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
    private static final Set<String> IGNORED = Set.of("dns", "table", "preup", "postup", "predown", "postdown",
            "saveconfig", "fwmark");

    private final String file;
    private String name;
    private WireGuardKey privateKey;
    private Integer listenPort;
    private final List<IpPrefix> addresses = new ArrayList<>();
    private Integer mtu;
    private final List<PeerConfig> peers = new ArrayList<>();
    private PeerBuilder peer;
    private boolean inInterface;
    private boolean sawInterface;
    private int line;

    private static final class PeerBuilder {
        final int line;
        WireGuardKey publicKey;
        WireGuardKey presharedKey;
        final List<IpPrefix> allowedIps = new ArrayList<>();
        String endpoint;
        Integer keepalive;

        PeerBuilder(int line) {
            this.line = line;
        }
    }

    private WgQuickParser(String file) {
        this.file = file;
    }

    /**
     * Parses a file; the interface is named after it, as wg-quick does ("wg0.conf" is wg0). A file
     * over 16 MiB (some 100,000 peers) is refused before it is read whole, so a wrong path such
     * as /dev/zero ends in a message rather than an exhausted heap.
     *
     * @param path the configuration file
     * @return the configuration
     * @throws ConfigException if the file is not a valid configuration
     * @throws IOException if it cannot be read
     */
    public static InterfaceConfig parse(Path path) throws ConfigException, IOException {
        String fileName = path.getFileName().toString();
        String name = fileName.endsWith(".conf") ? fileName.substring(0, fileName.length() - 5) : fileName;
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new ConfigException(path.toString(), 0, "is larger than " + MAX_FILE_BYTES / (1024 * 1024)
                    + " MiB; not a WireGuard configuration");
        }
        return parse(path.toString(), name, new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * Parses {@code text}; {@code file} only labels error messages.
     *
     * @param file the file's name, for messages
     * @param interfaceName the interface's name
     * @param text the configuration
     * @return the configuration
     * @throws ConfigException if the text is not a valid configuration
     */
    public static InterfaceConfig parse(String file, String interfaceName, String text) throws ConfigException {
        WgQuickParser p = new WgQuickParser(file);
        if (!interfaceName.matches("[a-zA-Z0-9_=+.-]{1,15}")) {
            throw new ConfigException(file, 0, "interface name '" + interfaceName
                    + "' must be 1-15 characters of letters, digits and _=+.-");
        }
        p.name = interfaceName;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            p.line = i + 1;
            p.parseLine(lines[i]);
        }
        return p.finish();
    }

    private void parseLine(String raw) throws ConfigException {
        int hash = raw.indexOf('#');
        String s = (hash < 0 ? raw : raw.substring(0, hash)).strip();
        if (s.isEmpty()) {
            return;
        }
        if (s.startsWith("[")) {
            section(s);
            return;
        }
        int eq = s.indexOf('=');
        if (eq < 0) {
            throw error("expected 'Key = Value' or a [Section]");
        }
        String key = s.substring(0, eq).strip();
        String value = s.substring(eq + 1).strip();
        String k = key.toLowerCase(Locale.ROOT);
        if (inInterface) {
            interfaceKey(key, k, value);
        } else if (peer != null) {
            peerKey(key, k, value);
        } else {
            throw error("'" + key + "' outside any [Interface] or [Peer] section");
        }
    }

    private void section(String s) throws ConfigException {
        finishPeer();
        switch (s.toLowerCase(Locale.ROOT)) {
            case "[interface]" -> {
                if (sawInterface) {
                    throw error("second [Interface] section");
                }
                inInterface = sawInterface = true;
            }
            case "[peer]" -> {
                inInterface = false;
                peer = new PeerBuilder(line);
            }
            default -> throw error("unknown section " + s + " (expected [Interface] or [Peer])");
        }
    }

    private void interfaceKey(String key, String k, String value) throws ConfigException {
        switch (k) {
            case "privatekey" -> privateKey = once(privateKey, key, parseKey(key, value, true));
            case "listenport" -> listenPort = once(listenPort, key, number(key, value, 0, 65535));
            case "address" -> {
                for (String part : list(key, value)) {
                    addresses.add(prefix(key, part));
                }
            }
            case "mtu" -> mtu = once(mtu, key, number(key, value, 576, 65535));
            default -> unknownOrIgnored(key, k, "[Interface]");
        }
    }

    private void peerKey(String key, String k, String value) throws ConfigException {
        switch (k) {
            case "publickey" -> peer.publicKey = once(peer.publicKey, key, parseKey(key, value, false));
            case "presharedkey" -> peer.presharedKey = once(peer.presharedKey, key, parseKey(key, value, true));
            case "allowedips" -> {
                for (String part : list(key, value)) {
                    peer.allowedIps.add(prefix(key, part));
                }
            }
            case "endpoint" -> peer.endpoint = once(peer.endpoint, key, endpoint(key, value));
            case "persistentkeepalive" -> peer.keepalive = once(peer.keepalive, key,
                    value.equalsIgnoreCase("off") ? 0 : number(key, value, 0, 65535));
            default -> unknownOrIgnored(key, k, "[Peer]");
        }
    }

    private void unknownOrIgnored(String key, String k, String section) throws ConfigException {
        if (section.equals("[Interface]") && IGNORED.contains(k)) {
            LOG.log(System.Logger.Level.WARNING, "{0}:{1}: {2} is not supported by this implementation; ignored",
                    file, line, key);
            return;
        }
        throw error("unknown key '" + key + "' in " + section);
    }

    private <T> T once(T previous, String key, T value) throws ConfigException {
        if (previous != null) {
            throw error(key + " given twice");
        }
        return value;
    }

    private WireGuardKey parseKey(String key, String value, boolean secret) throws ConfigException {
        try {
            return WireGuardKey.parse(value, secret);
        } catch (IllegalArgumentException e) {
            throw error(key + ": " + e.getMessage());
        }
    }

    private int number(String key, String value, int min, int max) throws ConfigException {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the range
        }
        throw error(key + ": '" + value + "' is not a number from " + min + " to " + max);
    }

    private List<String> list(String key, String value) throws ConfigException {
        List<String> parts = new ArrayList<>();
        for (String part : value.split(",")) {
            if (part.isBlank()) {
                throw error(key + ": empty entry in '" + value + "'");
            }
            parts.add(part.strip());
        }
        return parts;
    }

    private IpPrefix prefix(String key, String text) throws ConfigException {
        try {
            return IpPrefix.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(key + ": " + e.getMessage());
        }
    }

    private String endpoint(String key, String value) throws ConfigException {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw error(key + ": write IPv6 endpoints as [address]:port");
        }
        if (host.isEmpty()) {
            throw error(key + ": '" + value + "' is not host:port");
        }
        number(key, value.substring(colon + 1), 1, 65535);
        return value;
    }

    private void finishPeer() throws ConfigException {
        if (peer == null) {
            return;
        }
        if (peer.publicKey == null) {
            throw new ConfigException(file, peer.line, "[Peer] has no PublicKey");
        }
        peers.add(new PeerConfig(peer.publicKey, peer.presharedKey, peer.allowedIps, peer.endpoint,
                peer.keepalive == null ? 0 : peer.keepalive));
        peer = null;
    }

    private InterfaceConfig finish() throws ConfigException {
        finishPeer();
        if (!sawInterface) {
            throw new ConfigException(file, 0, "no [Interface] section");
        }
        if (privateKey == null) {
            throw new ConfigException(file, 0, "[Interface] has no PrivateKey");
        }
        Set<WireGuardKey> seen = new HashSet<>();
        for (PeerConfig p : peers) {
            if (!seen.add(p.publicKey())) {
                throw new ConfigException(file, 0, "two [Peer] sections with PublicKey " + p.publicKey());
            }
        }
        return new InterfaceConfig(name, privateKey, listenPort == null ? 0 : listenPort, addresses,
                mtu == null ? 0 : mtu, peers);
    }

    private ConfigException error(String reason) {
        return new ConfigException(file, line, reason);
    }
}
