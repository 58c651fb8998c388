import type { TokenGrid } from '@matryoshka/core';
import type { AvgPool2dOptions } from './avg-pool-2d.js';
import { runOp } from './common.js';

export type MaxPool2dOptions = AvgPool2dOptions;

/** PyTorch `F.max_pool2d(x, kernel, stride, padding=0, ceil_mode)` on each frame; NaN propagates. */
export function maxPool2d(grid: TokenGrid, options: MaxPool2dOptions): TokenGrid {
  return runOp('maxPool2d', grid, options);
}
