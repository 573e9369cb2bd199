package io.taskgrid.wire.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  @TempDir Path dir;

  @Test
  void readsTheTokenWithoutItsTrailingNewline() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "tgk_first\n");
    assertThat(new TokenFile(file).get()).isEqualTo("tgk_first");
  }

  @Test
  void readsTheFileAgainWhenItChanges() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "tgk_first\n");
    TokenFile token = new TokenFile(file);
    Files.writeString(file, "tgk_second\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5))); // whatever the file system's clock granularity
    assertThat(token.get()).isEqualTo("tgk_second");
  }

  @Test
  void keepsTheLastTokenWhileTheFileIsEmptyOrGone() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "tgk_first");
    TokenFile token = new TokenFile(file);
    Files.writeString(file, "");
    assertThat(token.get()).isEqualTo("tgk_first");
    Files.delete(file);
    assertThat(token.get()).isEqualTo("tgk_first");
    Files.writeString(file, "tgk_third");
    assertThat(token.get()).isEqualTo("tgk_third");
  }

  @Test
  void aMissingOrEmptyFileIsRefusedAtStartWithoutItsContent() throws Exception {
    assertThatThrownBy(() -> new TokenFile(dir.resolve("absent"))).hasMessageContaining("cannot read").hasMessageContaining("absent");
    Path empty = Files.writeString(dir.resolve("empty"), "  \n");
    assertThatThrownBy(() -> new TokenFile(empty)).hasMessageContaining("is empty");
  }
}
