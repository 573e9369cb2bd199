package io.taskgrid.coordinator.internal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.taskgrid.proto.v1.CreateTaskRequest;
import io.taskgrid.proto.v1.TaskDefinition;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {
  private static final byte[] NOT_UTF8 = {(byte) 0xC3, 0x28};

  private static byte[] field(int number, byte[] value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeByteArray(number, value);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void namesTheNestedStringFieldThatIsNotUtf8() throws IOException {
    byte[] task = concat(TaskDefinition.newBuilder().setId("ok").setHandler("echo").build().toByteArray(),
        field(TaskDefinition.TAGS_FIELD_NUMBER, NOT_UTF8));
    byte[] request = field(CreateTaskRequest.TASK_FIELD_NUMBER, task);
    assertThat(GrpcErrors.invalidUtf8Field(TaskServiceGrpc.getCreateTaskMethod(), request)).isEqualTo("task.tags");
  }

  @Test
  void namesAMapKeyThatIsNotUtf8() throws IOException {
    byte[] entry = field(1, NOT_UTF8);
    byte[] task = field(TaskDefinition.METADATA_FIELD_NUMBER, entry);
    byte[] request = field(CreateTaskRequest.TASK_FIELD_NUMBER, task);
    assertThat(GrpcErrors.invalidUtf8Field(TaskServiceGrpc.getCreateTaskMethod(), request)).isEqualTo("task.metadata.key");
  }

  @Test
  void namesNothingInAValidRequestOrOneBrokenInAnotherWay() {
    byte[] valid = CreateTaskRequest.newBuilder().setTask(TaskDefinition.newBuilder().setId("ok").addTags("x").build()).build().toByteArray();
    assertThat(GrpcErrors.invalidUtf8Field(TaskServiceGrpc.getCreateTaskMethod(), valid)).isNull();
    assertThat(GrpcErrors.invalidUtf8Field(TaskServiceGrpc.getCreateTaskMethod(), new byte[] {0x0A, 0x7F})).isNull();
    assertThat(GrpcErrors.invalidUtf8Field(TaskServiceGrpc.getCreateTaskMethod(), ByteString.copyFromUtf8("\u00ff").toByteArray())).isNull();
  }
}
