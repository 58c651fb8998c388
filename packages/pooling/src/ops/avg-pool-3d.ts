import type { TokenGrid } from '@matryoshka/core';
import { runOp, type NonFiniteOption } from './common.js';

export interface AvgPool3dOptions extends NonFiniteOption {
  /** Frames averaged together. */
  temporalKernel: number;
  /** Spatial window: `k` or `[kRows, kCols]`. */
  kernel: number | readonly [number, number];
  /** Default: `temporalKernel`. */
  temporalStride?: number;
  /** Default: `kernel`. */
  stride?: number | readonly [number, number];
}

/**
 * PyTorch `F.avg_pool3d(x, (kt, kh, kw), stride, padding=0)` (floor mode) over `[frames][rows][cols]`:
 * spatio-temporal pooling of video tokens.
 */
export function avgPool3d(grid: TokenGrid, options: AvgPool3dOptions): TokenGrid {
  return runOp('avgPool3d', grid, options);
}
