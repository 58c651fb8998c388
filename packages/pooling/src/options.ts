import type { NonFinitePolicy } from '@matryoshka/core';
import { nonFiniteOption } from '@matryoshka/core/backend';

/** The `nonFinite` option ('reject' when absent), checked by the kit's rule so every backend names it alike. */
export function nonFinitePolicy(value: unknown): NonFinitePolicy {
  return nonFiniteOption({ nonFinite: value });
}
