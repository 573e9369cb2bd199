package io.taskgrid.coordinator.internal.httpauth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.taskgrid.security.AuthMetadata;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.Arrays;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The credentials of one HTTP request, forwarded to the coordinator's in-process TaskService on
 * every call made for it: the {@code authorization} header (an API key or JWT as {@code Bearer
 * <token>}) and, on HTTPS, the client certificate the handshake verified ({@link
 * AuthMetadata#FORWARDED_CLIENT_CERTIFICATE}, honoured only by the in-process server). The service
 * authenticates and authorizes them exactly as it does a gRPC call. {@link #toString()} never shows
 * the token.
 *
 * @param authorization the {@code Authorization} value to forward, or null
 * @param clientCertificate the DER bytes of the verified client certificate, or null
 */
public record Caller(String authorization, byte[] clientCertificate) {
  /** A request without credentials. */
  public static final Caller NONE = new Caller(null, null);

  public Caller {
    if (authorization != null && !forwardable(authorization)) {
      throw new MalformedCredentials("Authorization: the header holds characters a token cannot hold (only printable ASCII)");
    }
    clientCertificate = clientCertificate == null ? null : clientCertificate.clone();
  }

  /** A credential refused before any call: too malformed to forward. Its message never holds the value. */
  public static final class MalformedCredentials extends RuntimeException {
    MalformedCredentials(String message) {
      super(message, null, false, false);
    }
  }

  /** The request's {@code Authorization} header and, on HTTPS, its verified client certificate. */
  public static Caller of(HttpExchange exchange) {
    return new Caller(exchange.getRequestHeaders().getFirst("Authorization"), clientCertificate(exchange));
  }

  /** The DER bytes of the client certificate an HTTPS handshake verified; null on HTTP or when the client sent none. */
  public static byte[] clientCertificate(HttpExchange exchange) {
    if (!(exchange instanceof HttpsExchange https) || https.getSSLSession() == null) return null;
    try {
      Certificate[] chain = https.getSSLSession().getPeerCertificates();
      return chain.length == 0 ? null : chain[0].getEncoded();
    } catch (SSLPeerUnverifiedException e) {
      return null; // client auth is "want" and the client presented none
    } catch (CertificateEncodingException e) {
      return null;
    }
  }

  /** This caller with {@code Bearer token} as its authorization (the dashboard's session cookie). */
  public Caller withBearer(String token) {
    return new Caller("Bearer " + token, clientCertificate);
  }

  /** Whether the request carries any credential at all. */
  public boolean hasCredentials() {
    return authorization != null || clientCertificate != null;
  }

  /** Whether a client certificate came with the request. */
  public boolean hasClientCertificate() {
    return clientCertificate != null;
  }

  /** {@code api} with these credentials added to every call's headers. */
  public Channel channel(Channel api) {
    if (!hasCredentials()) return api;
    Metadata headers = new Metadata();
    if (authorization != null) headers.put(AuthMetadata.AUTHORIZATION, authorization);
    if (clientCertificate != null) headers.put(AuthMetadata.FORWARDED_CLIENT_CERTIFICATE, clientCertificate);
    return ClientInterceptors.intercept(api, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Printable ASCII, as an HTTP/2 (gRPC) header value must be; no control character can smuggle another header. */
  static boolean forwardable(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Caller c && java.util.Objects.equals(authorization, c.authorization)
        && Arrays.equals(clientCertificate, c.clientCertificate);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Objects.hashCode(authorization) + Arrays.hashCode(clientCertificate);
  }

  @Override
  public String toString() {
    String scheme = authorization == null ? "none" : authorization.contains(" ") ? authorization.substring(0, authorization.indexOf(' ')) + " <redacted>" : "<redacted>";
    return "Caller[authorization=" + scheme + ", clientCertificate=" + (clientCertificate == null ? "none" : clientCertificate.length + " bytes") + "]";
  }
}
