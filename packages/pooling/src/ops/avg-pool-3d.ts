import { intPair, poolWindows, positiveInt, type TokenGrid } from '@matryoshka/core';
import { blockPool } from '../kernels/block-pool.js';
import { separablePool } from '../kernels/separable-pool.js';
import { finish, fitKernel, prepare, type NonFiniteOption } from './common.js';

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
  const { grid: g, options: o, policy } = prepare(grid, options);
  const kt = positiveInt(o.temporalKernel, 'options.temporalKernel');
  const st = o.temporalStride === undefined ? kt : positiveInt(o.temporalStride, 'options.temporalStride');
  const [kr, kc] = intPair(o.kernel, 'options.kernel');
  const [sr, sc] = o.stride === undefined ? [kr, kc] : intPair(o.stride, 'options.stride');
  fitKernel(kt, g.frames, 'frames', 'options.temporalKernel', g);
  fitKernel(kr, g.rows, 'rows', 'options.kernel', g);
  fitKernel(kc, g.cols, 'cols', 'options.kernel', g);
  const rowWindows = poolWindows(g.rows, kr, sr, false, 'options.kernel');
  const colWindows = poolWindows(g.cols, kc, sc, false, 'options.kernel');
  const frameWindows = poolWindows(g.frames, kt, st, false, 'options.temporalKernel');
  const rows = rowWindows.length;
  const cols = colWindows.length;
  // Spatial first (every frame), then the temporal mean of equal-sized windows.
  const spatial =
    sr === kr && sc === kc
      ? blockPool({ src: g.data, frames: g.frames, rows: g.rows, cols: g.cols, channels: g.channels, mRows: kr, mCols: kc, outRows: rows, outCols: cols, rowWeights: null, colWeights: null }, new Float32Array(g.frames * rows * cols * g.channels))
      : separablePool(g.data, g.frames, g.rows, g.cols, g.channels, rowWindows, colWindows);
  const frameSize = rows * cols * g.channels;
  const out = new Float32Array(frameWindows.length * frameSize);
  const acc = new Float64Array(frameSize);
  frameWindows.forEach((w, t) => {
    acc.fill(0);
    for (let f = w.start; f < w.end; f++) {
      const base = f * frameSize;
      for (let i = 0; i < frameSize; i++) acc[i]! += spatial[base + i]!;
    }
    const inv = 1 / (w.end - w.start);
    const o2 = t * frameSize;
    for (let i = 0; i < frameSize; i++) out[o2 + i] = acc[i]! * inv;
  });
  return finish(out, g, { frames: frameWindows.length, rows, cols }, policy);
}
