package io.taskgrid.cli;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.EquivalentAddressGroup;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The connection to the cluster: one channel (plaintext, or TLS with a token as the options say)
 * whose addresses are the coordinators in the order given; gRPC's pick_first connects to the first
 * that answers.
 */
final class Api implements AutoCloseable {
  private static final String SCHEME = "taskgrid-cli";

  private final ManagedChannel channel;
  private final Duration callTimeout;

  @SuppressWarnings("deprecation") // nameResolverFactory: the one way to give a channel its own resolver without a global registry
  Api(List<String> coordinators, Duration callTimeout, ChannelCredentials credentials) {
    this.callTimeout = callTimeout;
    this.channel = Grpc.newChannelBuilder(SCHEME + ":///coordinators", credentials)
        .nameResolverFactory(new Resolver.Factory(coordinators))
        .defaultLoadBalancingPolicy("pick_first")
        .intercept(new UnsupportedCall())
        .maxInboundMessageSize(64 * 1024 * 1024)
        .userAgent("taskgrid-cli")
        .build();
  }

  /** For one call: its deadline is --call-timeout from now. */
  TaskServiceGrpc.TaskServiceBlockingStub call() {
    return TaskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** For a stream that lasts as long as the user wants (watching): no deadline. */
  TaskServiceGrpc.TaskServiceBlockingStub stream() {
    return TaskServiceGrpc.newBlockingStub(channel);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** UNIMPLEMENTED becomes "this coordinator does not support GetStats": an older coordinator. */
  private static final class UnsupportedCall implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onClose(Status status, Metadata trailers) {
              if (status.getCode() == Status.Code.UNIMPLEMENTED) {
                status = Status.UNIMPLEMENTED.withDescription("this coordinator does not support " + method.getBareMethodName());
              }
              super.onClose(status, trailers);
            }
          }, headers);
        }
      };
    }
  }

  /** The fixed list of coordinators, looked up once: a CLI process lives for one command. */
  private static final class Resolver extends NameResolver {
    private final List<String> addresses;

    private Resolver(List<String> addresses) {
      this.addresses = addresses;
    }

    @Override
    public String getServiceAuthority() {
      return addresses.get(0);
    }

    @Override
    public void start(Listener2 listener) {
      List<EquivalentAddressGroup> resolved = new ArrayList<>();
      List<String> unknown = new ArrayList<>();
      for (String a : addresses) {
        int colon = a.lastIndexOf(':');
        String host = a.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port = Integer.parseInt(a.substring(colon + 1));
        try {
          List<SocketAddress> ips = new ArrayList<>();
          for (InetAddress ip : InetAddress.getAllByName(host)) ips.add(new InetSocketAddress(ip, port));
          // the authority of each: its TLS certificate is checked against its own name
          resolved.add(new EquivalentAddressGroup(ips, Attributes.newBuilder().set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, a).build()));
        } catch (UnknownHostException e) {
          unknown.add(a);
        }
      }
      if (resolved.isEmpty()) {
        listener.onError(Status.UNAVAILABLE.withDescription("cannot resolve " + String.join(", ", unknown)));
        return;
      }
      // one group per coordinator, in order: pick_first tries them in order
      listener.onResult2(ResolutionResult.newBuilder().setAddresses(resolved).build());
    }

    @Override
    public void shutdown() {}

    private static final class Factory extends NameResolver.Factory {
      private final List<String> addresses;

      Factory(List<String> addresses) {
        this.addresses = List.copyOf(addresses);
      }

      @Override
      public NameResolver newNameResolver(URI target, Args args) {
        return SCHEME.equals(target.getScheme()) ? new Resolver(addresses) : null;
      }

      @Override
      public String getDefaultScheme() {
        return SCHEME;
      }
    }
  }
}
