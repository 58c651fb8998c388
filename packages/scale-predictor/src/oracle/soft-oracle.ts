import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';
import { allocateInBatches } from '../policy/batches.js';

export interface SoftOraclePoint {
  /** The mean-token budget asked for. */
  readonly target: number;
  /** Mean tokens the best choice spends (≤ target). */
  readonly meanTokens: number;
  /** The best mean expected correctness any per-sample scale choice reaches within the budget. */
  readonly accuracy: number;
}

/**
 * The soft oracle: with each sample's expected correctness at each scale (the mean over K answer
 * models trained with different seeds), the best accuracy any per-sample scale choice reaches at a
 * mean-token budget — an exact multiple-choice knapsack (`allocateBudget`) per batch of `batch`
 * samples. It is the ceiling for a perfect predictor: unlike the paper's oracle (smallest scale one
 * model answers correctly), it gains nothing from a model being right by luck at one scale, so the
 * paper's oracle minus this is chance. Larger batches give a (slightly) higher ceiling.
 *
 * @param expected per sample, expected correctness in [0, 1] at each scale (ascending)
 * @param costs tokens per scale
 * @param targets mean-token budgets
 */
export function softOracle(expected: readonly ArrayLike<number>[], costs: readonly number[], targets: readonly number[], batch = 256): SoftOraclePoint[] {
  if (!Array.isArray(targets) || targets.length === 0)
    throw argumentError(ErrorCode.InvalidArgument, 'targets', `expected mean-token budgets, got ${describe(targets)}`);
  return targets.map((target, i) => {
    if (typeof target !== 'number' || !(target >= 0) || !Number.isFinite(target)) {
      throw argumentError(ErrorCode.InvalidArgument, `targets[${i}]`, `expected a token count ≥ 0, got ${describe(target)}`);
    }
    const a = allocateInBatches(expected, costs, target, batch);
    return { target, meanTokens: a.meanTokens, accuracy: a.meanValue };
  });
}

/**
 * Expected correctness per sample and scale: the mean over several answer models' 0/1 tables
 * (`correct[k][i * scales + j]`), as `softOracle` and soft-target training read it.
 */
export function meanCorrectness(correct: readonly ArrayLike<number>[], samples: number, scales: number): Float64Array[] {
  if (!Array.isArray(correct) || correct.length === 0)
    throw argumentError(ErrorCode.InvalidArgument, 'correct', `expected one table per answer model, got ${describe(correct)}`);
  correct.forEach((c, k) => {
    if (c?.length !== samples * scales)
      throw argumentError(ErrorCode.ShapeMismatch, `correct[${k}]`, `expected ${samples * scales} values (samples × scales), got ${describe(c)}`);
  });
  return Array.from({ length: samples }, (_, i) => {
    const row = new Float64Array(scales);
    for (const c of correct) for (let j = 0; j < scales; j++) row[j]! += c[i * scales + j]! / correct.length;
    return row;
  });
}
