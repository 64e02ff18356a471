package io.microlink.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local page's token: made once, owner-only, long enough, never shown by accident. */
class WebTokenTest {
    @TempDir
    Path dir;

    @Test
    void isMadeOnFirstUseOwnerOnlyAndKept() throws Exception {
        Path state = dir.resolve("state");
        WebToken first = WebToken.inDirectory(state);
        Path file = state.resolve(WebToken.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
        assertThat(Base64.getUrlDecoder().decode(first.text())).hasSizeGreaterThanOrEqualTo(16);
        assertThat(WebToken.inDirectory(state).text()).isEqualTo(first.text());
        assertThat(Files.readString(file).strip()).isEqualTo(first.text());
    }

    @Test
    void aMalformedOrSharedFileIsReplaced() throws Exception {
        WebToken first = WebToken.inDirectory(dir);
        Path file = dir.resolve(WebToken.FILE_NAME);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        WebToken second = WebToken.inDirectory(dir);
        assertThat(second.text()).isNotEqualTo(first.text());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Files.writeString(file, "short", StandardCharsets.US_ASCII);
        assertThat(WebToken.inDirectory(dir).text()).isNotEqualTo("short").hasSizeGreaterThanOrEqualTo(43);
    }

    @Test
    void matchesOnlyItselfAndHidesItsText() {
        WebToken a = WebToken.random();
        WebToken b = WebToken.random();
        assertThat(a.text()).isNotEqualTo(b.text());
        assertThat(a.matches(a.text())).isTrue();
        assertThat(a.matches(b.text())).isFalse();
        assertThat(a.matches(a.text() + "x")).isFalse();
        assertThat(a.matches(null)).isFalse();
        assertThat(a.matchesSession(a.sessionValue())).isTrue();
        assertThat(a.matchesSession(a.text())).isFalse();
        assertThat(a.sessionValue()).isNotEqualTo(a.text());
        assertThat(a.toString()).doesNotContain(a.text());
    }
}
