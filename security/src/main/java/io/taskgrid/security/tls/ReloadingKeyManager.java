package io.taskgrid.security.tls;

import io.taskgrid.security.internal.Reloading;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's certificate chain and key, read again when their files change (see {@link
 * Reloading}). Each pair gets a new alias, so a TLS stack that caches key material by alias still
 * picks up a new pair; the previous pair stays reachable for a handshake that began before a reload.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
  /** A chain with its key, under the alias handshakes know it by. */
  record Material(String alias, X509Certificate[] chain, PrivateKey key) {}

  private final Reloading<ServerTls.KeyPairFiles> source;
  private volatile Material current;
  private volatile Material previous;

  ReloadingKeyManager(Reloading<ServerTls.KeyPairFiles> source) {
    this.source = source;
    this.current = material();
  }

  /** The pair in use now, reloading first when the files changed. */
  Material current() {
    long generation = source.generation();
    Material c = current;
    if (!c.alias().equals(alias(generation))) {
      synchronized (this) {
        if (!current.alias().equals(alias(generation))) {
          previous = current;
          current = material();
        }
      }
    }
    return current;
  }

  private Material material() {
    long generation = source.generation();
    ServerTls.KeyPairFiles pair = source.get();
    return new Material(alias(generation), pair.chain().toArray(X509Certificate[]::new), pair.key());
  }

  private static String alias(long generation) {
    return "taskgrid-" + generation;
  }

  private Material byAlias(String alias) {
    Material c = current;
    if (c.alias().equals(alias)) return c;
    Material p = previous;
    return p != null && p.alias().equals(alias) ? p : null;
  }

  private String aliasFor(String keyType) {
    Material m = current();
    return matches(keyType, m.key()) ? m.alias() : null;
  }

  static boolean matches(String keyType, PrivateKey key) {
    if (keyType == null) return true;
    String algorithm = key.getAlgorithm();
    return switch (keyType) {
      case "RSA", "RSASSA-PSS" -> algorithm.equals("RSA") || algorithm.equals("RSASSA-PSS");
      case "EC" -> algorithm.equals("EC");
      case "EdDSA", "Ed25519" -> algorithm.equals("EdDSA") || algorithm.equals("Ed25519");
      default -> false;
    };
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Material m = byAlias(alias);
    return m == null ? null : m.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Material m = byAlias(alias);
    return m == null ? null : m.key();
  }

  // a server key manager: it never acts as a client
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
