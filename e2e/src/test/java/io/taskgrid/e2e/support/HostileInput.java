package io.taskgrid.e2e.support;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.util.JsonFormat;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Generated bad requests for any gRPC method, from its request type's descriptor: for each field
 * (nested messages too, a few levels deep) values its type allows but the service should refuse or
 * survive (overflowing and negative numbers, unknown enum numbers, strings just under and over
 * common limits, path traversal, NUL, invalid UTF-8 written as raw bytes, huge repeated fields and
 * maps), and whole messages that are not protobuf at all. Everything random comes from one seed
 * ({@link #seed()}), so a failure is repeated by running again with the seed it prints.
 */
public final class HostileInput {
  /** The system property that changes the seed. */
  public static final String SEED_PROPERTY = "taskgrid.hostile.seed";
  private static final long DEFAULT_SEED = 14L;

  private HostileInput() {}

  /** The seed of this run: {@value #SEED_PROPERTY} when set, a fixed one otherwise. */
  public static long seed() {
    String s = System.getProperty(SEED_PROPERTY);
    return s == null || s.isBlank() ? DEFAULT_SEED : Long.parseLong(s.trim());
  }

  /** How a failure names the seed, so it can be run again. */
  public static String rerun(long seed) {
    return "seed " + seed + " (run again with -D" + SEED_PROPERTY + "=" + seed + ")";
  }

  /** One bad request: what was changed, and the bytes sent as the whole request message. */
  public record Case(String method, String what, byte[] bytes) {
    @Override
    public String toString() {
      return method + " [" + what + "] (" + bytes.length + " bytes)";
    }
  }

  /** The protobuf type of {@code method}'s request. */
  public static Descriptor inputType(MethodDescriptor<?, ?> method) {
    return ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor().getInputType();
  }

  /** Every field name of {@code type} and the messages under it, snake_case and lowerCamelCase. */
  public static Set<String> fieldNames(Descriptor type) {
    Set<String> names = new TreeSet<>();
    collect(type, names, new java.util.HashSet<>());
    return names;
  }

  private static void collect(Descriptor type, Set<String> names, Set<String> seen) {
    if (!seen.add(type.getFullName())) return;
    for (FieldDescriptor f : type.getFields()) {
      names.add(f.getName());
      names.add(f.getJsonName());
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) collect(f.getMessageType(), names, seen);
    }
  }

  /** {@code json} (proto3 JSON of {@code type}) as a message to start the changes from. */
  public static DynamicMessage base(Descriptor type, String json) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
    try {
      JsonFormat.parser().merge(json, b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("bad base request for " + type.getFullName() + ": " + json, e);
    }
    return b.build();
  }

  /**
   * The bad requests for {@code method}: each field of {@code base} changed to each bad value of
   * its type (fields of messages down to {@code maxDepth} levels), then {@code perMethod} of them
   * picked by {@code random}; plus, always, whole messages of random bytes, the base cut short, and
   * a message nested far deeper than protobuf parses.
   */
  public static List<Case> casesFor(MethodDescriptor<?, ?> method, DynamicMessage base, Random random, int perMethod, int payloadLimit) {
    String name = method.getBareMethodName();
    List<Case> fieldCases = new ArrayList<>();
    walk(base, base.getDescriptorForType(), List.of(), 3, payloadLimit, random, (what, message) -> fieldCases.add(new Case(name, what, message.toByteArray())));
    Collections.shuffle(fieldCases, random);
    List<Case> cases = new ArrayList<>(fieldCases.subList(0, Math.min(perMethod, fieldCases.size())));
    for (int i = 0; i < 4; i++) {
      byte[] noise = new byte[1 + random.nextInt(i == 3 ? 64 * 1024 : 512)];
      random.nextBytes(noise);
      cases.add(new Case(name, "random bytes #" + i, noise));
    }
    byte[] whole = base.toByteArray();
    if (whole.length > 1) cases.add(new Case(name, "the base request cut short", java.util.Arrays.copyOf(whole, whole.length - 1)));
    cases.add(new Case(name, "nested 5000 levels deep", nested(firstMessageField(base.getDescriptorForType()), 5000)));
    return cases;
  }

  private static int firstMessageField(Descriptor type) {
    for (FieldDescriptor f : type.getFields()) {
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) return f.getNumber();
    }
    return 1;
  }

  /** {@code depth} messages each holding the next in field {@code number}. */
  static byte[] nested(int number, int depth) {
    byte[] inner = new byte[0];
    for (int i = 0; i < depth; i++) {
      ByteString.Output out = ByteString.newOutput(inner.length + 8);
      try {
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeByteArray(number, inner);
        c.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      inner = out.toByteString().toByteArray();
    }
    return inner;
  }

  /** A bad value for a field, written into the builder of the message that holds it. */
  private record Bad(String what, BiConsumer<DynamicMessage.Builder, FieldDescriptor> apply) {}

  private static void walk(DynamicMessage base, Descriptor type, List<FieldDescriptor> path, int maxDepth, int payloadLimit, Random random,
      BiConsumer<String, DynamicMessage> out) {
    for (FieldDescriptor f : type.getFields()) {
      List<FieldDescriptor> p = new ArrayList<>(path);
      p.add(f);
      String name = String.join(".", p.stream().map(FieldDescriptor::getName).toList());
      for (Bad bad : badValues(f, path.isEmpty(), payloadLimit, random)) {
        out.accept(name + " = " + bad.what(), set(base, p, bad));
      }
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isMapField() && p.size() < maxDepth) {
        walk(base, f.getMessageType(), p, maxDepth, payloadLimit, random, out);
      }
    }
  }

  private static DynamicMessage set(DynamicMessage message, List<FieldDescriptor> path, Bad bad) {
    FieldDescriptor f = path.get(0);
    DynamicMessage.Builder b = message.toBuilder();
    if (path.size() == 1) {
      bad.apply().accept(b, f);
      return b.build();
    }
    DynamicMessage child;
    if (f.isRepeated()) {
      child = message.getRepeatedFieldCount(f) > 0 ? (DynamicMessage) message.getRepeatedField(f, 0) : DynamicMessage.getDefaultInstance(f.getMessageType());
    } else {
      child = message.hasField(f) ? (DynamicMessage) message.getField(f) : DynamicMessage.getDefaultInstance(f.getMessageType());
    }
    DynamicMessage changed = set(child, path.subList(1, path.size()), bad);
    if (f.isRepeated()) {
      b.clearField(f);
      b.addRepeatedField(f, changed);
    } else {
      b.setField(f, changed);
    }
    return b.build();
  }

  private static final List<String> STRINGS = List.of("", " ", "\t \n", "..", "../../../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e",
      "%zz", "a\u0000b", "ok\u0000/../x", "/", "\\..\\..\\windows", "\uD800", "\u202Eevil", "💥", "x".repeat(255), "x".repeat(256),
      "x".repeat(1024), "x".repeat(1025), "x".repeat(64 * 1024 + 1));
  private static final List<byte[]> INVALID_UTF8 = List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF, (byte) 0xFE},
      new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {'a', (byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0x80});

  private static List<Bad> badValues(FieldDescriptor f, boolean topLevel, int payloadLimit, Random random) {
    List<Bad> bad = new ArrayList<>();
    if (f.isMapField()) {
      Descriptor entry = f.getMessageType();
      bad.add(new Bad("10001 entries", (b, field) -> {
        for (int i = 0; i <= 10_000; i++) b.addRepeatedField(field, mapEntry(entry, "k" + i, "v"));
      }));
      for (String key : List.of("", "../etc", "a\u0000b", "x".repeat(64 * 1024 + 1))) {
        bad.add(new Bad("an entry with key " + show(key), (b, field) -> b.addRepeatedField(field, mapEntry(entry, key, "v"))));
      }
      bad.add(new Bad("an entry with a value of 1 MiB", (b, field) -> b.addRepeatedField(field, mapEntry(entry, "k", "v".repeat(1 << 20)))));
      bad.add(new Bad("an entry whose key is not UTF-8", (b, field) -> raw(b, field, entryWithRawKey(INVALID_UTF8.get(0)))));
      return bad;
    }
    switch (f.getType()) {
      case STRING -> {
        List<String> values = new ArrayList<>(STRINGS);
        if (topLevel) values.add("x".repeat((1 << 20) + 1));
        for (String v : values) bad.add(new Bad(show(v), (b, field) -> setOrAdd(b, field, v)));
        for (byte[] v : INVALID_UTF8) bad.add(new Bad("invalid UTF-8 " + java.util.HexFormat.of().formatHex(v), (b, field) -> raw(b, field, v)));
        if (f.isRepeated()) {
          bad.add(new Bad("10001 elements", (b, field) -> {
            for (int i = 0; i <= 10_000; i++) b.addRepeatedField(field, "e" + i);
          }));
        }
      }
      case BYTES -> {
        for (int size : List.of(0, payloadLimit, payloadLimit + 1, 4 * payloadLimit + 1)) {
          bad.add(new Bad(size + " random bytes", (b, field) -> {
            byte[] v = new byte[size];
            random.nextBytes(v);
            setOrAdd(b, field, ByteString.copyFrom(v));
          }));
        }
      }
      case INT32, SINT32, SFIXED32 -> {
        for (int v : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE}) bad.add(new Bad(Integer.toString(v), (b, field) -> setOrAdd(b, field, v)));
        overflowing(bad);
      }
      case UINT32, FIXED32 -> {
        bad.add(new Bad("2^32 - 1", (b, field) -> setOrAdd(b, field, -1)));
        overflowing(bad);
      }
      case INT64, SINT64, SFIXED64, UINT64, FIXED64 -> {
        for (long v : new long[] {-1, Long.MIN_VALUE, Long.MAX_VALUE}) bad.add(new Bad(Long.toString(v), (b, field) -> setOrAdd(b, field, v)));
      }
      case BOOL -> bad.add(new Bad("varint 2^63 - 1 as a bool", (b, field) -> rawVarint(b, field, Long.MAX_VALUE)));
      case DOUBLE -> {
        for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1, Double.MAX_VALUE}) {
          bad.add(new Bad(Double.toString(v), (b, field) -> setOrAdd(b, field, v)));
        }
      }
      case FLOAT -> {
        for (float v : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1, Float.MAX_VALUE}) {
          bad.add(new Bad(Float.toString(v), (b, field) -> setOrAdd(b, field, v)));
        }
      }
      case ENUM -> {
        EnumDescriptor type = f.getEnumType();
        for (int n : new int[] {999, -1, Integer.MAX_VALUE}) {
          bad.add(new Bad("enum number " + n, (b, field) -> setOrAdd(b, field, type.findValueByNumberCreatingIfUnknown(n))));
        }
        if (f.isRepeated()) {
          bad.add(new Bad("10001 unknown enum numbers", (b, field) -> {
            for (int i = 0; i <= 10_000; i++) b.addRepeatedField(field, type.findValueByNumberCreatingIfUnknown(1000 + i));
          }));
        }
      }
      case MESSAGE, GROUP -> {
        bad.add(new Bad("random bytes as the message", (b, field) -> {
          byte[] v = new byte[64];
          random.nextBytes(v);
          raw(b, field, v);
        }));
        bad.add(new Bad("nested 5000 levels deep", (b, field) -> raw(b, field, nested(1, 5000))));
        if (f.isRepeated()) {
          bad.add(new Bad("10001 elements", (b, field) -> {
            DynamicMessage element = b.getRepeatedFieldCount(field) > 0 ? (DynamicMessage) b.getRepeatedField(field, 0)
                : DynamicMessage.getDefaultInstance(field.getMessageType());
            for (int i = 0; i < 10_000; i++) b.addRepeatedField(field, element);
          }));
        }
      }
    }
    return bad;
  }

  private static void overflowing(List<Bad> bad) {
    bad.add(new Bad("varint 2^63 - 1 (overflows 32 bits)", (b, field) -> rawVarint(b, field, Long.MAX_VALUE)));
    bad.add(new Bad("varint 2^32 (overflows 32 bits)", (b, field) -> rawVarint(b, field, 1L << 32)));
  }

  private static String show(String v) {
    String s = v.length() > 24 ? v.substring(0, 8) + "… (" + v.length() + " chars)" : v;
    return "\"" + s.replace("\u0000", "\\0").replace("\n", "\\n").replace("\t", "\\t") + "\"";
  }

  private static void setOrAdd(DynamicMessage.Builder b, FieldDescriptor f, Object value) {
    if (f.isRepeated()) {
      b.addRepeatedField(f, value);
    } else {
      b.setField(f, value);
    }
  }

  private static DynamicMessage mapEntry(Descriptor entry, String key, String value) {
    DynamicMessage.Builder e = DynamicMessage.newBuilder(entry);
    FieldDescriptor k = entry.findFieldByName("key");
    FieldDescriptor v = entry.findFieldByName("value");
    if (k.getType() == FieldDescriptor.Type.STRING) e.setField(k, key);
    if (v.getType() == FieldDescriptor.Type.STRING) e.setField(v, value);
    return e.build();
  }

  private static byte[] entryWithRawKey(byte[] key) {
    ByteString.Output out = ByteString.newOutput();
    try {
      CodedOutputStream c = CodedOutputStream.newInstance(out);
      c.writeByteArray(1, key);
      c.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteString().toByteArray();
  }

  /** {@code bytes} as the field's wire value (length-delimited), bypassing every check of the Java API. */
  private static void raw(DynamicMessage.Builder b, FieldDescriptor f, byte[] bytes) {
    if (!f.isRepeated()) b.clearField(f);
    b.setUnknownFields(UnknownFieldSet.newBuilder(b.getUnknownFields())
        .mergeField(f.getNumber(), UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(bytes)).build()).build());
  }

  private static void rawVarint(DynamicMessage.Builder b, FieldDescriptor f, long value) {
    if (!f.isRepeated()) b.clearField(f);
    b.setUnknownFields(UnknownFieldSet.newBuilder(b.getUnknownFields())
        .mergeField(f.getNumber(), UnknownFieldSet.Field.newBuilder().addVarint(value).build()).build());
  }

  /** A marshaller that sends and receives messages as they are on the wire. */
  public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /** {@code method} with its messages as raw bytes. */
  public static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(method.getType()).setFullMethodName(method.getFullMethodName())
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
  }
}
