import type { PoolingOpName, TokenGrid } from '@matryoshka/core';
import { int } from '../random.js';

/** An op call as every backend's `run` takes it. */
export interface OpCall {
  readonly op: PoolingOpName;
  readonly options: Record<string, unknown>;
}

type Rnd = () => number;

/**
 * Random options that fit a grid, per op. A `Record` over every op name: an op added to core's
 * `POOLING_OPS` fails to type-check here until it has random calls, so the suite keeps up.
 */
export const RANDOM_OPTIONS: Record<PoolingOpName, (rnd: Rnd, g: TokenGrid) => Array<Record<string, unknown>>> = {
  avgPool2d: (rnd, g) => [
    { kernel: kernel(rnd, g) },
    { kernel: [int(rnd, 1, g.rows), int(rnd, 1, g.cols)], ceilMode: true },
    { kernel: kernel(rnd, g), stride: int(rnd, 1, 3) },
  ],
  maxPool2d: (rnd, g) => [{ kernel: kernel(rnd, g), ceilMode: rnd() < 0.5 }, { kernel: [int(rnd, 1, g.rows), int(rnd, 1, g.cols)] }],
  adaptiveAvgPool2d: (rnd, g) => [{ rows: int(rnd, 1, g.rows + 2), cols: int(rnd, 1, g.cols + 2) }],
  bilinearResize: (rnd, g) => [{ rows: int(rnd, 1, g.rows + 2), cols: int(rnd, 1, g.cols + 2) }],
  avgPool3d: (rnd, g) => [{ temporalKernel: int(rnd, 1, g.frames), kernel: kernel(rnd, g) }],
  spatialSample: (rnd, g) => [{ rows: int(rnd, 1, g.rows), cols: int(rnd, 1, g.cols), anchor: rnd() < 0.5 ? 'center' : 'start' }],
  sequentialSample: (rnd, g) => [{ tokens: int(rnd, 1, g.rows * g.cols) }],
};

/** A square kernel no larger than the grid (and at most 6). */
function kernel(rnd: Rnd, g: TokenGrid): number {
  return int(rnd, 1, Math.min(g.rows, g.cols, 6));
}

/** Requested token counts for a pyramid: the full grid first, then random counts, sometimes repeated. */
export function randomScales(rnd: Rnd, g: TokenGrid): number[] {
  const cells = g.rows * g.cols;
  const scales = [cells];
  for (let i = int(rnd, 1, 4); i > 0; i--) scales.push(int(rnd, 1, cells));
  if (rnd() < 0.3) scales.push(scales[int(rnd, 1, scales.length - 1)]!);
  return scales;
}
