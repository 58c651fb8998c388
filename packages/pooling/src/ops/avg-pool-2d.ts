import { intPair, poolWindows, type TokenGrid } from '@matryoshka/core';
import { blockPool } from '../kernels/block-pool.js';
import { separablePool } from '../kernels/separable-pool.js';
import { boolOption } from './bool-option.js';
import { finish, fitKernel, prepare, type NonFiniteOption } from './common.js';

export interface AvgPool2dOptions extends NonFiniteOption {
  /** Window size: `k` or `[kRows, kCols]`. */
  kernel: number | readonly [number, number];
  /** Default: the kernel (non-overlapping windows). */
  stride?: number | readonly [number, number];
  /** PyTorch `ceil_mode`: keep partial windows at the bottom/right edge (averaged over valid cells). */
  ceilMode?: boolean;
}

/**
 * PyTorch `F.avg_pool2d(x, kernel, stride, padding=0, ceil_mode, count_include_pad=True)` on each
 * frame. With no padding, a ceil-mode edge window averages only the cells it covers.
 */
export function avgPool2d(grid: TokenGrid, options: AvgPool2dOptions): TokenGrid {
  const { grid: g, options: o, policy } = prepare(grid, options);
  const [kr, kc] = intPair(o.kernel, 'options.kernel');
  const [sr, sc] = o.stride === undefined ? [kr, kc] : intPair(o.stride, 'options.stride');
  const ceil = boolOption(o.ceilMode, false, 'options.ceilMode');
  fitKernel(kr, g.rows, 'rows', 'options.kernel', g);
  fitKernel(kc, g.cols, 'cols', 'options.kernel', g);
  const rowWindows = poolWindows(g.rows, kr, sr, ceil, 'options.kernel');
  const colWindows = poolWindows(g.cols, kc, sc, ceil, 'options.kernel');
  const outRows = rowWindows.length;
  const outCols = colWindows.length;
  const out =
    sr === kr && sc === kc
      ? blockPool({ src: g.data, frames: g.frames, rows: g.rows, cols: g.cols, channels: g.channels, mRows: kr, mCols: kc, outRows, outCols, rowWeights: null, colWeights: null }, new Float32Array(g.frames * outRows * outCols * g.channels))
      : separablePool(g.data, g.frames, g.rows, g.cols, g.channels, rowWindows, colWindows);
  return finish(out, g, { rows: outRows, cols: outCols }, policy);
}
