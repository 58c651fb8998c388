import { expect } from 'vitest';
import { MatryoshkaError, type ErrorCode } from '@matryoshka/core';

/** Asserts that `fn` throws a MatryoshkaError with this code whose message names `argument`. */
export function expectMatryoshkaError(fn: () => unknown, code: ErrorCode, argument?: string): MatryoshkaError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a MatryoshkaError to be thrown').toBeInstanceOf(MatryoshkaError);
  const error = caught as MatryoshkaError;
  expect(error.code).toBe(code);
  if (argument !== undefined) {
    expect(error.argument).toBe(argument);
    expect(error.message).toContain(argument);
  }
  return error;
}
