package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PageTokenTest {
  @Test
  void aTokenDecodesToThePositionItWasEncodedFrom() {
    PageToken t = new PageToken("0123456789ab", 1_764_576_000_123L, "01a23164-c253-784d-bfcd-f3a54d37bd3d");
    assertThat(PageToken.decode(t.encode())).isEqualTo(t);
    assertThat(t.encode()).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void rejectsWhatIsNotATokenOfOursNamingPageToken() {
    String[] bad = {"%%%", "", b64("v1:1:x"), b64("v3:0123456789ab:1:x"), b64("v2:"), b64("v2:0123456789ab:12"),
        b64("v2:0123456789ab:12:"), b64("v2:0123456789ab:abc:x"), b64("v2:0123456789AB:1:x"), b64("v2:0123:1:x"), b64("v2:1:x"), b64("hello")};
    for (String token : bad) {
      assertThatThrownBy(() -> PageToken.decode(token)).as(token)
          .isInstanceOfSatisfying(InvalidArgumentException.class, e -> {
            assertThat(e.field()).isEqualTo("page_token");
            assertThat(e.getMessage()).contains(InvalidArgumentException.quote(token));
          });
    }
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
