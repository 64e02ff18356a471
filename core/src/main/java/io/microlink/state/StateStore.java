package io.microlink.state;

import io.microlink.StateException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.key.KeyFormatException;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    /** What a person can do about a state file that cannot be used. */
    private static final String WAY_OUT = "; restore it from a backup, or move it away (or factory-reset the state"
            + " directory) to start as a new node, which must log in again";

    private final Path file;

    public StateStore(Path dir) {
        this.file = dir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /**
     * The saved identity, or empty if none was saved yet.
     *
     * @throws StateException if the file exists but cannot be used; the message names the file
     *                        and the way out, never a key
     */
    public Optional<NodeIdentity> load() throws StateException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || root.path("format").asInt() != FORMAT) {
                throw new StateException("state file " + file + " has an unknown format" + WAY_OUT);
            }
            return Optional.of(new NodeIdentity(
                    root.path("controlUrl").asText(),
                    PrivateKey.parse(KeyKind.MACHINE, root.path("machineKey").asText()),
                    PrivateKey.parse(KeyKind.NODE, root.path("nodeKey").asText()),
                    root.path("registered").asBoolean()));
        } catch (KeyFormatException e) {
            throw new StateException("state file " + file + " holds a malformed key (" + e.getMessage() + ")" + WAY_OUT);
        } catch (JsonProcessingException e) {
            // Jackson's own message quotes the offending text, which may be a key: only say where.
            throw new StateException("state file " + file + " is corrupt (not valid JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")" + WAY_OUT);
        } catch (IOException e) {
            throw new StateException("state file " + file + " cannot be read (" + e.getMessage()
                    + "); check its owner and permissions");
        }
    }

    public void save(NodeIdentity identity) throws StateException {
        ObjectNode root = JSON.createObjectNode()
                .put("format", FORMAT)
                .put("controlUrl", identity.controlUrl())
                .put("machineKey", identity.machineKey().toPersistentText())
                .put("nodeKey", identity.nodeKey().toPersistentText())
                .put("registered", identity.registered());
        try {
            PrivateFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (JsonProcessingException e) {
            throw new StateException("cannot encode state file " + file + ": " + e.getMessage());
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
}
