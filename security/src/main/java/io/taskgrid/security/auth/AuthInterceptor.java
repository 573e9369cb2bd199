package io.taskgrid.security.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.taskgrid.security.AuthMetadata;
import io.taskgrid.security.Identity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every call and authorizes it by the table of {@link AccessRule}s: UNAUTHENTICATED
 * when the caller cannot be established, PERMISSION_DENIED when its role or allow-lists do not
 * cover the call. The identity is put in {@link Identity#CONTEXT_KEY} for the service.
 *
 * <p>Allow-lists are checked on each request message, before the service sees it. Denials, and the
 * allowed calls of mutating methods, are written to the {@value #AUDIT_LOGGER} logger: identity,
 * method, peer and reason; never a token.
 *
 * <p>A method missing from the table is refused: a new rpc is closed until it is given a rule.
 * Services bound with {@code ServerInterceptors.useInputStreamMessages} (the coordinator's, so that
 * their own interceptor maps a malformed message to INVALID_ARGUMENT) pass messages as streams: a
 * restricted identity's request is read into memory once (it is already bounded by the server's
 * maximum message size), shown to the scope and handed on.
 */
public final class AuthInterceptor implements ServerInterceptor {
  /** The logger of audit lines. */
  public static final String AUDIT_LOGGER = "taskgrid.audit";
  private static final Logger audit = LoggerFactory.getLogger(AUDIT_LOGGER);

  private final Authenticator authenticator;
  private final Map<String, AccessRule> rules;
  private final boolean trustForwardedCertificate;

  /**
   * @param rules by full method name ({@code taskgrid.v1.TaskService/SubmitTask})
   * @param trustForwardedCertificate whether {@link AuthMetadata#FORWARDED_CLIENT_CERTIFICATE} is believed:
   *     only on the coordinator's in-process server, whose only callers are its own HTTPS handlers
   */
  public AuthInterceptor(Authenticator authenticator, Map<String, AccessRule> rules, boolean trustForwardedCertificate) {
    this.authenticator = authenticator;
    this.rules = Map.copyOf(rules);
    this.trustForwardedCertificate = trustForwardedCertificate;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    AccessRule rule = rules.get(method);
    if (rule != null && rule.isOpen()) return next.startCall(call, headers);
    Identity who;
    try {
      who = authenticate(call, headers);
    } catch (AuthenticationException e) {
      audit.info("unauthenticated method={} peer={} reason=\"{}\"", method, peer(call), e.getMessage());
      call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    if (rule == null) return deny(call, who, method, "no access rule for " + method);
    if (rule.role() != null && !who.role().includes(rule.role())) {
      return deny(call, who, method, "role " + who.role().label() + " may not call " + shortName(method) + " (needs " + rule.role().label() + ")");
    }
    ServerCall.Listener<Q> served = Contexts.interceptCall(Context.current().withValue(Identity.CONTEXT_KEY, who), call, headers, next);
    if (!who.restricted() || rule.scope() == AccessRule.Scope.ANY) {
      if (rule.mutating()) allowed(call, who, method);
      return served;
    }
    return new Scoped<>(served, call, who, method, rule);
  }

  private Identity authenticate(ServerCall<?, ?> call, Metadata headers) {
    String authorization = headers.get(AuthMetadata.AUTHORIZATION);
    String token = AuthMetadata.bearer(authorization);
    if (authorization != null && token == null) throw new AuthenticationException("the authorization header is not 'Bearer <token>'");
    return authenticator.authenticate(token, token != null ? null : clientCertificate(call, headers));
  }

  private X509Certificate clientCertificate(ServerCall<?, ?> call, Metadata headers) {
    if (trustForwardedCertificate) {
      byte[] der = headers.get(AuthMetadata.FORWARDED_CLIENT_CERTIFICATE);
      if (der != null) {
        try {
          return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
          throw new AuthenticationException("the forwarded client certificate is not an X.509 certificate");
        }
      }
    }
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) return null;
    try {
      var certs = session.getPeerCertificates();
      return certs.length > 0 && certs[0] instanceof X509Certificate x ? x : null;
    } catch (SSLPeerUnverifiedException e) {
      return null; // no client certificate (client auth optional or off)
    }
  }

  private <Q, R> ServerCall.Listener<Q> deny(ServerCall<Q, R> call, Identity who, String method, String reason) {
    denied(call, who, method, reason);
    call.close(Status.PERMISSION_DENIED.withDescription(reason), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private static void denied(ServerCall<?, ?> call, Identity who, String method, String reason) {
    audit.warn("denied identity={} role={} by={} method={} peer={} reason=\"{}\"", who.name(), who.role().label(), who.authenticatedBy(), method,
        peer(call), reason);
  }

  private static void allowed(ServerCall<?, ?> call, Identity who, String method) {
    audit.info("allowed identity={} role={} by={} method={} peer={}", who.name(), who.role().label(), who.authenticatedBy(), method, peer(call));
  }

  private static Object peer(ServerCall<?, ?> call) {
    return call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
  }

  private static String shortName(String method) {
    return method.substring(method.lastIndexOf('/') + 1);
  }

  /** Checks each request of a restricted identity against its allow-lists before the service sees it. */
  private static final class Scoped<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, R> call;
    private final Identity who;
    private final String method;
    private final AccessRule rule;
    private boolean denied;
    private boolean logged;

    Scoped(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, Identity who, String method, AccessRule rule) {
      super(delegate);
      this.call = call;
      this.who = who;
      this.method = method;
      this.rule = rule;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMessage(Q message) {
      if (denied) return;
      Object inspected = message;
      if (message instanceof InputStream raw) { // a service taking raw messages: the scope and the service each get the bytes
        byte[] bytes;
        try {
          bytes = raw.readAllBytes();
        } catch (IOException e) {
          denied = true;
          call.close(Status.CANCELLED.withDescription("the request could not be read"), new Metadata());
          return;
        }
        inspected = new ByteArrayInputStream(bytes);
        message = (Q) new ByteArrayInputStream(bytes);
      }
      Optional<String> reason;
      try {
        reason = rule.scope().denial(who, inspected);
      } catch (RuntimeException e) {
        reason = Optional.of("cannot check the request against the allow-lists: " + e.getClass().getSimpleName());
      }
      if (reason.isPresent()) {
        denied = true;
        denied(call, who, method, reason.get());
        call.close(Status.PERMISSION_DENIED.withDescription(reason.get()), new Metadata());
        return;
      }
      if (rule.mutating() && !logged) {
        logged = true;
        allowed(call, who, method);
      }
      super.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (!denied) super.onHalfClose();
    }

    @Override
    public void onReady() {
      if (!denied) super.onReady();
    }
  }
}
