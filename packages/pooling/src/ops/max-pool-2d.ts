import { intPair, poolWindows, type TokenGrid } from '@matryoshka/core';
import { maxPool } from '../kernels/max-pool.js';
import { boolOption } from './bool-option.js';
import { finish, fitKernel, prepare, type NonFiniteOption } from './common.js';

export interface MaxPool2dOptions extends NonFiniteOption {
  kernel: number | readonly [number, number];
  stride?: number | readonly [number, number];
  ceilMode?: boolean;
}

/** PyTorch `F.max_pool2d(x, kernel, stride, padding=0, ceil_mode)` on each frame; NaN propagates. */
export function maxPool2d(grid: TokenGrid, options: MaxPool2dOptions): TokenGrid {
  const { grid: g, options: o, policy } = prepare(grid, options);
  const [kr, kc] = intPair(o.kernel, 'options.kernel');
  const [sr, sc] = o.stride === undefined ? [kr, kc] : intPair(o.stride, 'options.stride');
  const ceil = boolOption(o.ceilMode, false, 'options.ceilMode');
  fitKernel(kr, g.rows, 'rows', 'options.kernel', g);
  fitKernel(kc, g.cols, 'cols', 'options.kernel', g);
  const rowWindows = poolWindows(g.rows, kr, sr, ceil, 'options.kernel');
  const colWindows = poolWindows(g.cols, kc, sc, ceil, 'options.kernel');
  const out = maxPool(g.data, g.frames, g.rows, g.cols, g.channels, rowWindows, colWindows);
  return finish(out, g, { rows: rowWindows.length, cols: colWindows.length }, policy);
}
