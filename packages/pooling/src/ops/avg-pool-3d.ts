import { poolWindows, positiveInt, type TokenGrid } from '@matryoshka/core';
import { avgPool2d } from './avg-pool-2d.js';
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
  fitKernel(kt, g.frames, 'frames', 'options.temporalKernel', g);
  const frameWindows = poolWindows(g.frames, kt, st, false, 'options.temporalKernel');
  // Spatial first (every frame), then the mean of equal-sized frame windows; the output is checked once.
  const spatial2d = avgPool2d(g, { kernel: o.kernel!, ...(o.stride === undefined ? {} : { stride: o.stride }), nonFinite: 'propagate' });
  const { rows, cols, data: spatial } = spatial2d;
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
