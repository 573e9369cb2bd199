package io.taskgrid.security.testing;

import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A gRPC server over TLS for tests of clients: its certificate is issued by a {@link
 * TestCertificates} CA for {@code localhost} and {@code 127.0.0.1}; client certificates from the
 * same CA are asked for but optional. It records, for every call, the {@code authorization} header
 * and the client certificate presented, which shows exactly what a client sends. Given accepted
 * tokens, a call without one of them is refused with UNAUTHENTICATED.
 *
 * <pre>{@code
 * try (TlsTestServer server = TlsTestServer.start(ca, Set.of("tgk_ok"), new MyService())) {
 *   // connect to server.address() trusting ca.certificate()
 *   server.calls().getFirst().authorization(); // "Bearer tgk_ok"
 * }
 * }</pre>
 */
public final class TlsTestServer implements AutoCloseable {
  /** What a call carried: its method, its {@code authorization} header (null if none), its client certificate (null if none). */
  public record Call(String method, String authorization, X509Certificate clientCertificate) {}

  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Server server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Set<String> acceptedTokens;

  private TlsTestServer(TestCertificates ca, Set<String> acceptedTokens, BindableService... services) {
    this.acceptedTokens = Set.copyOf(acceptedTokens);
    TestCertificates.Issued cert = ca.server("test-server");
    try {
      TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
          .keyManager(cert.chain().toFile(), cert.privateKey().toFile())
          .trustManager(ca.certificate().toFile())
          .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL);
      ServerBuilder<?> b = Grpc.newServerBuilderForPort(0, tls.build());
      for (BindableService s : services) b.addService(ServerInterceptors.intercept(s, new Recorder()));
      this.server = b.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server of {@code services} that accepts any call. */
  public static TlsTestServer start(TestCertificates ca, BindableService... services) {
    return new TlsTestServer(ca, Set.of(), services);
  }

  /** A server of {@code services} that refuses with UNAUTHENTICATED a call without one of {@code acceptedTokens}. */
  public static TlsTestServer start(TestCertificates ca, Set<String> acceptedTokens, BindableService... services) {
    return new TlsTestServer(ca, acceptedTokens, services);
  }

  public int port() {
    return server.getPort();
  }

  /** {@code localhost:<port>}, the name its certificate is for. */
  public String address() {
    return "localhost:" + port();
  }

  /** Every call so far, in order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Recorder implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String authorization = headers.get(AUTHORIZATION);
      calls.add(new Call(call.getMethodDescriptor().getBareMethodName(), authorization, peer(call)));
      if (!acceptedTokens.isEmpty()) {
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        if (token == null || !acceptedTokens.contains(token)) {
          call.close(Status.UNAUTHENTICATED.withDescription(token == null ? "no bearer token" : "unknown API key"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
      }
      return next.startCall(call, headers);
    }

    private X509Certificate peer(ServerCall<?, ?> call) {
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      if (session == null) return null;
      try {
        Certificate[] chain = session.getPeerCertificates();
        return chain.length == 0 ? null : (X509Certificate) chain[0];
      } catch (SSLPeerUnverifiedException none) {
        return null;
      }
    }
  }
}
