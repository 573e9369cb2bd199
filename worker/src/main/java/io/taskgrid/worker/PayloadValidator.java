package io.taskgrid.worker;

/** Checks a decoded payload before its handler runs; throws {@link InvalidPayloadException} to reject it. */
@FunctionalInterface
public interface PayloadValidator<T> {
  void validate(T payload) throws InvalidPayloadException;
}
