package io.microlink.host.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.state.PrivateFiles;
import io.microlink.StateException;
import io.microlink.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A node's {@link NodeSettings} in {@code <dir>/settings.json}: written atomically (temp file,
 * fsync, rename), owner-only (it may hold an auth key), in an owner-only directory, like
 * {@link StateStore}. A missing file means {@link NodeSettings#defaults()}; a broken one is a
 * {@link StateException} that names the file, the problem and the way out.
 *
 * <pre>{@code
 * SettingsStore store = new SettingsStore(Path.of("/var/lib/microlink"));
 * NodeSettings s = store.load();
 * store.save(s.withChanges(json("{\"hostname\":\"sensor-7\"}")));
 * }</pre>
 */
public final class SettingsStore {
    /** The file's name in the state directory. */
    public static final String FILE_NAME = "settings.json";
    private static final System.Logger LOG = System.getLogger(SettingsStore.class.getName());
    /**
     * 2 since the proxies are off by default. Format 1 wrote every setting, its defaults
     * included, so a 1055 or 1056 in it is the old default that turned a proxy on, not a choice.
     */
    private static final int FORMAT = 2;
    private static final Map<String, Integer> FORMAT_1_PROXY_DEFAULTS = Map.of("socks5Port", 1055, "httpProxyPort", 1056);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public SettingsStore(Path dir) {
        this.file = dir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** The saved settings, or the defaults when none were saved yet. */
    public NodeSettings load() throws StateException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return NodeSettings.defaults();
        } catch (IOException e) {
            throw new StateException("cannot read settings file " + file + ": " + e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            // Jackson's message may quote the file's text, and with it the auth key: name the place only.
            String where = e instanceof JsonProcessingException j && j.getLocation() != null
                    ? " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")" : "";
            throw broken("is not valid JSON" + where);
        }
        if (root == null || !root.isObject()) {
            throw broken("is empty or not a JSON object");
        }
        int format = root.path("format").asInt();
        if (format != FORMAT && format != 1) {
            throw broken("has an unknown format " + root.path("format") + " (this version reads formats 1 and " + FORMAT + ")");
        }
        ObjectNode values = ((ObjectNode) root).deepCopy();
        values.remove("format");
        if (format == 1) {
            turnOffOldDefaultProxies(values);
        }
        try {
            return NodeSettings.defaults().withChanges(values);
        } catch (InvalidSettingsException e) {
            throw broken("holds invalid settings: " + e.getMessage());
        }
    }

    /**
     * An install from before the proxies were off by default would otherwise keep them on, without
     * a credential, for every local user; the owner turns one back on with {@code up}.
     */
    private void turnOffOldDefaultProxies(ObjectNode values) {
        FORMAT_1_PROXY_DEFAULTS.forEach((field, oldDefault) -> {
            if (values.path(field).asInt() == oldDefault) {
                values.put(field, 0);
                LOG.log(System.Logger.Level.WARNING, "{0}: the local proxy on 127.0.0.1:{1} was on only because it "
                        + "used to be on by default; it is off now (turn it on again with `microlink up --{2} {1}`, "
                        + "ideally with --proxy-username)", file, String.valueOf(oldDefault),
                        field.equals("socks5Port") ? "socks5-port" : "http-proxy-port");
            }
        });
    }

    public void save(NodeSettings settings) throws StateException {
        ObjectNode root = JSON.createObjectNode().put("format", FORMAT);
        root.setAll(settings.toJson(true));
        try {
            PrivateFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (JsonProcessingException e) {
            throw new StateException("cannot encode settings file " + file + ": " + e.getOriginalMessage());
        }
    }

    /** Removes the settings (factory reset); the next {@link #load} gives the defaults. */
    public void erase() throws StateException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StateException("cannot delete settings file " + file + ": " + e.getMessage());
        }
    }

    private StateException broken(String problem) {
        return new StateException("settings file " + file + " " + problem
                + "; fix it, or move it away to start again from the default settings");
    }
}
