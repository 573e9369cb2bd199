package io.taskgrid.coordinator.internal.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.NotFoundException;
import io.taskgrid.core.TaskgridException;
import io.taskgrid.core.UnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from exceptions to gRPC {@link Status}: used by the interceptor for exceptions
 * thrown inside a call, and by asynchronous completions that report errors themselves.
 */
public final class GrpcErrors implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

  /**
   * A request as it came on the wire. Both directions say how long the message is: gRPC's message
   * streams and {@link #knownLength} implement {@link io.grpc.KnownLength}, so the bytes are read
   * into one array of their size (where {@code readAllBytes} starts with a 16 KiB buffer and copies)
   * and protobuf's marshaller parses from that array (where, from a plain stream, it allocates a
   * 4 KiB decoder buffer): both were a sixth of the coordinator's CPU on small calls such as
   * GetExecution.
   */
  private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return knownLength(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        if (stream instanceof io.grpc.KnownLength) {
          byte[] bytes = new byte[stream.available()];
          int read = stream.readNBytes(bytes, 0, bytes.length);
          int next = stream.read();
          if (read == bytes.length && next == -1) return bytes;
          // the length was not the whole message after all: the rest as it comes
          java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
          all.write(bytes, 0, read);
          if (next != -1) all.write(next);
          stream.transferTo(all);
          return all.toByteArray();
        }
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("cannot read the request").withCause(e).asRuntimeException();
      }
    }
  };

  /** {@code bytes} as a stream that tells its length, so that protobuf parses it from the array. */
  public static InputStream knownLength(byte[] bytes) {
    return new KnownLengthBytes(bytes);
  }

  private static final class KnownLengthBytes extends ByteArrayInputStream implements io.grpc.KnownLength {
    KnownLengthBytes(byte[] bytes) {
      super(bytes);
    }
  }

  /**
   * A response as the service's own marshaller streams it, handed to the transport as it is: gRPC
   * writes a protobuf stream straight into its frame, where a byte-array response marshaller
   * would serialize every response into an array first and copy it again.
   */
  private static final MethodDescriptor.Marshaller<InputStream> STREAMED = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  };

  /**
   * {@code service} behind this interceptor, with its requests parsed inside the interceptor's
   * reach: a request that is not a valid protobuf message (bytes cut short, a string that is not
   * UTF-8) is INVALID_ARGUMENT, where gRPC, parsing it before any interceptor, would answer UNKNOWN.
   * {@code outer} interceptors (listed innermost first) wrap this one.
   */
  public ServerServiceDefinition guard(BindableService service, ServerInterceptor... outer) {
    ServerInterceptor[] all = new ServerInterceptor[outer.length + 1];
    all[0] = this; // innermost: outer interceptors (tracing) see the status it maps
    System.arraycopy(outer, 0, all, 1, outer.length);
    // requests come as bytes to be parsed inside this interceptor, which can then tell which field broke the parse
    return ServerInterceptors.intercept(ServerInterceptors.useMarshalledMessages(service.bindService(), RAW, STREAMED), all);
  }

  /** The status a client should see for {@code error}. */
  public static StatusRuntimeException toStatus(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return switch (e) {
      case StatusRuntimeException s when s.getCause() instanceof InvalidProtocolBufferException p ->
          Status.INVALID_ARGUMENT.withDescription("request: is not a valid protobuf message: " + p.getMessage()).asRuntimeException();
      case StatusRuntimeException s -> s;
      case InvalidArgumentException i -> Status.INVALID_ARGUMENT.withDescription(i.getMessage()).asRuntimeException();
      case NotFoundException n -> Status.NOT_FOUND.withDescription(n.getMessage()).asRuntimeException();
      case io.taskgrid.core.AlreadyExistsException a -> Status.ALREADY_EXISTS.withDescription(a.getMessage()).asRuntimeException();
      case io.taskgrid.core.ConflictException c -> Status.FAILED_PRECONDITION.withDescription(c.getMessage()).asRuntimeException();
      case UnavailableException u -> Status.UNAVAILABLE.withDescription(u.getMessage()).asRuntimeException();
      case TaskgridException t when t.isRetryable() -> Status.UNAVAILABLE.withDescription(t.getMessage()).asRuntimeException();
      default -> {
        log.error("Unexpected error in a call", e);
        yield Status.INTERNAL.withDescription("internal error: " + e).asRuntimeException();
      }
    };
  }

  /** The path of the first string field of {@code request} that is not UTF-8 (e.g. {@code task.tags}), or null. */
  static String invalidUtf8Field(MethodDescriptor<?, ?> method, byte[] request) {
    if (!(method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier s)) return null;
    try {
      return invalidUtf8Field(s.getMethodDescriptor().getInputType(), ByteString.copyFrom(request), "", 0);
    } catch (IOException | RuntimeException e) {
      return null; // broken in another way too: the parser's own message says how
    }
  }

  private static String invalidUtf8Field(Descriptor type, ByteString bytes, String prefix, int depth) throws IOException {
    CodedInputStream in = bytes.newCodedInput();
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      FieldDescriptor f = type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
      if (f == null || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        in.skipField(tag);
      } else if (f.getType() == FieldDescriptor.Type.STRING) {
        if (!in.readBytes().isValidUtf8()) return prefix + f.getName();
      } else if (f.getType() == FieldDescriptor.Type.MESSAGE && depth < 32) {
        String inner = invalidUtf8Field(f.getMessageType(), in.readBytes(), prefix + f.getName() + ".", depth + 1);
        if (inner != null) return inner;
      } else {
        in.skipField(tag);
      }
    }
    return null;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      private boolean closed; // by this interceptor: the call has its answer, the handler hears no more of it

      @Override
      public void onMessage(Q message) {
        if (closed) return;
        try {
          super.onMessage(message);
        } catch (StatusRuntimeException e) {
          String field = e.getCause() instanceof InvalidProtocolBufferException && message instanceof byte[] bytes
              ? invalidUtf8Field(call.getMethodDescriptor(), bytes) : null;
          // protobuf refuses a string that is not UTF-8 without saying which: name it
          close(field == null ? e : Status.INVALID_ARGUMENT.withDescription(field + ": is not valid UTF-8").asRuntimeException());
        } catch (RuntimeException e) {
          close(e);
        }
      }

      @Override
      public void onHalfClose() {
        if (closed) return;
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          close(e);
        }
      }

      private void close(RuntimeException e) {
        closed = true;
        StatusRuntimeException s = toStatus(e);
        call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
      }
    };
  }
}
