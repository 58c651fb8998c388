import { ErrorCode, argumentError, describe } from '@matryoshka/core';

export interface Allocation {
  /** Per sample, the chosen scale's token count (its entry in `costs`). */
  readonly tokens: number[];
  /** Tokens spent in all (≤ the budget). */
  readonly totalTokens: number;
  /** Sum of the chosen values (the expected number of correct answers when the values are probabilities). */
  readonly value: number;
}

/** What the DP finds, by position in each row: for callers inside the package that index per-sample tables. */
export interface IndexedAllocation {
  readonly choices: Int32Array;
  readonly totalTokens: number;
  readonly value: number;
}

/** Above this many DP cells (samples × budget steps) the exact allocation refuses to run. */
export const MAX_DP_CELLS = 100_000_000;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Budgeted allocation: picks one scale per sample so that the total tokens stay within `budget`
 * and the expected number of correct answers (the sum of the chosen probabilities) is as large as
 * possible — a multiple-choice knapsack, solved exactly by dynamic programming over the token
 * count (costs are small integers; they are divided by their common divisor first, so 9/36/144/576
 * costs 1/4/16/64 steps). Time O(samples × scales × budget), memory samples × budget bytes.
 *
 * Exact, so never worse than any feasible assignment — in particular than the best uniform scale
 * that fits the budget. Ties go to fewer tokens. Scales may come in any order (the pyramid's
 * descending 576 → 1 is the package's convention); `values` and `costs` must share it.
 *
 * @param probabilities per sample, a value in [0, 1] per scale (the probability of a correct answer)
 * @param costs tokens per scale (shared by every sample: the scales themselves), or per sample and scale
 * @returns per sample the chosen scale's tokens, their total, and the sum of the chosen values
 */
export function allocateBudget(
  probabilities: readonly ArrayLike<number>[],
  costs: readonly number[] | readonly (readonly number[])[],
  budget: number,
): Allocation {
  const a = allocateIndices(probabilities, costs, budget);
  const perSample = Array.isArray(costs[0]);
  const tokens = Array.from(a.choices, (j, i) => (perSample ? (costs as number[][])[i]![j]! : (costs as number[])[j]!));
  return { tokens, totalTokens: a.totalTokens, value: a.value };
}

/** `allocateBudget` returning each sample's chosen position in its row (for per-sample tables in this package). */
export function allocateIndices(
  probabilities: readonly ArrayLike<number>[],
  costs: readonly number[] | readonly (readonly number[])[],
  budget: number,
): IndexedAllocation {
  if (!Array.isArray(probabilities) || probabilities.length === 0) {
    throw argumentError(ErrorCode.InvalidArgument, 'probabilities', `expected a non-empty array (one row per sample), got ${describe(probabilities)}`);
  }
  const n = probabilities.length;
  const m = probabilities[0]!.length;
  if (!(m >= 1 && m <= 255)) {
    throw argumentError(ErrorCode.InvalidArgument, 'probabilities[0]', `expected 1 to 255 scales, got ${describe(m)}`);
  }
  if (!Array.isArray(costs) || costs.length === 0) {
    throw argumentError(ErrorCode.InvalidArgument, 'costs', `expected token counts per scale or per sample, got ${describe(costs)}`);
  }
  const perSample = Array.isArray(costs[0]);
  const cost = (i: number, j: number): number => (perSample ? (costs as number[][])[i]![j]! : (costs as number[])[j]!);
  if (perSample ? costs.length !== n : costs.length !== m) {
    throw argumentError(ErrorCode.ShapeMismatch, 'costs', `expected ${perSample ? `${n} rows` : `${m} costs`}, got ${costs.length}`);
  }
  let g = 0;
  let minTotal = 0;
  let maxTotal = 0;
  for (let i = 0; i < n; i++) {
    const row = probabilities[i]!;
    if (row.length !== m) throw argumentError(ErrorCode.ShapeMismatch, `probabilities[${i}]`, `expected ${m} probabilities, got ${row.length}`);
    if (perSample && (costs[i] as number[]).length !== m) {
      throw argumentError(ErrorCode.ShapeMismatch, `costs[${i}]`, `expected ${m} costs, got ${(costs[i] as number[]).length}`);
    }
    let lo = Infinity;
    let hi = 0;
    for (let j = 0; j < m; j++) {
      const p = row[j]!;
      if (!(p >= 0 && p <= 1))
        throw argumentError(ErrorCode.InvalidArgument, `probabilities[${i}][${j}]`, `expected a probability in [0, 1], got ${describe(p)}`);
      const c = cost(i, j);
      if (!Number.isSafeInteger(c) || c < 0) {
        throw argumentError(
          ErrorCode.InvalidArgument,
          perSample ? `costs[${i}][${j}]` : `costs[${j}]`,
          `expected a token count (an integer ≥ 0), got ${describe(c)}`,
        );
      }
      g = gcd(c, g);
      lo = Math.min(lo, c);
      hi = Math.max(hi, c);
    }
    minTotal += lo;
    maxTotal += hi;
  }
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget < 0) {
    throw argumentError(ErrorCode.InvalidArgument, 'budget', `expected a token count ≥ 0, got ${describe(budget)}`);
  }
  if (minTotal > budget) {
    throw argumentError(ErrorCode.InvalidArgument, 'budget', `${budget} tokens cannot serve ${n} samples: the cheapest scales need ${minTotal}`);
  }
  g ||= 1;
  // Capacity in units of g; a budget above the most anyone could spend is that much.
  const cap = Math.floor(Math.min(budget, maxTotal) / g);
  if (n * (cap + 1) > MAX_DP_CELLS) {
    throw argumentError(
      ErrorCode.InvalidArgument,
      'budget',
      `an exact allocation of ${n} samples over ${cap + 1} budget steps needs ${n * (cap + 1)} cells (limit ${MAX_DP_CELLS}); split the batch`,
    );
  }
  const steps = new Int32Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) steps[i * m + j] = cost(i, j) / g;
  // Try cheaper scales first so that, with `>`, ties keep the cheaper choice.
  const order = Array.from({ length: m }, (_, j) => j);

  // best[b]: the most expected correct answers of the samples so far within b steps.
  let best = new Float64Array(cap + 1);
  let next = new Float64Array(cap + 1);
  const choice = new Uint8Array(n * (cap + 1));
  for (let i = 0; i < n; i++) {
    const row = probabilities[i]!;
    const sorted = order.slice().sort((a, b) => steps[i * m + a]! - steps[i * m + b]!);
    const base = i * (cap + 1);
    for (let b = 0; b <= cap; b++) {
      let v = -Infinity;
      let pick = 0;
      for (const j of sorted) {
        const c = steps[i * m + j]!;
        if (c > b) break;
        const candidate = best[b - c]! + row[j]!;
        if (candidate > v) {
          v = candidate;
          pick = j;
        }
      }
      next[b] = v;
      choice[base + b] = pick;
    }
    [best, next] = [next, best];
  }
  const choices = new Int32Array(n);
  let b = cap;
  let totalTokens = 0;
  let value = 0;
  for (let i = n - 1; i >= 0; i--) {
    const j = choice[i * (cap + 1) + b]!;
    choices[i] = j;
    b -= steps[i * m + j]!;
    totalTokens += cost(i, j);
  }
  for (let i = 0; i < n; i++) value += probabilities[i]![choices[i]!]!;
  return { choices, totalTokens, value };
}
