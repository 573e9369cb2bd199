package io.taskgrid.coordinator.internal.http;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP binding of an rpc, read from its {@code google.api.http} option: the HTTP method, the
 * path template, where the body goes ({@code ""} none, {@code "*"} the whole request, or the name
 * of one message field of it) and the gRPC method to call.
 */
record ApiRoute(String httpMethod, PathTemplate path, String body, MethodDescriptor<Message, Message> grpcMethod,
    Descriptors.MethodDescriptor rpc, Message requestPrototype) {

  /** The request field the body fills; null for {@code "*"} or no body. */
  FieldDescriptor bodyField() {
    return body.isEmpty() || body.equals("*") ? null : rpc.getInputType().findFieldByName(body);
  }

  boolean serverStreaming() {
    return rpc.isServerStreaming();
  }

  /**
   * Every binding of {@code service}'s rpcs; rpcs without the option (and client streams, which
   * HTTP/1.1 cannot carry) have none. A binding that names a field the request lacks is an error
   * here, at start, not at the first call.
   */
  @SuppressWarnings("unchecked")
  static List<ApiRoute> of(ServiceDescriptor service) {
    Descriptors.ServiceDescriptor proto = ((ProtoServiceDescriptorSupplier) service.getSchemaDescriptor()).getServiceDescriptor();
    List<ApiRoute> routes = new ArrayList<>();
    for (MethodDescriptor<?, ?> method : service.getMethods()) {
      Descriptors.MethodDescriptor rpc = proto.findMethodByName(method.getBareMethodName());
      if (rpc == null || !rpc.getOptions().hasExtension(AnnotationsProto.http) || rpc.isClientStreaming()) continue;
      Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
      HttpRule rule = rpc.getOptions().getExtension(AnnotationsProto.http);
      List<HttpRule> rules = new ArrayList<>();
      rules.add(rule);
      rules.addAll(rule.getAdditionalBindingsList());
      for (HttpRule r : rules) {
        String[] methodAndPath = switch (r.getPatternCase()) {
          case GET -> new String[] {"GET", r.getGet()};
          case POST -> new String[] {"POST", r.getPost()};
          case PUT -> new String[] {"PUT", r.getPut()};
          case DELETE -> new String[] {"DELETE", r.getDelete()};
          case PATCH -> new String[] {"PATCH", r.getPatch()};
          case CUSTOM -> new String[] {r.getCustom().getKind(), r.getCustom().getPath()};
          case PATTERN_NOT_SET -> throw new IllegalStateException(rpc.getFullName() + ": google.api.http without a path");
        };
        ApiRoute route = new ApiRoute(methodAndPath[0], PathTemplate.parse(methodAndPath[1]), r.getBody(),
            (MethodDescriptor<Message, Message>) method, rpc, prototype);
        route.check();
        routes.add(route);
      }
    }
    return List.copyOf(routes);
  }

  private void check() {
    Descriptors.Descriptor input = rpc.getInputType();
    if (!body.isEmpty() && !body.equals("*")) {
      FieldDescriptor f = input.findFieldByName(body);
      if (f == null || f.isRepeated() || f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        throw new IllegalStateException(rpc.getFullName() + ": body '" + body + "' is not a message field of " + input.getFullName());
      }
    }
    for (String variable : path.variables()) {
      Descriptors.Descriptor type = input;
      String[] parts = variable.split("\\.");
      for (int i = 0; i < parts.length; i++) {
        FieldDescriptor f = type == null ? null : type.findFieldByName(parts[i]);
        boolean last = i == parts.length - 1;
        if (f == null || f.isRepeated() || (last ? f.getJavaType() == FieldDescriptor.JavaType.MESSAGE : f.getJavaType() != FieldDescriptor.JavaType.MESSAGE)) {
          throw new IllegalStateException(rpc.getFullName() + ": path variable {" + variable + "} is not a singular field of " + input.getFullName());
        }
        type = last ? null : f.getMessageType();
      }
    }
  }
}
