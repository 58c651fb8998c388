import type { TokenGrid } from '@matryoshka/core';
import { maxPool } from '../kernels/max-pool.js';
import { boolOption } from './bool-option.js';
import { finish, pooling2d, prepare, type NonFiniteOption, type WindowOptions } from './common.js';

export interface MaxPool2dOptions extends NonFiniteOption, WindowOptions {
  ceilMode?: boolean;
}

/** PyTorch `F.max_pool2d(x, kernel, stride, padding=0, ceil_mode)` on each frame; NaN propagates. */
export function maxPool2d(grid: TokenGrid, options: MaxPool2dOptions): TokenGrid {
  const { grid: g, options: o, policy } = prepare(grid, options);
  const w = pooling2d(g, o, boolOption(o.ceilMode, false, 'options.ceilMode'));
  const out = maxPool(g.data, g.frames, g.rows, g.cols, g.channels, w.rows, w.cols);
  return finish(out, g, { rows: w.rows.length, cols: w.cols.length }, policy);
}
