package io.taskgrid.coordinator.internal.store;

import io.taskgrid.core.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Where a page of ListExecutions stopped: the submission time (ms, the index score) and id of the
 * last execution it examined, and the filters of the query it belongs to (a short hash, {@link
 * ExecutionQuery#filtersHash}). The next page starts after it; a token is only good with the
 * filters it was issued for, since a position in one filtered walk means nothing in another.
 * Opaque to clients: URL-safe base64 of {@code v2:<filters>:<score>:<id>}.
 */
public record PageToken(String filters, long score, String executionId) {
  private static final String VERSION = "v2:";
  private static final Pattern FILTERS = Pattern.compile("[0-9a-f]{" + ExecutionQuery.FILTERS_HASH_LENGTH + "}");

  public PageToken {
    if (filters == null || !FILTERS.matcher(filters).matches()) throw new IllegalArgumentException("filters must be a filters hash, got " + filters);
    if (executionId == null || executionId.isEmpty()) throw new IllegalArgumentException("executionId must not be empty");
  }

  public String encode() {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((VERSION + filters + ":" + score + ":" + executionId).getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a token from a request; INVALID_ARGUMENT naming {@code page_token} when it is not one of ours. */
  public static PageToken decode(String token) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid(token);
    }
    if (!text.startsWith(VERSION)) throw invalid(token);
    int filtersEnd = text.indexOf(':', VERSION.length());
    if (filtersEnd < 0) throw invalid(token);
    String filters = text.substring(VERSION.length(), filtersEnd);
    if (!FILTERS.matcher(filters).matches()) throw invalid(token);
    int colon = text.indexOf(':', filtersEnd + 1);
    if (colon < 0 || colon == text.length() - 1) throw invalid(token);
    try {
      return new PageToken(filters, Long.parseLong(text.substring(filtersEnd + 1, colon)), text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw invalid(token);
    }
  }

  private static InvalidArgumentException invalid(String token) {
    return new InvalidArgumentException("page_token", "is not a token returned by ListExecutions (pass next_page_token unchanged), got "
        + InvalidArgumentException.quote(token));
  }
}
