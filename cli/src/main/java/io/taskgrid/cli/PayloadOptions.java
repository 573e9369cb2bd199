package io.taskgrid.cli;

import io.taskgrid.proto.v1.Payload;
import picocli.CommandLine.Option;

/** A JSON payload given inline or read from a file. */
final class PayloadOptions {
  @Option(names = "--payload", paramLabel = "JSON", description = "The payload, JSON text, e.g. '{\"a\":1}'.")
  String json;

  @Option(names = "--file", paramLabel = "FILE", description = "Read the JSON payload from FILE; - reads standard input.")
  String file;

  Payload payload(Context ctx) {
    if (json != null) return Inputs.jsonPayload("--payload", json);
    return Inputs.jsonPayload("--file", Inputs.read("--file", file, ctx.in()));
  }
}
