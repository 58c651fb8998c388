import { adaptiveWindows, bilinearWindows, positiveInt, type TokenGrid } from '@matryoshka/core';
import { separablePool } from '../kernels/separable-pool.js';
import { finish, prepare, type NonFiniteOption } from './common.js';

export interface ResizeOptions extends NonFiniteOption {
  rows: number;
  cols: number;
}

/** PyTorch `F.adaptive_avg_pool2d(x, (rows, cols))` on each frame. */
export function adaptiveAvgPool2d(grid: TokenGrid, options: ResizeOptions): TokenGrid {
  return resize(grid, options, adaptiveWindows);
}

/** PyTorch `F.interpolate(x, (rows, cols), mode='bilinear', align_corners=False)` on each frame. */
export function bilinearResize(grid: TokenGrid, options: ResizeOptions): TokenGrid {
  return resize(grid, options, bilinearWindows);
}

function resize(grid: TokenGrid, options: ResizeOptions, windowsFor: typeof adaptiveWindows): TokenGrid {
  const { grid: g, options: o, policy } = prepare(grid, options);
  const rows = positiveInt(o.rows, 'options.rows');
  const cols = positiveInt(o.cols, 'options.cols');
  const out = separablePool(g.data, g.frames, g.rows, g.cols, g.channels, windowsFor(g.rows, rows), windowsFor(g.cols, cols));
  return finish(out, g, { rows, cols }, policy);
}
