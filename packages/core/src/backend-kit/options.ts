import type { NonFinitePolicy } from '../backend/contract.js';
import { oneOf } from '../validate.js';

const POLICIES: readonly NonFinitePolicy[] = ['reject', 'propagate'];

/** `options.nonFinite` checked, `'reject'` when absent. `o` is an options object already read once (`optionsObject`). */
export function nonFiniteOption(o: { nonFinite?: unknown }): NonFinitePolicy {
  return o.nonFinite === undefined ? 'reject' : oneOf(o.nonFinite, POLICIES, 'options.nonFinite');
}

/** `options.outputType` checked against the element types a backend stores, `fallback` (the input's) when absent. */
export function outputTypeOption<T extends string>(o: { outputType?: unknown }, allowed: readonly T[], fallback: T): T {
  return o.outputType === undefined ? fallback : oneOf(o.outputType, allowed, 'options.outputType');
}
