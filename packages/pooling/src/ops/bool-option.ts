import { bool } from '@matryoshka/core';

/** An optional boolean option with its default. */
export function boolOption(value: unknown, fallback: boolean, argument: string): boolean {
  return value === undefined ? fallback : bool(value, argument);
}
