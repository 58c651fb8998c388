import type { Shape } from './types.js';

/** M3 scales (tokens per frame) on a 24×24 grid, finest first. */
export const SCALES = [144, 36, 9, 1] as const;

export const GRID = 24;

/** kernel = stride = GRID / √scale: 2, 4, 8, 24 (outputs 12, 6, 3, 1). */
export const KERNELS: readonly number[] = SCALES.map((scale) => {
  const side = Math.sqrt(scale);
  if (!Number.isInteger(side) || GRID % side !== 0) throw new Error(`scale ${scale} does not tile a ${GRID}×${GRID} grid`);
  return GRID / side;
});

export const SHAPES: readonly Shape[] = [
  { id: 'a', frames: 1, rows: GRID, cols: GRID, channels: 1024 },
  { id: 'b', frames: 1, rows: GRID, cols: GRID, channels: 4096 },
  { id: 'c', frames: 64, rows: GRID, cols: GRID, channels: 1024 },
];

export function shapeLabel(s: Shape): string {
  return `${s.frames}×${s.rows}×${s.cols}×${s.channels}`;
}

export function inputValues(s: Shape): number {
  return s.frames * s.rows * s.cols * s.channels;
}

/** Values written by a pyramid: every level, floor mode. */
export function outputValues(s: Shape): number {
  return KERNELS.reduce((sum, k) => sum + s.frames * Math.floor(s.rows / k) * Math.floor(s.cols / k) * s.channels, 0);
}

/** Bytes a pyramid must move at least: the input read once plus every level written once. */
export function pyramidBytes(s: Shape): number {
  return 4 * (inputValues(s) + outputValues(s));
}

/** Bytes `dst.set(src)` moves: the input read once and written once. */
export function copyBytes(s: Shape): number {
  return 8 * inputValues(s);
}
