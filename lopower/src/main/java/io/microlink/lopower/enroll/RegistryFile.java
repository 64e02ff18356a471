package io.microlink.lopower.enroll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.microlink.StateException;
import io.microlink.lopower.LopowerException;
import io.microlink.state.PrivateFiles;
import io.microlink.wireguard.config.WireGuardKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * The registry on disk: {@code lopower.json} in the bridge's state directory, written
 * atomically and owner-only (it holds the bridge's private key). Changes from the command
 * line and from a running bridge take {@code lopower.lock} first, so two enrollments at once
 * never lose one another; the running bridge only reads, and picks changes up as they land.
 */
public final class RegistryFile {
    static final String FILE = "lopower.json";
    private static final String LOCK = "lopower.lock";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;

    public RegistryFile(Path dir) {
        this.dir = dir;
    }

    public Path path() {
        return dir.resolve(FILE);
    }

    /** The registry as last written, or null when none was written yet. */
    public Registry read() throws LopowerException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new LopowerException("cannot read " + path() + ": " + e.getMessage());
        }
        Registry r;
        try {
            r = JSON.readValue(bytes, Registry.class);
        } catch (IOException e) {
            // Jackson's message may quote the file, which holds keys: say where, not what.
            throw new LopowerException(path() + " is not a valid LOPOWER registry (broken JSON)");
        }
        String broken = brokenPart(r);
        if (broken != null) {
            throw new LopowerException(path() + " is not a valid LOPOWER registry (" + broken + ")");
        }
        return r;
    }

    /** What of a parsed registry cannot be used, or null when it all can; never a key itself. */
    private static String brokenPart(Registry r) {
        if (r.bridgePrivateKey() == null || r.ipv6Prefix() == null || r.port() < 1 || r.port() > 65535) {
            return "the bridge's key, IPv6 prefix or port is missing";
        }
        Set<Integer> hosts = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (DeviceRecord d : r.devices()) {
            if (d == null || d.name() == null || d.publicKey() == null || d.endpoint() == null || d.created() == null) {
                return "a device lacks its name, key, endpoint or date";
            }
            if (d.host() < 2 || !hosts.add(d.host()) || !keys.add(d.publicKey())) {
                return "device " + d.name() + " has a bad or repeated address or key";
            }
            try {
                WireGuardKey.parse(d.publicKey(), false);
                Instant.parse(d.created());
            } catch (RuntimeException e) {
                return "device " + d.name() + " has a malformed key or date";
            }
        }
        Set<String> ports = new HashSet<>();
        Set<String> names = new HashSet<>();
        r.devices().forEach(d -> names.add(d.name()));
        for (ForwardRecord f : r.forwards()) {
            if (f == null || !names.contains(f.device()) || !ports.add(f.tailnetPort() + (f.udp() ? "/udp" : "/tcp"))
                    || f.tailnetPort() < 1
                    || f.tailnetPort() > 65535 || f.devicePort() < 1 || f.devicePort() > 65535) {
                return "a port forward names no device, a bad port or a port twice";
            }
        }
        return null;
    }

    /** Reads, applies {@code change} (given null when there is no file yet) and writes, all under the lock. */
    public Registry update(Change change) throws LopowerException {
        try {
            PrivateFiles.createPrivateDirectory(dir);
        } catch (IOException e) {
            throw new LopowerException("cannot create the state directory " + dir + ": " + e.getMessage());
        }
        try (FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Registry before = read();
            Registry after = change.apply(before);
            if (after != before) {
                write(after);
            }
            return after;
        } catch (IOException e) {
            throw new LopowerException("cannot lock " + dir.resolve(LOCK) + ": " + e.getMessage());
        }
    }

    private void write(Registry r) throws LopowerException {
        try {
            PrivateFiles.writeAtomically(path(), JSON.writeValueAsBytes(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a registry always serializes", e);
        } catch (StateException e) {
            throw new LopowerException(e.getMessage());
        }
    }

    /** One change of the registry, which may refuse with a message for the user. */
    @FunctionalInterface
    public interface Change {
        Registry apply(Registry current) throws LopowerException;
    }
}
