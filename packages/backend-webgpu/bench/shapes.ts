import { GRID } from '../../pooling/bench/shapes.js';
import type { Shape } from '../../pooling/bench/types.js';

// The workload is the CPU bench's (M3 scales 144/36/9/1 on 24×24, kernels 2/4/8/24, NHWC), so the
// two benches' numbers describe the same work; only the shape list differs.
export { GRID, KERNELS, SCALES, copyBytes, inputValues, outputValues, pyramidBytes, shapeLabel } from '../../pooling/bench/shapes.js';

export const SHAPES: readonly Shape[] = [
  { id: 'a', frames: 1, rows: GRID, cols: GRID, channels: 1024 },
  { id: 'b', frames: 1, rows: GRID, cols: GRID, channels: 4096 },
  { id: 'c', frames: 64, rows: GRID, cols: GRID, channels: 1024 },
];

/** A video-sized batch (604 MiB of float32 input): only with `--large`, meant for a real GPU. */
export const LARGE_SHAPES: readonly Shape[] = [{ id: 'd', frames: 256, rows: GRID, cols: GRID, channels: 1024 }];
