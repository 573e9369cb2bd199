package io.taskgrid.coordinator.internal.watch;

import com.google.protobuf.InvalidProtocolBufferException;
import io.taskgrid.proto.v1.OutputLine;
import io.taskgrid.proto.v1.ReportOutputRequest;
import java.util.List;
import java.util.function.Consumer;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The output feed on a Redis pub/sub channel; a message is a {@link ReportOutputRequest} of the lines. */
public final class RedisOutputFeed implements OutputFeed {
  private static final Logger log = LoggerFactory.getLogger(RedisOutputFeed.class);
  private final RTopic topic;

  public RedisOutputFeed(RedissonClient redisson, String channel) {
    this.topic = redisson.getTopic(channel, ByteArrayCodec.INSTANCE);
  }

  @Override
  public void publish(List<OutputLine> lines) {
    if (lines.isEmpty()) return;
    topic.publishAsync(ReportOutputRequest.newBuilder().addAllLines(lines).build().toByteArray());
  }

  @Override
  public void subscribe(Consumer<List<OutputLine>> listener) {
    topic.addListener(byte[].class, (channel, message) -> {
      List<OutputLine> lines;
      try {
        lines = ReportOutputRequest.parseFrom(message).getLinesList();
      } catch (InvalidProtocolBufferException e) {
        log.warn("Ignoring a malformed output message of {} bytes", message.length);
        return;
      }
      listener.accept(lines);
    });
  }
}
