import { oneOf, type NonFinitePolicy } from '@matryoshka/core';

const POLICIES: readonly NonFinitePolicy[] = ['reject', 'propagate'];

/** The `nonFinite` option; 'reject' when absent. */
export function nonFinitePolicy(value: unknown, argument = 'options.nonFinite'): NonFinitePolicy {
  return value === undefined ? 'reject' : oneOf(value, POLICIES, argument);
}
