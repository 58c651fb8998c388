import type { TokenGrid } from '@matryoshka/core';
import { runOp, type NonFiniteOption } from './common.js';

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
  return runOp('avgPool2d', grid, options);
}
