import type { TokenGrid } from '@matryoshka/core';
import { blockPool } from '../kernels/block-pool.js';
import { separablePool } from '../kernels/separable-pool.js';
import { boolOption } from './bool-option.js';
import { finish, pooling2d, prepare, type NonFiniteOption, type WindowOptions } from './common.js';

export interface AvgPool2dOptions extends NonFiniteOption, WindowOptions {
  /** PyTorch `ceil_mode`: keep partial windows at the bottom/right edge (averaged over valid cells). */
  ceilMode?: boolean;
}

/**
 * PyTorch `F.avg_pool2d(x, kernel, stride, padding=0, ceil_mode, count_include_pad=True)` on each
 * frame; `kernel` and `stride` (default: the kernel) are `k` or `[kRows, kCols]`. With no padding,
 * a ceil-mode edge window averages only the cells it covers.
 */
export function avgPool2d(grid: TokenGrid, options: AvgPool2dOptions): TokenGrid {
  const { grid: g, options: o, policy } = prepare(grid, options);
  const w = pooling2d(g, o, boolOption(o.ceilMode, false, 'options.ceilMode'));
  const [outRows, outCols] = [w.rows.length, w.cols.length];
  const out = new Float32Array(g.frames * outRows * outCols * g.channels);
  if (w.stride[0] === w.kernel[0] && w.stride[1] === w.kernel[1]) {
    const [mRows, mCols] = w.kernel;
    blockPool({ src: g.data, frames: g.frames, rows: g.rows, cols: g.cols, channels: g.channels, mRows, mCols, outRows, outCols, rowWeights: null, colWeights: null }, out);
  } else {
    separablePool(g.data, g.frames, g.rows, g.cols, g.channels, w.rows, w.cols, out);
  }
  return finish(out, g, { rows: outRows, cols: outCols }, policy);
}
