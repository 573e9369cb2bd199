package io.taskgrid.wire.grpc;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Adds {@code authorization: Bearer <token>} to every call, asking {@code token} for each (it may
 * read a file, so it runs on the call's executor, not gRPC's network thread). A token that cannot
 * be had fails the call with UNAUTHENTICATED saying why, without the token.
 */
public final class BearerToken extends CallCredentials {
  /** The header, as the coordinators read it. */
  public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Supplier<String> token;

  public BearerToken(Supplier<String> token) {
    this.token = Objects.requireNonNull(token, "token");
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    executor.execute(() -> {
      String t;
      try {
        t = token.get();
      } catch (RuntimeException e) {
        applier.fail(Status.UNAUTHENTICATED.withDescription("no token to send: " + e.getMessage()));
        return;
      }
      if (t == null || t.isBlank()) {
        applier.fail(Status.UNAUTHENTICATED.withDescription("no token to send: the token is empty"));
        return;
      }
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + t.strip());
      applier.apply(headers);
    });
  }

  @Override
  public String toString() {
    return "BearerToken[****]";
  }
}
