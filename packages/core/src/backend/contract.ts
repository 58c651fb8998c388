import type { PlanOptions } from '../plan/plan-levels.js';
import type { TokenGrid } from '../token-grid.js';
import type { Pyramid } from './pyramid.js';

/**
 * What to do with NaN or ±Infinity that would reach a level.
 * - `'reject'` (default): throw `MatryoshkaError` `NON_FINITE_VALUE` naming the input and the token.
 * - `'propagate'`: return what PyTorch returns (NaN/Inf flow through the averages).
 */
export type NonFinitePolicy = 'reject' | 'propagate';

export interface PyramidOptions extends PlanOptions {
  nonFinite?: NonFinitePolicy;
}

/**
 * The contract every backend implements. `TInput` is what the backend accepts besides a CPU
 * `TokenGrid` (a GPU buffer with its shape, say); `TPyramid` is its pyramid type, whose levels may
 * stay on the device until `read()`.
 */
export interface Backend<TInput = never, TPyramid extends Pyramid = Pyramid> {
  readonly name: string;
  /** True after `dispose()`; the registry then creates a fresh instance on the next `getBackend`. */
  readonly disposed: boolean;
  /** Checks every argument before any work; rejects with `MatryoshkaError`. */
  buildPyramid(input: TokenGrid | TInput, options?: PyramidOptions): Promise<TPyramid>;
  /** Frees everything the backend created (not what callers passed in). */
  dispose(): void;
  [Symbol.dispose](): void;
}
