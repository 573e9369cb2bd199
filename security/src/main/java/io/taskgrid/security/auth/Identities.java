package io.taskgrid.security.auth;

import io.taskgrid.security.Identity;
import java.util.Map;
import java.util.Optional;

/**
 * The identities of an identities file: API keys by their stored hash, client certificates by
 * common name.
 */
public record Identities(Map<String, Identity> apiKeys, Map<String, Identity> certificates) {
  /** No one. */
  public static final Identities NONE = new Identities(Map.of(), Map.of());

  public Identities {
    apiKeys = Map.copyOf(apiKeys);
    certificates = Map.copyOf(certificates);
  }

  /** The identity of the API key {@code key} (given as sent, compared by hash). */
  public Optional<Identity> byApiKey(String key) {
    return Optional.ofNullable(apiKeys.get(ApiKeys.hash(key)));
  }

  /** The identity of client certificates with this common name. */
  public Optional<Identity> byCommonName(String commonName) {
    return Optional.ofNullable(certificates.get(commonName));
  }

  @Override
  public String toString() {
    return "Identities[" + apiKeys.size() + " API keys, " + certificates.size() + " certificates]";
  }
}
