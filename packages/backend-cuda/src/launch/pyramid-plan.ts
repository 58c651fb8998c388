import type { GridShape } from '@matryoshka/core';
import type { LoweredPyramid, LoweredStep, PassSource, PassWindows } from '@matryoshka/core/backend';
import { MAX_FUSED_STEPS } from '../kernels/args.js';
import { fusedGeometry, type FusedGeometry } from './geometry.js';

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
      readonly source: PassSource;
      readonly sourceShape: { readonly rows: number; readonly cols: number };
      readonly windows: PassWindows;
    }
  /** A device-to-device copy of a whole level (or of the input). */
  | { readonly kind: 'copy'; readonly level: number; readonly source: PassSource };

export interface PlanPyramidOptions {
  readonly maxSharedBytes: number;
  /** False runs every step as its own launch (the fallback; tests force it). */
  readonly fuse: boolean;
}

/**
 * Turns core's lowered pyramid into launches, as pure data: one fused launch for the chained
 * `m3`/`ceil` steps when they fit in shared memory (the common case: one launch, the input read
 * once), else one window launch per step chained through the levels; separable levels pool the
 * input with the window kernel; repeated scales are copies.
 */
export function planPyramid(lowered: LoweredPyramid, options: PlanPyramidOptions): PyramidOp[] {
  const { shape, steps, levels } = lowered;
  const ops: PyramidOp[] = [];
  let identityWritten = -1;
  if (steps.length > 0) {
    const firstIdentity = levels.findIndex((l) => l.kind === 'identity');
    const fused = options.fuse ? fusedOp(shape, steps, firstIdentity, options.maxSharedBytes) : null;
    if (fused !== null) {
      ops.push(fused);
      identityWritten = fused.identityLevel;
    } else {
      for (const step of steps)
        ops.push({ kind: 'window', level: step.level, source: step.from, sourceShape: { rows: step.srcRows, cols: step.srcCols }, windows: step.windows });
    }
  }
  levels.forEach((action, i) => {
    if (action.kind === 'separable') ops.push({ kind: 'window', level: i, source: 'input', sourceShape: shape, windows: action.windows });
    else if (action.kind === 'copy') ops.push({ kind: 'copy', level: i, source: { level: action.from } });
    else if (action.kind === 'identity' && identityWritten !== i) {
      ops.push(
        action.copy ? { kind: 'copy', level: i, source: 'input' } : { kind: 'window', level: i, source: 'input', sourceShape: shape, windows: action.windows },
      );
    }
  });
  return ops;
}

function fusedOp(shape: GridShape, steps: readonly LoweredStep[], identityLevel: number, maxSharedBytes: number): Extract<PyramidOp, { kind: 'fused' }> | null {
  if (steps.length > MAX_FUSED_STEPS) return null;
  // Only steps that a later step reads keep a tile in shared memory.
  const isParent = steps.map((_, s) => steps.some((t) => t.source === s));
  let tileCells = 0;
  const planned = steps.map((step, s): FusedStepPlan => {
    const tile = isParent[s] ? tileCells : -1;
    if (isParent[s]) tileCells += step.outRows * step.outCols;
    return {
      level: step.level,
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
