import { allocateBudget, type SampleTable } from '@matryoshka/scale-predictor';

export interface BudgetPoint {
  /** Target mean tokens per request. */
  readonly target: number;
  readonly meanTokens: number;
  readonly accuracy: number;
}

/**
 * The budgeted policy on held-out results: requests are served in batches of `batch` (in table
 * order), each with `batch × target` tokens, allocated exactly by `allocateBudget` from the
 * predicted probabilities. Per batch because that is how a server sees requests, and because the
 * exact DP grows with batch² (the whole test set at once would be too large for it).
 */
export function budgetCurve(table: SampleTable, probabilities: readonly ArrayLike<number>[], targets: readonly number[], batch: number): BudgetPoint[] {
  const m = table.scales.length;
  const n = table.ids.length;
  return targets.map((target) => {
    let correct = 0;
    let tokens = 0;
    for (let start = 0; start < n; start += batch) {
      const end = Math.min(start + batch, n);
      const rows = Array.from({ length: end - start }, (_, k) => start + k);
      const costs = rows.map((i) => Array.from(table.tokens.subarray(i * m, (i + 1) * m)));
      const allocation = allocateBudget(rows.map((i) => probabilities[i]!), costs, Math.floor(rows.length * target + 1e-9));
      allocation.choices.forEach((j, k) => {
        correct += table.correct[rows[k]! * m + j]!;
        tokens += table.tokens[rows[k]! * m + j]!;
      });
    }
    return { target, meanTokens: tokens / n, accuracy: correct / n };
  });
}

/** Mean-token targets on a log grid from 1 to 576, four per octave of 576^(1/4)… (plus each fixed scale). */
export function budgetTargets(scales: readonly number[]): number[] {
  const grid = Array.from({ length: 17 }, (_, k) => Math.round(576 ** (k / 16) * 100) / 100);
  return [...new Set([...grid, ...scales])].sort((a, b) => a - b);
}
