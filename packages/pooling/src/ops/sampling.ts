import { ErrorCode, argumentError, oneOf, positiveInt, type TokenGrid } from '@matryoshka/core';
import { finish, prepare, type NonFiniteOption } from './common.js';

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
  const { grid: g, options: o, policy } = prepare(grid, options);
  const rows = positiveInt(o.rows, 'options.rows');
  const cols = positiveInt(o.cols, 'options.cols');
  const anchor = o.anchor === undefined ? 'center' : oneOf(o.anchor, ['center', 'start'] as const, 'options.anchor');
  if (rows > g.rows || cols > g.cols) {
    throw argumentError(ErrorCode.ScaleOutOfRange, 'options', `a ${rows}×${cols} sub-grid does not fit a ${g.rows}×${g.cols} grid`);
  }
  const pick = (i: number, n: number, size: number) => Math.floor(((anchor === 'center' ? i + 0.5 : i) * size) / n);
  const C = g.channels;
  const out = new Float32Array(g.frames * rows * cols * C);
  let o2 = 0;
  for (let f = 0; f < g.frames; f++) {
    for (let r = 0; r < rows; r++) {
      const rowBase = (f * g.rows + pick(r, rows, g.rows)) * g.cols;
      for (let c = 0; c < cols; c++) {
        const base = (rowBase + pick(c, cols, g.cols)) * C;
        out.set(g.data.subarray(base, base + C), o2);
        o2 += C;
      }
    }
  }
  return finish(out, g, { rows, cols }, policy);
}

export interface SequentialSampleOptions extends NonFiniteOption {
  tokens: number;
}

/**
 * The paper's sequential-sampling baseline: keep the first `tokens` tokens of each frame in
 * row-major order. The result is a `1 × tokens` grid per frame (a sequence, not a sub-grid).
 */
export function sequentialSample(grid: TokenGrid, options: SequentialSampleOptions): TokenGrid {
  const { grid: g, options: o, policy } = prepare(grid, options);
  const tokens = positiveInt(o.tokens, 'options.tokens');
  const perFrame = g.rows * g.cols;
  if (tokens > perFrame) {
    throw argumentError(ErrorCode.ScaleOutOfRange, 'options.tokens', `${tokens} tokens requested but a ${g.rows}×${g.cols} grid has only ${perFrame}`);
  }
  const C = g.channels;
  const out = new Float32Array(g.frames * tokens * C);
  for (let f = 0; f < g.frames; f++) {
    const start = f * perFrame * C;
    out.set(g.data.subarray(start, start + tokens * C), f * tokens * C);
  }
  return finish(out, g, { rows: 1, cols: tokens }, policy);
}
