package io.microlink.web;

import io.microlink.host.settings.NodeSettings;
import java.util.Set;

/**
 * The saved settings and what a running node has not applied yet.
 *
 * @param changed         the settings this update changed (empty for a plain read)
 * @param restartRequired settings saved but waiting for a node restart to take effect
 */
public record SettingsView(NodeSettings settings, Set<NodeSettings.Field> changed,
                           Set<NodeSettings.Field> restartRequired) {
    public SettingsView {
        changed = Set.copyOf(changed);
        restartRequired = Set.copyOf(restartRequired);
    }
}
