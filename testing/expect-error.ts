import { expect } from 'vitest';

/** The fields of a MatryoshkaError the tests look at (kept structural: this helper imports no package). */
export interface CaughtMatryoshkaError extends Error {
  code: string;
  argument: string | undefined;
}

/** Asserts that `fn` throws a MatryoshkaError with this code whose message names `argument`. */
export function expectMatryoshkaError(fn: () => unknown, code: string, argument?: string): CaughtMatryoshkaError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a MatryoshkaError to be thrown').toBeInstanceOf(Error);
  const error = caught as CaughtMatryoshkaError;
  expect(error.name, String(error)).toBe('MatryoshkaError');
  expect(error.code).toBe(code);
  if (argument !== undefined) {
    expect(error.argument).toBe(argument);
    expect(error.message).toContain(argument);
  }
  return error;
}
