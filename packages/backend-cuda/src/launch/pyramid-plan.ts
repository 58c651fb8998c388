import type { AxisWindow, GridShape, LevelPlan, PoolStep, Schedule } from '@matryoshka/core';
import { MAX_FUSED_STEPS } from '../kernels/args.js';
import { fusedGeometry, type FusedGeometry } from './geometry.js';

/** Where a launch reads: the input, or a level written earlier in the same pyramid. */
export type Source = 'input' | { readonly level: number };

export interface FusedStepPlan {
  /** The level this step writes. */
  readonly level: number;
  readonly source: number;
  readonly m: number;
  readonly srcKernel: number;
  readonly srcRows: number;
  readonly srcCols: number;
  readonly outRows: number;
  readonly outCols: number;
  readonly tile: number;
}

export type PyramidOp =
  /** Every step in one launch; `identityLevel` (or -1) is written while step 0 reads the input. */
  | { readonly kind: 'fused'; readonly steps: readonly FusedStepPlan[]; readonly identityLevel: number; readonly geometry: FusedGeometry }
  /** One window-kernel launch into `level`. */
  | {
      readonly kind: 'window';
      readonly level: number;
      readonly source: Source;
      readonly sourceShape: { readonly rows: number; readonly cols: number };
      readonly windows: { readonly rows: readonly AxisWindow[]; readonly cols: readonly AxisWindow[] };
    }
  /** A device-to-device copy of a whole level (or of the input). */
  | { readonly kind: 'copy'; readonly level: number; readonly source: Source };

export interface PlanPyramidOptions {
  readonly maxSharedBytes: number;
  /** False runs every step as its own launch (the fallback; tests force it). */
  readonly fuse: boolean;
  /** Whether an identity level may be a plain copy of the input (same type, nothing to check). */
  readonly identityCopy: boolean;
}

/**
 * Turns core's schedule into launches, as pure data: one fused launch for the chained
 * `m3`/`ceil` steps when they fit in shared memory (the common case: one launch, the input read
 * once), else one launch per step chained through the levels; separable levels
 * (`adaptive`/`bilinear`) pool the input with the window kernel; repeated scales are copies.
 */
export function planPyramid(shape: GridShape, plans: readonly LevelPlan[], schedule: Schedule, options: PlanPyramidOptions): PyramidOp[] {
  const ops: PyramidOp[] = [];
  const owner = schedule.steps.map((_, s) => schedule.levels.findIndex((l) => l.kind === 'step' && l.step === s));
  const firstIdentity = schedule.levels.findIndex((l) => l.kind === 'identity');
  let identityWritten = -1;

  if (schedule.steps.length > 0) {
    const fused = options.fuse ? fusedOp(shape, schedule.steps, owner, firstIdentity, options.maxSharedBytes) : null;
    if (fused !== null) {
      ops.push(fused);
      identityWritten = fused.identityLevel;
    } else {
      schedule.steps.forEach((step, s) => {
        const source: Source = step.source < 0 ? 'input' : { level: owner[step.source]! };
        ops.push({ kind: 'window', level: owner[s]!, source, sourceShape: { rows: step.srcRows, cols: step.srcCols }, windows: stepWindows(step) });
      });
    }
  }

  schedule.levels.forEach((source, i) => {
    if (source.kind === 'separable') {
      ops.push({ kind: 'window', level: i, source: 'input', sourceShape: shape, windows: plans[i]!.windows });
    } else if (source.kind === 'step') {
      if (owner[source.step] !== i) ops.push({ kind: 'copy', level: i, source: { level: owner[source.step]! } });
    } else if (identityWritten >= 0) {
      if (identityWritten !== i) ops.push({ kind: 'copy', level: i, source: { level: identityWritten } });
    } else {
      identityWritten = i;
      if (options.identityCopy) ops.push({ kind: 'copy', level: i, source: 'input' });
      else ops.push({ kind: 'window', level: i, source: 'input', sourceShape: shape, windows: { rows: unitWindows(shape.rows), cols: unitWindows(shape.cols) } });
    }
  });
  return ops;
}

function fusedOp(shape: GridShape, steps: readonly PoolStep[], owner: readonly number[], identityLevel: number, maxSharedBytes: number): Extract<PyramidOp, { kind: 'fused' }> | null {
  if (steps.length > MAX_FUSED_STEPS) return null;
  // Only steps that a later step reads keep a tile in shared memory.
  const isParent = steps.map((_, s) => steps.some((t) => t.source === s));
  let tileCells = 0;
  const planned = steps.map((step, s): FusedStepPlan => {
    const tile = isParent[s] ? tileCells : -1;
    if (isParent[s]) tileCells += step.outRows * step.outCols;
    return {
      level: owner[s]!,
      source: step.source,
      m: step.m,
      srcKernel: step.source < 0 ? 1 : steps[step.source]!.kernel,
      srcRows: step.srcRows,
      srcCols: step.srcCols,
      outRows: step.outRows,
      outCols: step.outCols,
      tile,
    };
  });
  const widest = Math.max(...steps.map((s) => s.outRows * s.outCols));
  const geometry = fusedGeometry(shape.channels, shape.frames, tileCells, widest, maxSharedBytes);
  if (geometry === null) return null;
  return { kind: 'fused', steps: planned, identityLevel, geometry };
}

/** Windows of a block step: `m` source cells each, weighted by the input cells they stand for. */
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

export function unitWindows(n: number): AxisWindow[] {
  return Array.from({ length: n }, (_, i) => ({ start: i, end: i + 1, weights: [1] }));
}
