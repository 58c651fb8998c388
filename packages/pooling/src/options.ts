import { type NonFinitePolicy } from '@matryoshka/core';
import { oneOf } from '@matryoshka/core/backend';

const POLICIES: readonly NonFinitePolicy[] = ['reject', 'propagate'];

/** The `nonFinite` option; 'reject' when absent. */
export function nonFinitePolicy(value: unknown, argument = 'options.nonFinite'): NonFinitePolicy {
  return value === undefined ? 'reject' : oneOf(value, POLICIES, argument);
}
