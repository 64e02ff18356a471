package io.microlink.host.settings;

import java.util.Arrays;
import java.util.Optional;

/** Switches for diagnosing a node in the field; none changes what the node does on the network. */
public enum DebugFlag {
    /** Log every component's debug detail (the {@code io.microlink} loggers at FINE). */
    VERBOSE("verbose");

    private final String jsonName;

    DebugFlag(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name in settings.json and in the web API, e.g. {@code verbose}. */
    public String jsonName() {
        return jsonName;
    }

    public static Optional<DebugFlag> byName(String name) {
        return Arrays.stream(values()).filter(f -> f.jsonName.equals(name)).findFirst();
    }
}
