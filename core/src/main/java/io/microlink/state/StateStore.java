package io.microlink.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.key.KeyFormatException;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The node's persistent identity in {@code <dir>/state.json}: written atomically (a temp
 * file in the same directory, synced, then renamed over the old one), readable by the
 * owner only, in a directory only the owner can enter. A crash leaves either the old or
 * the new file, never a torn one.
 *
 * <pre>{@code
 * StateStore store = new StateStore(Path.of("/var/lib/microlink"));
 * NodeIdentity id = store.load().orElseGet(() -> fresh(...));
 * store.save(id.withRegistered(true));
 * }</pre>
 */
public final class StateStore {
    static final String FILE_NAME = "state.json";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path file;

    public StateStore(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** The saved identity, or empty if none was saved yet. */
    public Optional<NodeIdentity> load() throws StateException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || root.path("format").asInt() != FORMAT) {
                throw new StateException("state file " + file + " has an unknown format; move it away to start fresh");
            }
            return Optional.of(new NodeIdentity(
                    root.path("controlUrl").asText(),
                    PrivateKey.parse(KeyKind.MACHINE, root.path("machineKey").asText()),
                    PrivateKey.parse(KeyKind.NODE, root.path("nodeKey").asText()),
                    root.path("registered").asBoolean()));
        } catch (KeyFormatException e) {
            throw new StateException("state file " + file + " holds a malformed key (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new StateException("state file " + file + " is unreadable or corrupt: " + e.getMessage());
        }
    }

    public void save(NodeIdentity identity) throws StateException {
        ObjectNode root = JSON.createObjectNode()
                .put("format", FORMAT)
                .put("controlUrl", identity.controlUrl())
                .put("machineKey", identity.machineKey().toPersistentText())
                .put("nodeKey", identity.nodeKey().toPersistentText())
                .put("registered", identity.registered());
        Path tmp = null;
        try {
            createPrivateDirectory();
            tmp = Files.createTempFile(dir, ".state-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new StateException("cannot replace " + file + " atomically on this file system");
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // make the rename itself durable
            }
        } catch (IOException e) {
            throw new StateException("cannot write state file " + file + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Best effort: a leftover temp file holds no more than the state file itself.
                }
            }
        }
    }

    /** Removes the saved identity (logout or factory reset). */
    public void erase() throws StateException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StateException("cannot delete state file " + file + ": " + e.getMessage());
        }
    }

    private void createPrivateDirectory() throws IOException {
        try {
            Files.createDirectories(dir.getParent() == null ? dir : dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // An existing directory keeps its permissions; the state file itself is owner-only.
        }
    }
}
