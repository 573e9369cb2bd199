package io.taskgrid.coordinator.internal.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Builds an rpc's request from an HTTP request, as {@code google.api.http} says: the JSON body
 * (into the whole request or the named field), then query parameters (fields the path and body do
 * not bind: {@code page_size=10}, {@code statuses=A&statuses=B} for repeated fields, {@code
 * labels[env]=prod} for maps, {@code a.b=x} for a field of a field), then the path's variables.
 * Everything goes through protobuf's JSON parser, with unknown fields refused, so a value is
 * read the same way in a query or a body, and every mistake is INVALID_ARGUMENT naming it.
 */
final class RequestMapping {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  /** Message types a query parameter may fill: their JSON form is one string. */
  private static final Set<String> STRING_MESSAGES = Set.of("google.protobuf.Timestamp", "google.protobuf.Duration",
      "google.protobuf.FieldMask", "google.protobuf.StringValue", "google.protobuf.Int32Value", "google.protobuf.Int64Value",
      "google.protobuf.UInt32Value", "google.protobuf.UInt64Value", "google.protobuf.BoolValue", "google.protobuf.DoubleValue",
      "google.protobuf.FloatValue", "google.protobuf.BytesValue");

  private RequestMapping() {}

  static Message build(ApiRoute route, Map<String, String> pathVariables, String rawQuery, byte[] body) {
    Message.Builder request = route.requestPrototype().newBuilderForType();
    String type = route.rpc().getInputType().getName();
    if (body.length > 0) {
      if (route.body().isEmpty()) {
        throw ApiException.invalid("body: " + route.httpMethod() + " " + route.path().template() + " takes no body: send the fields of "
            + type + " as query parameters");
      }
      FieldDescriptor field = route.bodyField();
      Message.Builder target = field == null ? request : request.getFieldBuilder(field);
      merge(utf8(body), target, "body");
    }
    if (rawQuery != null && !rawQuery.isEmpty()) {
      if (route.body().equals("*")) {
        throw ApiException.invalid("query parameters are not read by " + route.httpMethod() + " " + route.path().template()
            + ": the JSON body holds the whole " + type);
      }
      ObjectNode query = JsonNodeFactory.instance.objectNode();
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) continue;
        int eq = pair.indexOf('=');
        String name = PathTemplate.decode(eq < 0 ? pair : pair.substring(0, eq), true);
        String value = eq < 0 ? "" : PathTemplate.decode(pair.substring(eq + 1), true);
        put(query, route, name, value);
      }
      merge(query.toString(), request, "query");
    }
    // last, and set rather than merged (the JSON parser refuses a field the body already set): the path names the resource
    pathVariables.forEach((fieldPath, value) -> setPath(request, fieldPath, value));
    return request.build();
  }

  private static void setPath(Message.Builder request, String fieldPath, String value) {
    Message.Builder at = request;
    String[] parts = fieldPath.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) at = at.getFieldBuilder(at.getDescriptorForType().findFieldByName(parts[i]));
    FieldDescriptor f = at.getDescriptorForType().findFieldByName(parts[parts.length - 1]);
    if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
      at.setField(f, value);
    } else {
      // a number or an enum in the path: read as its JSON string form would be
      Message.Builder one = at.getDefaultInstanceForType().newBuilderForType();
      ObjectNode json = JsonNodeFactory.instance.objectNode().put(f.getName(), value);
      merge(json.toString(), one, "path {" + fieldPath + "}");
      at.setField(f, one.getField(f));
    }
  }

  /** Adds query parameter {@code name} to {@code query}, refusing names that are not a query field of the request. */
  private static void put(ObjectNode query, ApiRoute route, String name, String value) {
    Descriptor type = route.rpc().getInputType();
    String mapKey = null;
    String fieldPath = name;
    int bracket = name.indexOf('[');
    if (bracket > 0 && name.endsWith("]")) {
      mapKey = name.substring(bracket + 1, name.length() - 1);
      fieldPath = name.substring(0, bracket);
    }
    String[] parts = fieldPath.split("\\.", -1);
    ObjectNode at = query;
    for (int i = 0; i < parts.length; i++) {
      FieldDescriptor f = field(type, parts[i]);
      if (f == null) {
        throw ApiException.invalid("query parameter '" + name + "': " + type.getFullName() + " has no field '" + parts[i] + "'");
      }
      if (i == 0 && (route.path().variables().stream().anyMatch(v -> v.split("\\.")[0].equals(f.getName())) || f.getName().equals(route.body()))) {
        throw ApiException.invalid("query parameter '" + name + "': " + f.getName() + " is set by the path or the body here");
      }
      boolean last = i == parts.length - 1;
      if (!last) {
        if (f.isRepeated() || f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
          throw ApiException.invalid("query parameter '" + name + "': " + f.getName() + " has no fields to name");
        }
        at = at.withObjectProperty(f.getName());
        type = f.getMessageType();
        continue;
      }
      if (f.isMapField()) {
        if (mapKey == null) throw ApiException.invalid("query parameter '" + name + "': a map is given as " + f.getName() + "[key]=value");
        ObjectNode map = at.withObjectProperty(f.getName());
        if (map.has(mapKey)) throw ApiException.invalid("query parameter '" + name + "' is given twice");
        map.put(mapKey, value);
      } else if (mapKey != null) {
        throw ApiException.invalid("query parameter '" + name + "': " + f.getName() + " is not a map");
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !STRING_MESSAGES.contains(f.getMessageType().getFullName())) {
        throw ApiException.invalid("query parameter '" + name + "': " + f.getName() + " is a message; name one of its fields (" + f.getName()
            + ".x=...)");
      } else if (f.isRepeated()) {
        at.withArrayProperty(f.getName()).add(value);
      } else {
        if (at.has(f.getName())) throw ApiException.invalid("query parameter '" + name + "' is given twice");
        at.put(f.getName(), value);
      }
    }
  }

  /** The field named {@code name} as in the proto ({@code page_size}) or in JSON ({@code pageSize}). */
  private static FieldDescriptor field(Descriptor type, String name) {
    FieldDescriptor f = type.findFieldByName(name);
    if (f != null) return f;
    for (FieldDescriptor candidate : type.getFields()) {
      if (candidate.getJsonName().equals(name)) return candidate;
    }
    return null;
  }

  private static void merge(String json, Message.Builder target, String where) {
    try {
      PARSER.merge(json, target);
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.invalid(where + ": " + describe(e));
    } catch (RuntimeException e) {
      // JsonFormat reports a few shapes (a number where an object belongs, deep nesting) unchecked
      throw ApiException.invalid(where + ": not a valid " + target.getDescriptorForType().getFullName() + " in JSON: " + describe(e));
    }
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    if (e.getCause() != null && e.getCause().getMessage() != null && (m == null || m.isBlank())) m = e.getCause().getMessage();
    if (m == null) return e.getClass().getSimpleName();
    // the JSON reader's own exceptions come wrapped with their class names: say what they mean instead
    String stripped = m.replaceAll("^([a-z][a-z0-9_]*\\.)+[A-Za-z0-9_$]*(Exception|Error): ", "");
    return stripped.equals(m) ? m : "not valid JSON: " + stripped.replaceAll("^([a-z][a-z0-9_]*\\.)+[A-Za-z0-9_$]*(Exception|Error): ", "");
  }

  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw ApiException.invalid("body: is not UTF-8");
    }
  }

  /** Used by the OpenAPI description: whether {@code f} can be a query parameter. */
  static boolean queryable(FieldDescriptor f) {
    if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) return true;
    if (f.isMapField()) {
      return f.getMessageType().findFieldByName("value").getJavaType() != FieldDescriptor.JavaType.MESSAGE;
    }
    return STRING_MESSAGES.contains(f.getMessageType().getFullName());
  }
}
