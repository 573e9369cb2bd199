package io.taskgrid.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Jackson mapper behind the SDK's JSON conveniences. ObjectMapper is thread-safe once
 * configured and costly to build, so one is shared; callers who need their own settings pass
 * their own mapper to the overloads that take one.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();

  private Json() {}

  /**
   * The shared mapper.
   *
   * @return a mapper with the modules found on the class path registered
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
