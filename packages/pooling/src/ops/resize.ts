import type { TokenGrid } from '@matryoshka/core';
import { runOp, type NonFiniteOption } from './common.js';

export interface ResizeOptions extends NonFiniteOption {
  rows: number;
  cols: number;
}

/** PyTorch `F.adaptive_avg_pool2d(x, (rows, cols))` on each frame. */
export function adaptiveAvgPool2d(grid: TokenGrid, options: ResizeOptions): TokenGrid {
  return runOp('adaptiveAvgPool2d', grid, options);
}

/** PyTorch `F.interpolate(x, (rows, cols), mode='bilinear', align_corners=False)` on each frame. */
export function bilinearResize(grid: TokenGrid, options: ResizeOptions): TokenGrid {
  return runOp('bilinearResize', grid, options);
}
