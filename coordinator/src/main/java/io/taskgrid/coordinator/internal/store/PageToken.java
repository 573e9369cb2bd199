package io.taskgrid.coordinator.internal.store;

import io.taskgrid.core.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of ListExecutions stopped: the submission time (ms, the index score) and id of the
 * last execution it examined. The next page starts after it. Opaque to clients: URL-safe base64
 * of {@code v1:<score>:<id>}.
 */
public record PageToken(long score, String executionId) {
  private static final String VERSION = "v1:";

  public PageToken {
    if (executionId == null || executionId.isEmpty()) throw new IllegalArgumentException("executionId must not be empty");
  }

  public String encode() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + score + ":" + executionId).getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a token from a request; INVALID_ARGUMENT naming {@code page_token} when it is not one of ours. */
  public static PageToken decode(String token) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!text.startsWith(VERSION)) throw invalid();
    int colon = text.indexOf(':', VERSION.length());
    if (colon < 0 || colon == text.length() - 1) throw invalid();
    try {
      return new PageToken(Long.parseLong(text.substring(VERSION.length(), colon)), text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw invalid();
    }
  }

  private static InvalidArgumentException invalid() {
    return new InvalidArgumentException("page_token", "is not a token returned by ListExecutions (pass next_page_token unchanged)");
  }
}
