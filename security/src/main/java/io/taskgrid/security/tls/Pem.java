package io.taskgrid.security.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files as operators get them. Certificates: one or more {@code BEGIN CERTIFICATE} blocks.
 * Private keys, unencrypted: PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC or Ed25519), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) and SEC1 ({@code BEGIN EC PRIVATE KEY}). Errors say what is wrong
 * with the file, never its content.
 */
public final class Pem {
  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
  private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500"); // SEQ { rsaEncryption, NULL }
  private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201"); // id-ecPublicKey

  private Pem() {}

  /** The certificates in {@code file}, in order (a chain starts with the leaf). */
  public static List<X509Certificate> certificates(Path file) {
    byte[] bytes = read(file);
    try {
      List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes)).stream()
          .map(c -> (X509Certificate) c).toList();
      if (certs.isEmpty()) throw new IllegalArgumentException("has no PEM certificate (-----BEGIN CERTIFICATE-----)");
      return certs;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("is not a PEM certificate file (-----BEGIN CERTIFICATE-----)");
    }
  }

  /** The private key in {@code file}. */
  public static PrivateKey privateKey(Path file) {
    String text = new String(read(file), StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2).trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("has a " + type + " block that is not base64");
      }
      switch (type) {
        case "PRIVATE KEY" -> {
          return pkcs8(der);
        }
        case "RSA PRIVATE KEY" -> {
          return pkcs8(sequence(der(0x02, new byte[] {0}), RSA_ALGORITHM, der(0x04, der)));
        }
        case "EC PRIVATE KEY" -> {
          return pkcs8(sequence(der(0x02, new byte[] {0}), sequence(EC_PUBLIC_KEY_OID, sec1Curve(der)), der(0x04, der)));
        }
        case "ENCRYPTED PRIVATE KEY" ->
            throw new IllegalArgumentException("holds an encrypted key; decrypt it (openssl pkcs8 -topk8 -nocrypt) and protect the file instead");
        default -> { } // e.g. EC PARAMETERS before the key: skip
      }
    }
    throw new IllegalArgumentException("has no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  private static PrivateKey pkcs8(byte[] der) {
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // not this algorithm; try the next
      }
    }
    throw new IllegalArgumentException("has a private key that is neither RSA, EC nor Ed25519, or is damaged");
  }

  /** The curve OID (tag, length and value) in the [0] parameters of a SEC1 ECPrivateKey. */
  private static byte[] sec1Curve(byte[] der) {
    try {
      int[] outer = header(der, 0);
      int i = outer[0];
      int end = outer[0] + outer[1];
      while (i < end) {
        int[] h = header(der, i);
        if ((der[i] & 0xff) == 0xa0) {
          int[] oid = header(der, h[0]);
          return java.util.Arrays.copyOfRange(der, h[0], oid[0] + oid[1]);
        }
        i = h[0] + h[1];
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      // falls through
    }
    throw new IllegalArgumentException("has an EC PRIVATE KEY without its curve; convert it with openssl pkcs8 -topk8 -nocrypt");
  }

  /** {offset of the value, length of the value} of the DER element at {@code at}. */
  private static int[] header(byte[] der, int at) {
    int len = der[at + 1] & 0xff;
    int i = at + 2;
    if (len > 0x80) {
      int n = len & 0x7f;
      len = 0;
      for (int k = 0; k < n; k++) len = (len << 8) | (der[i++] & 0xff);
    }
    return new int[] {i, len};
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) body.writeBytes(p);
    return der(0x30, body.toByteArray());
  }

  private static byte[] der(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int k = bytes - 1; k >= 0; k--) out.write((n >>> (8 * k)) & 0xff);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] hex(String s) {
    return java.util.HexFormat.of().parseHex(s);
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }
}
