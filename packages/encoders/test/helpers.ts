import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { CaughtMatryoshkaError } from '@matryoshka/testing/expect-error';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
export const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(fixture(name)));
export const PHOTOS = ['chelsea.png', 'coffee.png', 'rocket.jpg'] as const;

/** A fresh cache folder per test file, so tests never touch ~/.cache. */
export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `matryoshka-${prefix}-`));

/** The shared parity measure (Infinity when the sizes differ, NaN-safe). */
export { relativeError } from '@matryoshka/testing/relative-error';

/** The async twin of `expectMatryoshkaError` (@matryoshka/testing/expect-error): `promise` rejects with a MatryoshkaError with this code and argument. */
export async function expectRejection(promise: Promise<unknown>, code: string, argument?: string): Promise<CaughtMatryoshkaError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a MatryoshkaError').toBeInstanceOf(Error);
  const error = caught as CaughtMatryoshkaError;
  expect(error.name, String(error)).toBe('MatryoshkaError');
  expect(error.code, error.message).toBe(code);
  if (argument !== undefined) {
    expect(error.argument).toBe(argument);
    expect(error.message).toContain(argument);
  }
  return error;
}
