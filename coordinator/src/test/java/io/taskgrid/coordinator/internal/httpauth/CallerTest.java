package io.taskgrid.coordinator.internal.httpauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WhoAmIRequest;
import io.taskgrid.proto.v1.WhoAmIResponse;
import io.taskgrid.security.AuthMetadata;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CallerTest {

  @Test
  void neverShowsTheTokenWhenPrinted() {
    Caller caller = new Caller("Bearer tg_secret_value", new byte[] {1, 2, 3});

    assertThat(caller.toString()).doesNotContain("tg_secret_value").contains("Bearer <redacted>").contains("3 bytes");
    assertThat(new Caller("tg_secret_value", null).toString()).doesNotContain("tg_secret_value");
    assertThat(Caller.NONE.toString()).isEqualTo("Caller[authorization=none, clientCertificate=none]");
  }

  @Test
  void refusesAnAuthorizationThatCouldNotBeAHeaderWithoutRepeatingIt() {
    assertThatThrownBy(() -> new Caller("Bearer abc\r\nx-injected: 1", null)).isInstanceOf(Caller.MalformedCredentials.class)
        .hasMessage("Authorization: the header holds characters a token cannot hold (only printable ASCII)");
    assertThatThrownBy(() -> Caller.NONE.withBearer("clé")).isInstanceOf(Caller.MalformedCredentials.class)
        .hasMessageNotContaining("clé");
  }

  @Test
  void forwardsTheAuthorizationAndTheClientCertificateOnEveryCall() throws Exception {
    AtomicReference<Metadata> seen = new AtomicReference<>();
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        seen.set(headers);
        return next.startCall(call, headers);
      }
    };
    TaskServiceGrpc.TaskServiceImplBase service = new TaskServiceGrpc.TaskServiceImplBase() {
      @Override
      public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> out) {
        out.onNext(WhoAmIResponse.getDefaultInstance());
        out.onCompleted();
      }
    };
    String name = "caller-test-" + System.nanoTime();
    Server server = InProcessServerBuilder.forName(name).addService(ServerInterceptors.intercept(service, capture)).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      TaskServiceGrpc.newBlockingStub(new Caller("Bearer k1", new byte[] {9, 8}).channel(channel)).whoAmI(WhoAmIRequest.getDefaultInstance());
      assertThat(seen.get().get(AuthMetadata.AUTHORIZATION)).isEqualTo("Bearer k1");
      assertThat(seen.get().get(AuthMetadata.FORWARDED_CLIENT_CERTIFICATE)).containsExactly(9, 8);

      TaskServiceGrpc.newBlockingStub(Caller.NONE.channel(channel)).whoAmI(WhoAmIRequest.getDefaultInstance());
      assertThat(seen.get().get(AuthMetadata.AUTHORIZATION)).isNull();
      assertThat(seen.get().get(AuthMetadata.FORWARDED_CLIENT_CERTIFICATE)).isNull();
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }
}
