package io.taskgrid.worker.internal;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.taskgrid.core.config.ApiClientSecurity;
import io.taskgrid.telemetry.Telemetry;
import io.taskgrid.wire.grpc.CoordinatorCredentials;
import java.util.List;

/**
 * The worker's channels to its coordinators, one per address (the reporter moves from one to the
 * next when a call fails), with the TLS and token of {@link ApiClientSecurity}.
 */
public final class CoordinatorChannels {
  private final ChannelCredentials credentials;

  /**
   * Reads the certificate and token files at once, so a bad one fails the worker's start.
   *
   * @throws io.taskgrid.core.config.ConfigException naming the variable of a file that cannot be read
   */
  public CoordinatorChannels(ApiClientSecurity security) {
    this.credentials = CoordinatorCredentials.of(security);
  }

  /** One channel per coordinator, traced when {@code openTelemetry} traces. Connects lazily. */
  public List<ManagedChannel> open(List<String> coordinators, OpenTelemetry openTelemetry) {
    boolean traced = Telemetry.isTracing(openTelemetry);
    return coordinators.stream()
        .map(a -> {
          var b = Grpc.newChannelBuilder(a, credentials).maxInboundMessageSize(16 * 1024 * 1024);
          if (traced) b.intercept(GrpcTelemetry.builder(openTelemetry).setEmitMessageEvents(false).build().createClientInterceptor());
          return b.build();
        })
        .toList();
  }
}
