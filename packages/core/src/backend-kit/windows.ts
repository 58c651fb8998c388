import type { PoolStep } from '../plan/schedule.js';
import type { AxisWindow } from '../plan/windows.js';

/** Windows of one cell each, weight 1: an identity pass (a type conversion, a non-finite check). */
export function unitWindows(n: number): AxisWindow[] {
  return Array.from({ length: n }, (_, i) => ({ start: i, end: i + 1, weights: [1] }));
}

/**
 * A schedule step as separable windows on its source: `m` source cells each, weighted by the
 * input cells they stand for (clipped ceil-mode edges), so a generic weighted-window kernel
 * reproduces the chained pooling exactly.
 */
export function stepWindows(step: PoolStep): { rows: AxisWindow[]; cols: AxisWindow[] } {
  const axis = (size: number, out: number, weights: Float64Array | null): AxisWindow[] =>
    Array.from({ length: out }, (_, i) => {
      const start = i * step.m;
      const end = Math.min(start + step.m, size);
      const w = Array.from({ length: end - start }, (_, j) => (weights === null ? 1 : weights[start + j]!));
      const total = w.reduce((a, b) => a + b, 0);
      return { start, end, weights: w.map((x) => x / total) };
    });
  return { rows: axis(step.srcRows, step.outRows, step.rowWeights), cols: axis(step.srcCols, step.outCols, step.colWeights) };
}
