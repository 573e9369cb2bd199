package io.taskgrid.client.internal;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.util.concurrent.ExecutorService;

/** Builds the one channel of a client over all its coordinators. */
public final class Channels {
  private Channels() {}

  /**
   * A channel (plaintext, or TLS as {@code security} says) that balances calls round-robin over the coordinators that are up. A
   * coordinator that goes down is skipped until it is reachable again; calls fail with
   * UNAVAILABLE only while none is. Connects lazily, on the first call.
   *
   * @param options the validated settings; at least one coordinator
   * @param credentials plaintext or TLS ({@link ClientSecurity#channelCredentials()}; the token is added per call)
   * @param executor runs the channel's callbacks
   */
  @SuppressWarnings("deprecation") // nameResolverFactory: the one way to give a channel its own resolver without a global registry
  public static ManagedChannel forCoordinators(ClientOptions options, ChannelCredentials credentials, ExecutorService executor) {
    return Grpc.newChannelBuilder(StaticNameResolver.SCHEME + ":///coordinators", credentials)
        .nameResolverFactory(new StaticNameResolver.Factory(options.coordinators()))
        .defaultLoadBalancingPolicy("round_robin")
        .maxInboundMessageSize(options.maxInboundMessageSize())
        .executor(executor)
        .userAgent("taskgrid-java-sdk")
        .build();
  }
}
