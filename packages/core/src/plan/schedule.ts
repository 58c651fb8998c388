import type { GridShape } from '../token-grid.js';
import type { LevelPlan } from './plan-levels.js';

/** One block-pooling pass: from the input (`source = -1`) or from an earlier step's output. */
export interface PoolStep {
  readonly source: number;
  readonly kernel: number;
  readonly srcRows: number;
  readonly srcCols: number;
  /** Block size on the source (the kernel divided by the source's kernel). */
  readonly m: number;
  readonly outRows: number;
  readonly outCols: number;
  /** Input cells under each source row / column, when they differ (clipped ceil-mode edges). */
  readonly rowWeights: Float64Array | null;
  readonly colWeights: Float64Array | null;
}

export type LevelSource = { readonly kind: 'identity' } | { readonly kind: 'separable' } | { readonly kind: 'step'; readonly step: number };

export interface Schedule {
  readonly steps: readonly PoolStep[];
  /** Where each planned level's data comes from, in plan order. */
  readonly levels: readonly LevelSource[];
}

/**
 * Orders the work for a set of planned levels so the input is read as few times as possible:
 * kernels ascend, and each `m3`/`ceil` kernel that is a multiple of an earlier one pools that
 * finer level instead of the input (24×24: 2 from the input, 4 from 2, 8 from 4, 24 from 8).
 * Finer cells are weighted by the input cells they cover, so clipped ceil-mode edges chain exactly.
 * Kernels that nest in nothing (9 on 27×27) read the input themselves. Pure arithmetic, shared
 * by every backend so they all chain levels the same way.
 */
export function scheduleLevels(grid: GridShape, plans: readonly LevelPlan[]): Schedule {
  const steps: PoolStep[] = [];
  const stepOfKernel = new Map<number, number>();
  const kernels = [...new Set(plans.filter((p) => !p.identity && p.kernel !== null).map((p) => p.kernel!))].sort((a, b) => a - b);
  for (const k of kernels) {
    const plan = plans.find((p) => p.kernel === k)!;
    let parent = -1;
    for (const [pk, index] of stepOfKernel) if (pk > 1 && k % pk === 0 && (parent < 0 || pk > steps[parent]!.kernel)) parent = index;
    const p = parent < 0 ? undefined : steps[parent]!;
    stepOfKernel.set(k, steps.length);
    steps.push({
      source: parent,
      kernel: k,
      srcRows: p?.outRows ?? grid.rows,
      srcCols: p?.outCols ?? grid.cols,
      m: p === undefined ? k : k / p.kernel,
      outRows: plan.rows,
      outCols: plan.cols,
      rowWeights: p === undefined ? null : cellWeights(grid.rows, p.kernel, p.outRows),
      colWeights: p === undefined ? null : cellWeights(grid.cols, p.kernel, p.outCols),
    });
  }
  const levels = plans.map((plan): LevelSource => {
    if (plan.identity) return { kind: 'identity' };
    if (plan.kernel === null) return { kind: 'separable' };
    return { kind: 'step', step: stepOfKernel.get(plan.kernel)! };
  });
  return { steps, levels };
}

/** Input cells under each of `count` cells of size `p` along an axis; `null` when all are `p`. */
function cellWeights(size: number, p: number, count: number): Float64Array | null {
  if (count * p <= size) return null;
  const w = new Float64Array(count);
  for (let i = 0; i < count; i++) w[i] = Math.min((i + 1) * p, size) - i * p;
  return w;
}
