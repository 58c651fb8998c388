import type { TokenGrid } from '@matryoshka/core';
import { runOp, type NonFiniteOption } from './common.js';

export interface SpatialSampleOptions extends NonFiniteOption {
  rows: number;
  cols: number;
  /**
   * Which cell of each stretch is kept: `'center'` (default; 24→12 keeps cells 1, 3, 5, …) or
   * `'start'` (keeps 0, 2, 4, …, like `x[::k, ::k]`).
   */
  anchor?: 'center' | 'start';
}

/**
 * The paper's spatial-sampling baseline: keep the tokens on a uniform `rows × cols` sub-grid
 * (no averaging). Row-major order is kept.
 */
export function spatialSample(grid: TokenGrid, options: SpatialSampleOptions): TokenGrid {
  return runOp('spatialSample', grid, options);
}

export interface SequentialSampleOptions extends NonFiniteOption {
  tokens: number;
}

/**
 * The paper's sequential-sampling baseline: keep the first `tokens` tokens of each frame in
 * row-major order. The result is a `1 × tokens` grid per frame (a sequence, not a sub-grid).
 */
export function sequentialSample(grid: TokenGrid, options: SequentialSampleOptions): TokenGrid {
  return runOp('sequentialSample', grid, options);
}
