package io.microlink.host.settings;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Settings that break a rule: each problem names the setting and says what is allowed, so a
 * CLI prints the message and a web form marks the field. Never carries a secret's value.
 */
public final class InvalidSettingsException extends IllegalArgumentException {
    /** One broken rule: the setting's JSON name ({@code null} for the settings as a whole) and what is wrong. */
    public record Problem(String setting, String message) {
        @Override
        public String toString() {
            return setting == null ? message : setting + ": " + message;
        }
    }

    private final transient List<Problem> problems;

    public InvalidSettingsException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
