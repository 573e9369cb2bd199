package io.taskgrid.security.auth;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.taskgrid.security.AuthMetadata;
import io.taskgrid.security.Identity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A one-method gRPC service for tests: answers who called and what they sent. */
public final class Echo {
  public static final String SERVICE = "test.Echo";
  public static final MethodDescriptor<String, String> SAY = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(SERVICE + "/Say")
      .setRequestMarshaller(Text.INSTANCE).setResponseMarshaller(Text.INSTANCE).build();
  public static final MethodDescriptor<String, String> OTHER = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(SERVICE + "/Other")
      .setRequestMarshaller(Text.INSTANCE).setResponseMarshaller(Text.INSTANCE).build();

  private Echo() {}

  /** Answers {@code <identity name>:<role>:<request>}. */
  public static ServerServiceDefinition service() {
    ServerCalls.UnaryMethod<String, String> say = (req, out) -> {
      Identity who = Identity.current();
      out.onNext(who.name() + ":" + who.role().label() + ":" + req);
      out.onCompleted();
    };
    return ServerServiceDefinition.builder(SERVICE).addMethod(SAY, ServerCalls.asyncUnaryCall(say))
        .addMethod(OTHER, ServerCalls.asyncUnaryCall(say)).build();
  }

  public static String say(Channel channel, String text) {
    return ClientCalls.blockingUnaryCall(channel, SAY, CallOptions.DEFAULT, text);
  }

  public static String say(Channel channel, String token, String text) {
    Metadata h = new Metadata();
    h.put(AuthMetadata.AUTHORIZATION, "Bearer " + token);
    return say(io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(h)), text);
  }

  private enum Text implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
