package io.taskgrid.coordinator.internal.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAPI 3 description of the HTTP API, made from the same descriptors the router reads:
 * paths and methods from the {@code google.api.http} options, parameters from the path variables
 * and (for routes without a whole-request body) the request's other fields, schemas from the
 * messages and enums in their proto3 JSON form. Descriptions are the proto's comments, read from
 * the descriptor set the proto module writes with its source info ({@value #DESCRIPTOR_SET}); without
 * it the description is complete but bare.
 */
final class OpenApi {
  static final String DESCRIPTOR_SET = "/io/taskgrid/proto/v1/taskgrid-v1.protoset";
  private static final ObjectMapper JSON = new ObjectMapper();

  private OpenApi() {}

  static String describe(List<ApiRoute> routes, int maxBodyBytes) {
    Map<String, String> comments = comments();
    ObjectNode doc = JSON.createObjectNode();
    doc.put("openapi", "3.0.3");
    ObjectNode info = doc.putObject("info");
    info.put("title", "Taskgrid TaskService (HTTP/JSON)");
    info.put("version", "v1");
    info.put("description", "The TaskService of taskgrid/v1/task_service.proto over HTTP/JSON, one route per rpc (WatchExecutions, a "
        + "bidirectional stream, has none). Bodies and answers are proto3 JSON: lowerCamelCase names (proto names are accepted too), "
        + "64-bit integers and bytes (base64) as strings, enums by name, Timestamps as RFC 3339, Durations as \"1.5s\". Unknown "
        + "fields are refused. A body is at most " + maxBodyBytes + " bytes. Server streams are Server-Sent Events (text/event-stream), "
        + "one `data:` line of JSON per message. Errors are {code, message, httpStatus}.");
    ObjectNode paths = doc.putObject("paths");
    Set<Descriptor> messages = new LinkedHashSet<>();
    Set<EnumDescriptor> enums = new LinkedHashSet<>();
    for (ApiRoute route : routes) {
      ObjectNode path = paths.has(route.path().template()) ? (ObjectNode) paths.get(route.path().template())
          : paths.putObject(route.path().template());
      ObjectNode op = path.putObject(route.httpMethod().toLowerCase(java.util.Locale.ROOT));
      op.put("operationId", route.rpc().getName());
      op.put("summary", route.rpc().getName());
      String doc1 = comments.get(route.rpc().getFullName());
      if (doc1 != null) op.put("description", doc1);
      op.putArray("tags").add("TaskService");
      ArrayNode params = op.putArray("parameters");
      Descriptor input = route.rpc().getInputType();
      for (String variable : route.path().variables()) {
        FieldDescriptor f = fieldAt(input, variable);
        ObjectNode p = params.addObject();
        p.put("name", variable);
        p.put("in", "path");
        p.put("required", true);
        describeField(p, f, comments);
        p.set("schema", schema(f, messages, enums));
      }
      if (!route.body().equals("*")) {
        for (FieldDescriptor f : input.getFields()) {
          boolean bound = f.getName().equals(route.body())
              || route.path().variables().stream().anyMatch(v -> v.split("\\.")[0].equals(f.getName()));
          if (bound || !RequestMapping.queryable(f)) continue;
          ObjectNode p = params.addObject();
          p.put("name", f.isMapField() ? f.getName() + "[key]" : f.getName());
          p.put("in", "query");
          describeField(p, f, comments);
          if (f.isMapField()) {
            p.set("schema", schema(f.getMessageType().findFieldByName("value"), messages, enums));
          } else {
            p.set("schema", schema(f, messages, enums));
            if (f.isRepeated()) {
              p.put("style", "form");
              p.put("explode", true);
            }
          }
        }
      }
      if (!route.body().isEmpty()) {
        ObjectNode body = op.putObject("requestBody");
        body.put("required", false);
        Descriptor bodyType = route.bodyField() == null ? input : route.bodyField().getMessageType();
        messages.add(bodyType);
        body.putObject("content").putObject("application/json").putObject("schema").put("$ref", ref(bodyType));
      }
      ObjectNode responses = op.putObject("responses");
      ObjectNode ok = responses.putObject("200");
      Descriptor output = route.rpc().getOutputType();
      messages.add(output);
      if (route.serverStreaming()) {
        ok.put("description", "A stream of Server-Sent Events: each `data:` line is one " + output.getName()
            + " as JSON; a failure after the first event is an `event: error` with the error JSON as its data.");
        ok.putObject("content").putObject("text/event-stream").putObject("schema").put("$ref", ref(output));
      } else {
        ok.put("description", output.getName());
        ok.putObject("content").putObject("application/json").putObject("schema").put("$ref", ref(output));
      }
      ObjectNode error = responses.putObject("default");
      error.put("description", "An error: code is the gRPC status code, message its description, naming the field and value");
      error.putObject("content").putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/Error");
    }
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    ObjectNode error = schemas.putObject("Error");
    error.put("type", "object");
    error.putArray("required").add("code").add("message").add("httpStatus");
    ObjectNode errorProps = error.putObject("properties");
    errorProps.putObject("code").put("type", "string").put("description", "gRPC status code name, e.g. INVALID_ARGUMENT");
    errorProps.putObject("message").put("type", "string").put("description", "what is wrong, naming the field and value");
    errorProps.putObject("httpStatus").put("type", "integer").put("description", "the HTTP status of this answer");
    Deque<Descriptor> todo = new ArrayDeque<>(messages);
    Set<Descriptor> done = new LinkedHashSet<>();
    while (!todo.isEmpty()) {
      Descriptor m = todo.pop();
      if (!done.add(m) || wellKnown(m) != null) continue;
      Set<Descriptor> found = new LinkedHashSet<>();
      ObjectNode s = schemas.putObject(m.getFullName());
      s.put("type", "object");
      String c = comments.get(m.getFullName());
      if (c != null) s.put("description", c);
      ObjectNode props = s.putObject("properties");
      for (FieldDescriptor f : m.getFields()) {
        ObjectNode p = schema(f, found, enums).deepCopy();
        describeField(p, f, comments);
        props.set(f.getJsonName(), p);
      }
      todo.addAll(found);
    }
    for (EnumDescriptor e : enums) {
      ObjectNode s = schemas.putObject(e.getFullName());
      s.put("type", "string");
      ArrayNode values = s.putArray("enum");
      StringBuilder d = new StringBuilder(comments.getOrDefault(e.getFullName(), ""));
      for (EnumValueDescriptor v : e.getValues()) {
        values.add(v.getName());
        String vc = comments.get(e.getFullName() + "." + v.getName());
        if (vc != null) d.append(d.isEmpty() ? "" : "\n").append("- ").append(v.getName()).append(": ").append(vc);
      }
      if (!d.isEmpty()) s.put("description", d.toString());
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void describeField(ObjectNode node, FieldDescriptor f, Map<String, String> comments) {
    String c = comments.get(f.getFullName());
    if (c != null) node.put("description", c);
  }

  private static FieldDescriptor fieldAt(Descriptor type, String path) {
    FieldDescriptor f = null;
    for (String part : path.split("\\.")) {
      f = type.findFieldByName(part);
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) type = f.getMessageType();
    }
    return f;
  }

  private static String ref(Descriptor m) {
    return "#/components/schemas/" + m.getFullName();
  }

  /** The schema of a field's value in proto3 JSON; referenced messages and enums are added to {@code messages} and {@code enums}. */
  private static ObjectNode schema(FieldDescriptor f, Set<Descriptor> messages, Set<EnumDescriptor> enums) {
    if (f.isMapField()) {
      ObjectNode s = JSON.createObjectNode().put("type", "object");
      s.set("additionalProperties", single(f.getMessageType().findFieldByName("value"), messages, enums));
      return s;
    }
    if (f.isRepeated()) {
      ObjectNode s = JSON.createObjectNode().put("type", "array");
      s.set("items", single(f, messages, enums));
      return s;
    }
    return single(f, messages, enums);
  }

  private static ObjectNode single(FieldDescriptor f, Set<Descriptor> messages, Set<EnumDescriptor> enums) {
    ObjectNode s = JSON.createObjectNode();
    switch (f.getJavaType()) {
      case INT -> s.put("type", "integer").put("format", f.getType() == FieldDescriptor.Type.UINT32 || f.getType() == FieldDescriptor.Type.FIXED32
          ? "int64" : "int32");
      case LONG -> s.put("type", "string").put("format", "int64");
      case FLOAT -> s.put("type", "number").put("format", "float");
      case DOUBLE -> s.put("type", "number").put("format", "double");
      case BOOLEAN -> s.put("type", "boolean");
      case STRING -> s.put("type", "string");
      case BYTE_STRING -> s.put("type", "string").put("format", "byte");
      case ENUM -> {
        enums.add(f.getEnumType());
        s.put("$ref", "#/components/schemas/" + f.getEnumType().getFullName());
      }
      case MESSAGE -> {
        ObjectNode known = wellKnown(f.getMessageType());
        if (known != null) return known;
        messages.add(f.getMessageType());
        s.put("$ref", ref(f.getMessageType()));
      }
    }
    return s;
  }

  /** The JSON form of google.protobuf types that are not objects in JSON; null for the others. */
  private static ObjectNode wellKnown(Descriptor m) {
    ObjectNode s = JSON.createObjectNode();
    return switch (m.getFullName()) {
      case "google.protobuf.Timestamp" -> s.put("type", "string").put("format", "date-time");
      case "google.protobuf.Duration" -> s.put("type", "string").put("description", "seconds with an s suffix, e.g. \"1.5s\"");
      case "google.protobuf.FieldMask" -> s.put("type", "string");
      case "google.protobuf.StringValue", "google.protobuf.BytesValue", "google.protobuf.Int64Value", "google.protobuf.UInt64Value" ->
          s.put("type", "string");
      case "google.protobuf.Int32Value", "google.protobuf.UInt32Value" -> s.put("type", "integer");
      case "google.protobuf.DoubleValue", "google.protobuf.FloatValue" -> s.put("type", "number");
      case "google.protobuf.BoolValue" -> s.put("type", "boolean");
      case "google.protobuf.Struct", "google.protobuf.Empty" -> s.put("type", "object");
      case "google.protobuf.Value", "google.protobuf.Any" -> s;
      case "google.protobuf.ListValue" -> s.put("type", "array");
      default -> null;
    };
  }

  /** Leading comments of every element of the descriptor set, by full name (fields and enum values included). */
  static Map<String, String> comments() {
    Map<String, String> byName = new HashMap<>();
    try (InputStream in = OpenApi.class.getResourceAsStream(DESCRIPTOR_SET)) {
      if (in == null) return byName;
      for (FileDescriptorProto file : FileDescriptorSet.parseFrom(in).getFileList()) {
        Map<List<Integer>, String> byPath = new HashMap<>();
        for (SourceCodeInfo.Location l : file.getSourceCodeInfo().getLocationList()) {
          if (!l.getLeadingComments().isBlank()) byPath.put(l.getPathList(), clean(l.getLeadingComments()));
        }
        String pkg = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
        for (int i = 0; i < file.getMessageTypeCount(); i++) message(file.getMessageType(i), pkg, List.of(4, i), byPath, byName);
        for (int i = 0; i < file.getEnumTypeCount(); i++) enumType(file.getEnumType(i), pkg, List.of(5, i), byPath, byName);
        for (int s = 0; s < file.getServiceCount(); s++) {
          var service = file.getService(s);
          put(byName, pkg + service.getName(), byPath.get(List.of(6, s)));
          for (int m = 0; m < service.getMethodCount(); m++) {
            put(byName, pkg + service.getName() + "." + service.getMethod(m).getName(), byPath.get(List.of(6, s, 2, m)));
          }
        }
      }
    } catch (IOException e) {
      // no comments then: the description stays correct without them
    }
    return byName;
  }

  private static void message(DescriptorProto m, String prefix, List<Integer> path, Map<List<Integer>, String> byPath, Map<String, String> byName) {
    String name = prefix + m.getName();
    put(byName, name, byPath.get(path));
    for (int i = 0; i < m.getFieldCount(); i++) put(byName, name + "." + m.getField(i).getName(), byPath.get(concat(path, 2, i)));
    for (int i = 0; i < m.getNestedTypeCount(); i++) message(m.getNestedType(i), name + ".", concat(path, 3, i), byPath, byName);
    for (int i = 0; i < m.getEnumTypeCount(); i++) enumType(m.getEnumType(i), name + ".", concat(path, 4, i), byPath, byName);
  }

  private static void enumType(EnumDescriptorProto e, String prefix, List<Integer> path, Map<List<Integer>, String> byPath, Map<String, String> byName) {
    String name = prefix + e.getName();
    put(byName, name, byPath.get(path));
    for (int i = 0; i < e.getValueCount(); i++) put(byName, name + "." + e.getValue(i).getName(), byPath.get(concat(path, 2, i)));
  }

  private static List<Integer> concat(List<Integer> path, int a, int b) {
    List<Integer> p = new java.util.ArrayList<>(path);
    p.add(a);
    p.add(b);
    return p;
  }

  private static void put(Map<String, String> byName, String name, String comment) {
    if (comment != null) byName.put(name, comment);
  }

  private static String clean(String comment) {
    // proto comments wrap at 80 columns: keep paragraphs, join their lines
    return comment.lines().map(String::strip).collect(java.util.stream.Collectors.joining("\n")).strip().replaceAll("(?<!\n)\n(?!\n)", " ");
  }
}
