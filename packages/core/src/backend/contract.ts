import type { PlanOptions } from '../plan/plan-levels.js';
import type { PoolingOpName } from '../plan/op-windows.js';
import type { GridShape, TokenGrid } from '../token-grid.js';
import type { Pyramid } from './pyramid.js';

/**
 * The version of the `Backend` contract below. It changes when a backend built for the previous
 * version would no longer work; the registry refuses an instance that declares another version
 * (`listBackends()` says so). Version 2: every backend has `run(op, input, options)`, a
 * `contractVersion`, and pyramids whose `read()` takes a selection of levels.
 */
export const BACKEND_CONTRACT_VERSION = 2;

/**
 * What to do with NaN or ±Infinity that would reach a level.
 * - `'reject'` (default): throw `MatryoshkaError` `NON_FINITE_VALUE` naming the input and the token.
 * - `'propagate'`: return what PyTorch returns (NaN/Inf flow through the averages).
 */
export type NonFinitePolicy = 'reject' | 'propagate';

export interface PyramidOptions extends PlanOptions {
  nonFinite?: NonFinitePolicy;
}

/** Options of `run(op, …)`: the op's own (`kernel`, `rows`, …, as the cpu ops take them) plus `nonFinite`. */
export interface OpOptions {
  nonFinite?: NonFinitePolicy;
  [option: string]: unknown;
}

/**
 * The result of `run(op, …)`: its sizes, wherever the data lives, and `read()` to bring it to
 * the CPU. `dispose()` frees device memory (a no-op on the cpu backend).
 */
export interface OpResult extends GridShape {
  read(): Promise<TokenGrid>;
  dispose(): void;
  [Symbol.dispose](): void;
}

/**
 * The contract every backend implements. `TInput` is what the backend accepts besides a CPU
 * `TokenGrid` (a GPU buffer with its shape, say); `TPyramid` is its pyramid type, whose levels may
 * stay on the device until `read()`; `TResult` is what `run` resolves to.
 */
export interface Backend<TInput = never, TPyramid extends Pyramid = Pyramid, TResult extends OpResult = OpResult> {
  readonly name: string;
  /** `BACKEND_CONTRACT_VERSION` of the core this backend was written against. */
  readonly contractVersion: number;
  /** True after `dispose()`; the registry then creates a fresh instance on the next `getBackend`. */
  readonly disposed: boolean;
  /** Checks every argument before any work; rejects with `MatryoshkaError`. */
  buildPyramid(input: TokenGrid | TInput, options?: PyramidOptions): Promise<TPyramid>;
  /** One single pooling op (`'avgPool2d'`, `'bilinearResize'`, …) with the cpu reference's options and errors. */
  run(op: PoolingOpName, input: TokenGrid | TInput, options?: OpOptions): Promise<TResult>;
  /** Frees everything the backend created (not what callers passed in). */
  dispose(): void;
  [Symbol.dispose](): void;
}

/** Any backend, whatever it accepts and returns (what the registry hands out without a known name). */
export type AnyBackend = Backend<unknown, Pyramid, OpResult>;

/**
 * Backends by registry name, for typed `getBackend('webgpu')`. Each backend package adds its
 * entry by declaration merging:
 * `declare module '@matryoshka/core' { interface BackendMap { webgpu: WebGpuBackend } }`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: the target of declaration merging; a type alias cannot be merged.
export interface BackendMap {}
