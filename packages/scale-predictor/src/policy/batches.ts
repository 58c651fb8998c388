import { ErrorCode, argumentError, describe, positiveInt } from '@matryoshka/core';
import { allocateIndices } from './budget.js';

export interface BatchedAllocation {
  /** Per sample, the chosen scale's token count (its entry in `costs`). */
  readonly tokens: number[];
  /** Mean tokens per sample actually spent (≤ the target). */
  readonly meanTokens: number;
  /** Mean chosen value per sample (mean expected correctness when the values are probabilities). */
  readonly meanValue: number;
}

/**
 * `allocateBudget` over consecutive batches of `batch` samples, each with `batch × meanTokens`
 * tokens (floored): how a server that sees requests in batches spends a mean-token budget, and
 * what keeps the exact DP small (its cells grow with batch² × mean tokens). The last batch may be
 * shorter and gets its share.
 *
 * @param values per sample, a value per scale (probabilities of a right answer, or expected correctness)
 * @param costs tokens per scale (the scales, in the order of each row of `values`), shared by every sample
 */
export function allocateInBatches(values: readonly ArrayLike<number>[], costs: readonly number[], meanTokens: number, batch: number): BatchedAllocation {
  if (!Array.isArray(values) || values.length === 0)
    throw argumentError(ErrorCode.InvalidArgument, 'values', `expected a non-empty array of rows, got ${describe(values)}`);
  if (typeof meanTokens !== 'number' || !(meanTokens >= 0) || !Number.isFinite(meanTokens)) {
    throw argumentError(ErrorCode.InvalidArgument, 'meanTokens', `expected a token count ≥ 0, got ${describe(meanTokens)}`);
  }
  const size = positiveInt(batch, 'batch');
  const n = values.length;
  const chosen = new Array<number>(n);
  let tokens = 0;
  let value = 0;
  for (let start = 0; start < n; start += size) {
    const rows = values.slice(start, start + size);
    const allocation = allocateIndices(rows, costs, Math.floor(rows.length * meanTokens + 1e-9));
    allocation.choices.forEach((j, k) => {
      chosen[start + k] = costs[j]!;
      value += rows[k]![j]!;
    });
    tokens += allocation.totalTokens;
  }
  return { tokens: chosen, meanTokens: tokens / n, meanValue: value / n };
}
