package io.microlink.host.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.StateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secret's file is read only when no one but its owner can read or write it, and never quoted. */
class OwnerOnlyFileTest {
    private static final String URL = "http://ann:s3cret-pass@proxy.corp:3128";

    @TempDir
    Path tmp;

    private Path file(String content, String mode) throws Exception {
        Path f = Files.writeString(tmp.resolve("proxy"), content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void anOwnerOnlyFileGivesItsLine() throws Exception {
        assertThat(OwnerOnlyFile.readLine(file(URL + "\n", "rw-------"), "outbound proxy file")).isEqualTo(URL);
        assertThat(OwnerOnlyFile.readLine(file(URL, "r--------"), "outbound proxy file")).isEqualTo(URL);
    }

    @Test
    void aFileOthersCanReadOrWriteIsRefusedWithTheFix() throws Exception {
        for (String mode : new String[] {"rw-r-----", "rw----r--", "rw--w----", "rw-----w-", "rw-r--r--"}) {
            Path f = file(URL, mode);
            assertThatThrownBy(() -> OwnerOnlyFile.readLine(f, "outbound proxy file")).as(mode)
                    .isInstanceOf(StateException.class)
                    .hasMessage("the outbound proxy file " + f + " can be read or written by other users (mode " + mode
                            + "); it holds a secret: make it owner-only with chmod 600 " + f);
        }
    }

    @Test
    void aMissingEmptyLongOrManyLineFileIsOneLineWithoutTheContent() throws Exception {
        assertThatThrownBy(() -> OwnerOnlyFile.readLine(tmp.resolve("none"), "outbound proxy file"))
                .hasMessage("no outbound proxy file at " + tmp.resolve("none"));
        Path empty = file(" \n", "rw-------");
        assertThatThrownBy(() -> OwnerOnlyFile.readLine(empty, "outbound proxy file")).hasMessageEndingWith("holds none");
        Path two = file(URL + "\n" + URL + "\n", "rw-------");
        assertThatThrownBy(() -> OwnerOnlyFile.readLine(two, "outbound proxy file")).hasMessageEndingWith("holds more")
                .message().doesNotContain("s3cret");
        Path big = file("x".repeat(OwnerOnlyFile.MAX_BYTES + 1), "rw-------");
        assertThatThrownBy(() -> OwnerOnlyFile.readLine(big, "outbound proxy file")).hasMessageContaining("larger than");
    }

    @Test
    void aFileOfAnotherUserIsReadSinceUpRunByRootChecksWhatTheDaemonsUserReads() throws Exception {
        Path f = file(URL, "rw-------");
        UserPrincipal nobody;
        try {
            nobody = f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(f, nobody);
        } catch (IOException e) {
            Assumptions.abort("giving a file to user nobody needs root: " + e.getMessage());
            return;
        }
        assertThat(OwnerOnlyFile.readLine(f, "auth key file")).isEqualTo(URL);
    }
}
